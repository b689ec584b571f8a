#include "core/tensor.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <new>

namespace fovea {
namespace {

// Float to int64 without UB: NaN gives 0, out-of-range values clamp.
int64_t saturating_int64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (v <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace

Result<Tensor> Tensor::allocate(DType dtype, Dims dims) {
  const size_t esize = dtype_size(dtype);
  if (esize == 0) return unsupported("cannot allocate a tensor of dtype {}", dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(int64_t n, checked_element_count(dims, esize));
  Tensor t;
  t.dtype_ = dtype;
  t.dims_ = std::move(dims);
  t.numel_ = n;
  std::byte* p = new (std::nothrow) std::byte[std::max<size_t>(t.nbytes(), 1)]();
  if (!p) return out_of_range("out of memory allocating {} bytes for shape {}", t.nbytes(), dims_to_string(t.dims_));
  t.storage_ = std::shared_ptr<std::byte[]>(p);
  return t;
}

Result<Tensor> Tensor::from_bytes(DType dtype, Dims dims, std::span<const std::byte> bytes) {
  FOVEA_ASSIGN_OR_RETURN(Tensor t, allocate(dtype, std::move(dims)));
  if (bytes.size() != t.nbytes())
    return invalid_argument("{} bytes of data for a {} tensor of shape {} that needs {}", bytes.size(),
                            dtype_name(dtype), dims_to_string(t.dims_), t.nbytes());
  if (!bytes.empty()) std::memcpy(t.raw_data(), bytes.data(), bytes.size());
  return t;
}

Result<Tensor> Tensor::reshaped(Dims dims) const {
  for (int64_t d : dims)
    if (d < 0) return invalid_argument("reshape to {} has a negative dim", dims_to_string(dims));
  if (element_count(dims) != numel_)
    return invalid_argument("cannot view {} elements as shape {}", numel_, dims_to_string(dims));
  Tensor t = *this;
  t.dims_ = std::move(dims);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = *this;
  t.storage_ = std::shared_ptr<std::byte[]>(new std::byte[std::max<size_t>(nbytes(), 1)]());
  if (nbytes()) std::memcpy(t.raw_data(), raw_data(), nbytes());
  return t;
}

int64_t Tensor::int_at(int64_t i) const {
  switch (dtype_) {
    case DType::kInt64: return data<int64_t>()[i];
    case DType::kInt32: return data<int32_t>()[i];
    case DType::kInt16: return data<int16_t>()[i];
    case DType::kInt8: return data<int8_t>()[i];
    case DType::kUInt8: return data<uint8_t>()[i];
    case DType::kUInt16: return data<uint16_t>()[i];
    case DType::kUInt32: return data<uint32_t>()[i];
    case DType::kUInt64: return static_cast<int64_t>(data<uint64_t>()[i]);
    case DType::kBool: return data<bool>()[i] ? 1 : 0;
    case DType::kFloat32: return saturating_int64(data<float>()[i]);
    case DType::kFloat64: return saturating_int64(data<double>()[i]);
    default: assert(false && "int_at on a non-numeric tensor"); return 0;
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> v(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) v[i] = int_at(i);
  return v;
}

double Tensor::double_at(int64_t i) const {
  switch (dtype_) {
    case DType::kFloat32: return data<float>()[i];
    case DType::kFloat64: return data<double>()[i];
    case DType::kFloat16: return half_to_float(data<Half>()[i]);
    default: return static_cast<double>(int_at(i));
  }
}

}  // namespace fovea
