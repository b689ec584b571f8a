// One cuDNN backend (graph API) descriptor, owned: created on construction, destroyed with the
// object, with checked attribute setters and getters. Every call's status becomes a Status
// naming the attribute, so a refusal is an error value, never a crash.
#pragma once

#include <cudnn.h>

#include <cstdint>
#include <vector>

#include "core/status.h"

namespace fovea::cuda {

class CudnnBackendDescriptor {
 public:
  CudnnBackendDescriptor() = default;
  CudnnBackendDescriptor(CudnnBackendDescriptor&& o) noexcept : d_(o.d_) { o.d_ = nullptr; }
  CudnnBackendDescriptor& operator=(CudnnBackendDescriptor&& o) noexcept;
  CudnnBackendDescriptor(const CudnnBackendDescriptor&) = delete;
  CudnnBackendDescriptor& operator=(const CudnnBackendDescriptor&) = delete;
  ~CudnnBackendDescriptor();

  static Result<CudnnBackendDescriptor> create(cudnnBackendDescriptorType_t type);

  cudnnBackendDescriptor_t get() const { return d_; }
  explicit operator bool() const { return d_ != nullptr; }

  Status set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count, const void* values);
  Status set_int64(cudnnBackendAttributeName_t name, int64_t v) { return set(name, CUDNN_TYPE_INT64, 1, &v); }
  Status set_int64s(cudnnBackendAttributeName_t name, const std::vector<int64_t>& v) {
    return set(name, CUDNN_TYPE_INT64, static_cast<int64_t>(v.size()), v.data());
  }
  Status set_double(cudnnBackendAttributeName_t name, double v) { return set(name, CUDNN_TYPE_DOUBLE, 1, &v); }
  Status set_float(cudnnBackendAttributeName_t name, float v) { return set(name, CUDNN_TYPE_FLOAT, 1, &v); }
  Status set_bool(cudnnBackendAttributeName_t name, bool v) { return set(name, CUDNN_TYPE_BOOLEAN, 1, &v); }
  Status set_data_type(cudnnBackendAttributeName_t name, cudnnDataType_t v) {
    return set(name, CUDNN_TYPE_DATA_TYPE, 1, &v);
  }
  Status set_descriptor(cudnnBackendAttributeName_t name, const CudnnBackendDescriptor& v) {
    cudnnBackendDescriptor_t raw = v.get();
    return set(name, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &raw);
  }
  Status set_descriptors(cudnnBackendAttributeName_t name, const std::vector<cudnnBackendDescriptor_t>& v) {
    return set(name, CUDNN_TYPE_BACKEND_DESCRIPTOR, static_cast<int64_t>(v.size()), v.data());
  }
  // The graph / plan's handle (the attribute cuDNN 9 reads the device from).
  Status set_handle(cudnnBackendAttributeName_t name, cudnnHandle_t handle) {
    return set(name, CUDNN_TYPE_HANDLE, 1, &handle);
  }

  // Up to `capacity` elements into `out`; returns how many the attribute holds (may exceed capacity).
  Result<int64_t> get(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t capacity,
                      void* out) const;
  Result<int64_t> get_int64(cudnnBackendAttributeName_t name) const;

  Status finalize();

 private:
  cudnnBackendDescriptor_t d_ = nullptr;
};

// `count` descriptors of one type (outputs of get() for descriptor arrays: heuristics results,
// knob choices), and their raw handles in the same order.
Result<std::vector<CudnnBackendDescriptor>> create_backend_descriptors(cudnnBackendDescriptorType_t type,
                                                                        int64_t count);
std::vector<cudnnBackendDescriptor_t> raw_descriptors(const std::vector<CudnnBackendDescriptor>& ds);

}  // namespace fovea::cuda
