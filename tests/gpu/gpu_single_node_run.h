// Test support for the data movement GPU tests: one node run through its CUDA kernel entry (the
// adapter the engine calls) and through the CPU reference executor on the same input, with the
// device buffers placed at a chosen byte offset (views into an arena need not be 16-byte aligned).
#pragma once

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "backends/cuda/gpu_kernel.h"
#include "ir/graph.h"

namespace fovea::gpu_test {

// A tensor of `dtype` with random finite values (floats in [-8, 8), integers any bits).
inline Tensor random_tensor(DType dtype, const Dims& dims, uint32_t seed) {
  Tensor t = *Tensor::allocate(dtype, dims);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-8.f, 8.f);
  auto* bytes = static_cast<unsigned char*>(t.raw_data());
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (dtype == DType::kFloat32) {
      t.data<float>()[i] = u(rng);
    } else if (dtype == DType::kFloat16) {
      t.data<Half>()[i] = float_to_half(u(rng));
    } else if (dtype == DType::kFloat64) {
      t.data<double>()[i] = u(rng);
    } else {
      const size_t e = dtype_size(dtype);
      for (size_t b = 0; b < e; ++b) bytes[static_cast<size_t>(i) * e + b] = static_cast<unsigned char>(rng() & 0xff);
    }
  }
  return t;
}

// Device memory holding `bytes` at `offset` bytes past a 256-byte aligned allocation.
struct OffsetDeviceBuffer {
  void* base = nullptr;
  void* ptr = nullptr;
  size_t bytes = 0;
  OffsetDeviceBuffer(size_t n, size_t offset) : bytes(n) {
    EXPECT_EQ(cudaMalloc(&base, n + offset + 16), cudaSuccess);
    EXPECT_EQ(cudaMemset(base, 0xA5, n + offset + 16), cudaSuccess);  // poison: unwritten outputs show
    ptr = static_cast<char*>(base) + offset;
  }
  ~OffsetDeviceBuffer() { cudaFree(base); }
  OffsetDeviceBuffer(const OffsetDeviceBuffer&) = delete;
  OffsetDeviceBuffer& operator=(const OffsetDeviceBuffer&) = delete;
};

// One node: input 0 on the device, the others host values (perm-like inputs, scales, sizes).
struct SingleNodeRun {
  Tensor cpu_output;  // the CPU reference's output
  Tensor gpu_output;  // the CUDA kernel's output, same dtype and dims
  Status status;      // the CUDA kernel's status
};

inline SingleNodeRun run_single_node(const std::string& op, const Tensor& x,
                                     const std::vector<const Tensor*>& host_inputs, std::vector<Attribute> attrs,
                                     int64_t opset, size_t in_offset = 0, size_t out_offset = 0) {
  SingleNodeRun r;
  Graph graph;
  Node* node = graph.add_node("n", op);
  node->inputs.push_back(*graph.add_value("x"));
  for (size_t i = 0; i < host_inputs.size(); ++i)
    node->inputs.push_back(host_inputs[i] ? *graph.add_value("in" + std::to_string(i + 1)) : nullptr);
  node->outputs.push_back(*graph.add_value("y"));
  node->attributes = std::move(attrs);
  std::vector<const Tensor*> cpu_inputs = {&x};
  cpu_inputs.insert(cpu_inputs.end(), host_inputs.begin(), host_inputs.end());
  auto cpu = cpu::run_node(*node, opset, cpu_inputs);
  if (!cpu.is_ok()) {
    r.status = cpu.status();
    ADD_FAILURE() << "CPU reference: " << cpu.status().to_string();
    return r;
  }
  r.cpu_output = (*cpu)[0];

  OffsetDeviceBuffer din(x.nbytes(), in_offset), dout(r.cpu_output.nbytes(), out_offset);
  EXPECT_EQ(cudaMemcpy(din.ptr, x.raw_data(), x.nbytes(), cudaMemcpyHostToDevice), cudaSuccess);
  cudaStream_t stream = nullptr;
  EXPECT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  std::unique_ptr<cuda::GpuNodeState> state;
  cuda::GpuKernelContext::Args a;
  a.node = node;
  a.opset = opset;
  a.inputs = {cuda::DeviceTensor{din.ptr, x.dtype(), x.dims()}};
  a.host_inputs = {nullptr};
  for (const Tensor* t : host_inputs) {
    a.inputs.push_back(t ? cuda::DeviceTensor{nullptr, t->dtype(), t->dims()} : cuda::DeviceTensor{});
    a.host_inputs.push_back(t);
  }
  a.outputs = {cuda::DeviceTensor{dout.ptr, r.cpu_output.dtype(), r.cpu_output.dims()}};
  a.resources.stream = stream;
  a.state = &state;
  cuda::GpuKernelContext ctx(std::move(a));
  const cuda::GpuKernelEntry* entry = cuda::find_gpu_kernel("", op);
  EXPECT_NE(entry, nullptr) << op;
  r.status = entry ? entry->run(ctx) : internal_error("no kernel");
  EXPECT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  cudaStreamDestroy(stream);
  r.gpu_output = *Tensor::allocate(r.cpu_output.dtype(), r.cpu_output.dims());
  EXPECT_EQ(cudaMemcpy(r.gpu_output.raw_data(), dout.ptr, r.gpu_output.nbytes(), cudaMemcpyDeviceToHost), cudaSuccess);
  return r;
}

// Index of the first differing element, or -1.
inline int64_t first_byte_mismatch(const Tensor& a, const Tensor& b) {
  if (a.nbytes() != b.nbytes()) return 0;
  const size_t e = dtype_size(a.dtype());
  const auto* pa = static_cast<const unsigned char*>(a.raw_data());
  const auto* pb = static_cast<const unsigned char*>(b.raw_data());
  for (int64_t i = 0; i < a.numel(); ++i)
    if (std::memcmp(pa + static_cast<size_t>(i) * e, pb + static_cast<size_t>(i) * e, e) != 0) return i;
  return -1;
}

}  // namespace fovea::gpu_test
