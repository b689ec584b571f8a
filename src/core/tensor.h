// Tensor: a host tensor that owns (or shares) its storage. Copies are cheap and share storage;
// `clone()` copies the data. Device tensors live in the engine layer.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <span>

#include "core/dtype.h"
#include "core/shape.h"
#include "core/status.h"

namespace fovea {

class Tensor {
 public:
  Tensor() = default;

  // Zero-filled tensor; the size is checked against max_tensor_bytes() before allocating.
  static Result<Tensor> allocate(DType dtype, Dims dims);
  // A tensor over a copy of `bytes`, which must be exactly the size dims and dtype imply.
  static Result<Tensor> from_bytes(DType dtype, Dims dims, std::span<const std::byte> bytes);
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, Dims dims);
  template <typename T>
  static Tensor scalar(T value) { return from_vector<T>({value}, {}); }

  bool defined() const { return dtype_ != DType::kUndefined; }
  DType dtype() const { return dtype_; }
  const Dims& dims() const { return dims_; }
  int64_t dim(size_t i) const { return dims_[i]; }
  size_t rank() const { return dims_.size(); }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }

  void* raw_data() { return storage_.get(); }
  const void* raw_data() const { return storage_.get(); }
  std::span<const std::byte> bytes() const { return {static_cast<const std::byte*>(raw_data()), nbytes()}; }

  template <typename T>
  T* data() {
    assert(DTypeOf<T>::value == dtype_ || (sizeof(T) == dtype_size(dtype_) && !std::is_same_v<T, bool>));
    return static_cast<T*>(raw_data());
  }
  template <typename T>
  const T* data() const {
    assert(DTypeOf<T>::value == dtype_ || (sizeof(T) == dtype_size(dtype_) && !std::is_same_v<T, bool>));
    return static_cast<const T*>(raw_data());
  }
  template <typename T>
  std::span<const T> values() const { return {data<T>(), static_cast<size_t>(numel_)}; }

  // Same storage, new dims with the same element count (a view).
  Result<Tensor> reshaped(Dims dims) const;
  Tensor clone() const;
  // Reads element i of an integer or bool tensor as int64 (for shape-like inputs).
  int64_t int_at(int64_t i) const;
  // Reads all elements of an integer tensor as int64 (axes, shapes, pads, ...).
  std::vector<int64_t> to_int64_vector() const;
  // Reads element i of a float or integer tensor as double (scalar attributes given as inputs).
  double double_at(int64_t i) const;

 private:
  DType dtype_ = DType::kUndefined;
  Dims dims_;
  int64_t numel_ = 0;
  std::shared_ptr<std::byte[]> storage_;
};

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, Dims dims) {
  Tensor t;
  t.dtype_ = DTypeOf<T>::value;
  t.dims_ = std::move(dims);
  t.numel_ = element_count(t.dims_);
  assert(static_cast<size_t>(t.numel_) == values.size());
  t.storage_ = std::shared_ptr<std::byte[]>(new std::byte[std::max<size_t>(t.nbytes(), 1)]());
  for (size_t i = 0; i < values.size(); ++i) static_cast<T*>(t.raw_data())[i] = values[i];
  return t;
}

}  // namespace fovea
