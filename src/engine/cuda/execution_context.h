// One inference stream over a shared Engine: its own activation arena (planned by liveness,
// allocated once), cuDNN/cuBLASLt handles, workspace and kernel state. Inputs and outputs are
// bound by name as device pointers; enqueue() is asynchronous on the caller's stream. The
// inference is captured once per input shape (and binding) into a CUDA graph and replayed.
//
// Graphs with data-dependent ops (NonZero, NMS, ...) run eagerly instead: node by node, with
// a stream-ordered memory pool and a synchronization at each data-dependent node.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda/gpu_kernel.h"
#include "engine/cuda/device_buffer.h"
#include "engine/cuda/engine.h"

namespace fovea::cuda {

struct LayerTime {
  const Node* node;
  float milliseconds;
};

class ExecutionContext {
 public:
  static Result<std::unique_ptr<ExecutionContext>> create(std::shared_ptr<const Engine> engine);
  ~ExecutionContext();
  ExecutionContext(const ExecutionContext&) = delete;
  ExecutionContext& operator=(const ExecutionContext&) = delete;

  const Engine& engine() const { return *engine_; }

  // Input dims for the next enqueue (checked against the profile). Starts at the profile's opt.
  Status set_input_shape(const std::string& name, const Dims& dims);
  const std::map<std::string, Dims>& input_shapes() const { return input_dims_; }
  // The host value of an input the engine reads on the host (Engine::host_inputs()); it also sets
  // the input's shape. run() does this itself for such inputs.
  Status set_input_value(const std::string& name, const Tensor& value);

  // The context's own device buffer for an input/output at the current shapes (valid until the
  // shapes change). Writing inputs there avoids any copy. Outputs of data-dependent graphs
  // are known only after a run.
  Result<DeviceTensor> input_tensor(const std::string& name);
  Result<DeviceTensor> output_tensor(const std::string& name);

  // External device buffers (nullptr unbinds): inputs are copied in at the start of enqueue and
  // outputs copied out at its end, on the stream.
  Status bind_input(const std::string& name, const void* device_ptr);
  Status bind_output(const std::string& name, void* device_ptr);

  // Runs the inference on `stream` without blocking the host (except for data-dependent graphs).
  Status enqueue(cudaStream_t stream);

  // Convenience for host tensors: pinned staging, upload, enqueue, download, synchronize.
  Result<std::vector<Tensor>> run(const std::map<std::string, Tensor>& inputs, cudaStream_t stream);

  // Per-node GPU times of one enqueue without a CUDA graph (CUDA events around every node).
  Result<std::vector<LayerTime>> profile_layers(cudaStream_t stream);

  // For the builder: the kernel arguments of every step that runs at the current shapes
  // (buffers in this context's arena, resources filled in), by engine step index.
  Result<std::vector<std::pair<size_t, GpuKernelContext::Args>>> step_args(cudaStream_t stream);

  void set_cuda_graphs(bool enabled) { use_graphs_ = enabled; }
  bool cuda_graphs_active() const;
  size_t arena_bytes() const { return arena_.size(); }
  size_t workspace_bytes() const { return workspace_.size(); }
  // Peak activation memory of the current shapes and the naive sum, for reports.
  std::string memory_report();
  // Planned activation bytes and the naive sum (every tensor its own buffer) at the current shapes.
  Result<std::pair<size_t, size_t>> activation_bytes();

 private:
  struct ShapeSetup;
  explicit ExecutionContext(std::shared_ptr<const Engine> engine);
  Status init();
  Result<ShapeSetup*> current_setup();
  Result<std::unique_ptr<ShapeSetup>> make_setup(const std::map<std::string, Dims>& dims);
  std::string setup_key() const;
  Status enqueue_steps(ShapeSetup& s, cudaStream_t stream, std::vector<cudaEvent_t>* events);
  Status enqueue_copies_in(ShapeSetup& s, cudaStream_t stream);
  Status enqueue_copies_out(ShapeSetup& s, cudaStream_t stream);
  Status run_eager(cudaStream_t stream);
  Status bind_stream(cudaStream_t stream);

  std::shared_ptr<const Engine> engine_;
  std::map<std::string, Dims> input_dims_;
  std::map<std::string, Tensor> host_input_values_;
  std::map<std::string, std::unique_ptr<ShapeSetup>> setups_;  // by shape signature
  std::map<std::string, const void*> bound_inputs_;
  std::map<std::string, void*> bound_outputs_;
  std::vector<std::unique_ptr<GpuNodeState>> node_states_;     // per step
  DeviceBuffer arena_;
  DeviceBuffer workspace_;
  cudnnHandle_t cudnn_ = nullptr;
  cublasLtHandle_t cublaslt_ = nullptr;
  cudaStream_t bound_stream_ = nullptr;
  bool use_graphs_ = true;
  PinnedBuffer staging_;
  // Eager mode: outputs of the last run, in pool memory.
  std::map<std::string, DeviceTensor> eager_outputs_;
  std::vector<void*> eager_allocations_;
};

}  // namespace fovea::cuda
