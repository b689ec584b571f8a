#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {

Status GpuKernelContext::allocate_output(size_t i, Dims dims) {
  if (!a_.allocator) return internal_error("{}: allocate_output outside a data-dependent op", node().describe());
  DeviceTensor& out = a_.outputs[i];
  out.dims = std::move(dims);
  FOVEA_ASSIGN_OR_RETURN(int64_t count, checked_element_count(out.dims, dtype_size(out.dtype)));
  FOVEA_ASSIGN_OR_RETURN(out.data, a_.allocator->allocate(static_cast<size_t>(count) * dtype_size(out.dtype), stream()));
  return Status::ok();
}

Result<const Tensor*> GpuKernelContext::require_host_value(size_t i, std::string_view what) const {
  if (const Tensor* t = input_host_value(i)) return t;
  return unsupported("{}: input {} ({}) must be known before the run on the GPU backend (a constant or "
                     "computed from shapes), but it is computed on the device",
                     node().describe(), i, what);
}

}  // namespace fovea::cuda
