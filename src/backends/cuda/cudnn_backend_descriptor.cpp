#include "backends/cuda/cudnn_backend_descriptor.h"

#include <string>

#include "backends/cuda/cuda_check.h"

namespace fovea::cuda {

CudnnBackendDescriptor& CudnnBackendDescriptor::operator=(CudnnBackendDescriptor&& o) noexcept {
  if (this != &o) {
    if (d_) cudnnBackendDestroyDescriptor(d_);
    d_ = o.d_;
    o.d_ = nullptr;
  }
  return *this;
}

CudnnBackendDescriptor::~CudnnBackendDescriptor() {
  if (d_) cudnnBackendDestroyDescriptor(d_);
}

Result<CudnnBackendDescriptor> CudnnBackendDescriptor::create(cudnnBackendDescriptorType_t type) {
  CudnnBackendDescriptor d;
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnBackendCreateDescriptor(type, &d.d_));
  return d;
}

Status CudnnBackendDescriptor::set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count,
                                   const void* values) {
  const cudnnStatus_t s = cudnnBackendSetAttribute(d_, name, type, count, values);
  if (s != CUDNN_STATUS_SUCCESS)
    return cudnn_status(s, ("cudnnBackendSetAttribute (attribute " + std::to_string(name) + ")").c_str());
  return Status::ok();
}

Result<int64_t> CudnnBackendDescriptor::get(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
                                            int64_t capacity, void* out) const {
  int64_t count = 0;
  const cudnnStatus_t s = cudnnBackendGetAttribute(d_, name, type, capacity, &count, out);
  if (s != CUDNN_STATUS_SUCCESS)
    return cudnn_status(s, ("cudnnBackendGetAttribute (attribute " + std::to_string(name) + ")").c_str());
  return count;
}

Result<int64_t> CudnnBackendDescriptor::get_int64(cudnnBackendAttributeName_t name) const {
  int64_t v = 0;
  FOVEA_ASSIGN_OR_RETURN(int64_t n, get(name, CUDNN_TYPE_INT64, 1, &v));
  if (n < 1) return internal_error("cudnnBackendGetAttribute (attribute {}) returned no value", static_cast<int>(name));
  return v;
}

Status CudnnBackendDescriptor::finalize() {
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnBackendFinalize(d_));
  return Status::ok();
}

Result<std::vector<CudnnBackendDescriptor>> create_backend_descriptors(cudnnBackendDescriptorType_t type,
                                                                        int64_t count) {
  std::vector<CudnnBackendDescriptor> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor d, CudnnBackendDescriptor::create(type));
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<cudnnBackendDescriptor_t> raw_descriptors(const std::vector<CudnnBackendDescriptor>& ds) {
  std::vector<cudnnBackendDescriptor_t> raw;
  raw.reserve(ds.size());
  for (const auto& d : ds) raw.push_back(d.get());
  return raw;
}

}  // namespace fovea::cuda
