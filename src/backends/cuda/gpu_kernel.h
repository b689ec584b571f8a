// The CUDA backend's kernel interface. A GPU kernel entry enqueues one node's work on a stream:
// inputs and outputs are already in device memory with the shapes the op's shape function
// computed (the executor owns that memory); nothing may synchronize or allocate, so the whole
// inference can be captured into a CUDA graph. Ops whose output shape depends on data
// (NonZero, NonMaxSuppression, Compress) are marked `data_dependent` and are the exception:
// they may synchronize and allocate their outputs with `allocate_output`.
//
// The kernels themselves are plain launchers in kernels/*.cu with framework-free headers
// (DESIGN.md rule 3); the run_* functions here translate a node into a launcher call.
#pragma once

#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/tactic.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"

typedef struct cudnnContext* cudnnHandle_t;
typedef struct cublasLtContext* cublasLtHandle_t;

namespace fovea::cuda {

// A tensor in device memory: a view, the executor owns the memory. Always contiguous, row-major.
struct DeviceTensor {
  void* data = nullptr;
  DType dtype = DType::kUndefined;
  Dims dims;

  bool defined() const { return dtype != DType::kUndefined; }
  int64_t numel() const { return element_count(dims); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype); }
  template <typename T>
  T* as() const { return static_cast<T*>(data); }
};

using ::fovea::Tactic;

// State a kernel keeps for a node between runs in one execution context (descriptors, plans),
// rebuilt by the kernel when the shapes change.
struct GpuNodeState {
  virtual ~GpuNodeState() = default;
};

// The handles and scratch an execution context lends its kernels.
struct GpuResources {
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  cublasLtHandle_t cublaslt = nullptr;
  void* workspace = nullptr;
  size_t workspace_bytes = 0;
};

// Allocates device memory for a data-dependent output (see allocate_output).
class DeviceAllocator {
 public:
  virtual ~DeviceAllocator() = default;
  virtual Result<void*> allocate(size_t bytes, cudaStream_t stream) = 0;
};

class GpuKernelContext {
 public:
  struct Args {
    const Node* node = nullptr;
    int64_t opset = 0;
    std::vector<DeviceTensor> inputs;          // undefined for omitted optional inputs
    std::vector<const Tensor*> host_inputs;    // host copy when known before the run, else nullptr
    std::vector<DeviceTensor> outputs;         // undefined for omitted optional outputs
    GpuResources resources;
    const Tactic* tactic = nullptr;            // null: the kernel's default choice
    std::unique_ptr<GpuNodeState>* state = nullptr;
    DeviceAllocator* allocator = nullptr;      // only for data-dependent ops
  };
  explicit GpuKernelContext(Args args) : a_(std::move(args)) {}

  const Node& node() const { return *a_.node; }
  int64_t opset() const { return a_.opset; }

  size_t num_inputs() const { return a_.inputs.size(); }
  bool has_input(size_t i) const { return i < a_.inputs.size() && a_.inputs[i].defined(); }
  const DeviceTensor& input(size_t i) const { return a_.inputs[i]; }
  // Host copy of input i when it is known before the run (initializers, shape arithmetic
  // evaluated on the host), else nullptr. Kernels read axes, pads, scales, k, ... from here.
  const Tensor* input_host_value(size_t i) const { return i < a_.host_inputs.size() ? a_.host_inputs[i] : nullptr; }

  size_t num_outputs() const { return a_.outputs.size(); }
  bool has_output(size_t i) const { return i < a_.outputs.size() && a_.outputs[i].defined(); }
  DeviceTensor& output(size_t i) { return a_.outputs[i]; }
  // For data-dependent ops only: gives output i the final dims and device memory for them.
  Status allocate_output(size_t i, Dims dims);

  cudaStream_t stream() const { return a_.resources.stream; }
  cudnnHandle_t cudnn() const { return a_.resources.cudnn; }
  cublasLtHandle_t cublaslt() const { return a_.resources.cublaslt; }
  void* workspace() const { return a_.resources.workspace; }
  size_t workspace_bytes() const { return a_.resources.workspace_bytes; }
  const Tactic* tactic() const { return a_.tactic; }
  // This node's persistent state in this execution context (empty at first).
  std::unique_ptr<GpuNodeState>& state() { return *a_.state; }
  bool has_state() const { return a_.state != nullptr; }
  // The state as T, created with `make` when absent or of another type.
  template <typename T, typename Make>
  T& state_as(Make make) {
    auto* s = dynamic_cast<T*>(a_.state->get());
    if (!s) { *a_.state = make(); s = static_cast<T*>(a_.state->get()); }
    return *s;
  }

  template <typename... Args>
  Status error(fmt::format_string<Args...> f, Args&&... args) const {
    return invalid_argument("{}: {}", node().describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  Status unsupported_here(fmt::format_string<Args...> f, Args&&... args) const {
    return unsupported("{}: {}", node().describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  Status unsupported_dtype(size_t input_index) const {
    return unsupported("{}: input {} has dtype {}, which the CUDA kernel does not handle", node().describe(),
                       input_index, dtype_name(a_.inputs[input_index].dtype));
  }
  // A required host value (axes, pads, k, scales...) or an error saying it must be known
  // before the run on the GPU backend.
  Result<const Tensor*> require_host_value(size_t i, std::string_view what) const;

 private:
  Args a_;
};

// Enqueues the node's work on ctx.stream().
using GpuKernelFn = Status (*)(GpuKernelContext&);
// The tactics worth timing for this node at the shapes in ctx (inputs/outputs hold scratch
// memory of the right size). The first is the default when nothing was timed.
using GpuTacticsFn = Result<std::vector<Tactic>> (*)(GpuKernelContext&);

struct GpuKernelEntry {
  std::string_view domain;          // "" for ONNX ops, "fovea" for fused ops
  std::string_view op_type;
  GpuKernelFn run;
  GpuTacticsFn tactics = nullptr;   // set for conv- and gemm-like ops
  bool data_dependent = false;      // output shape depends on input values (see above)
};

const std::vector<GpuKernelEntry>& gpu_kernel_table();
const GpuKernelEntry* find_gpu_kernel(std::string_view domain, std::string_view op_type);

}  // namespace fovea::cuda
