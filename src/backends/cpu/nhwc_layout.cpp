#include "backends/cpu/nhwc_layout.h"

#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {
namespace {

Result<Dims> permuted_dims(const Tensor& t, const std::vector<int64_t>& perm) {
  if (t.rank() != perm.size())
    return invalid_argument("cannot permute a tensor of shape {} by a rank-{} permutation", dims_to_string(t.dims()),
                            perm.size());
  Dims out;
  for (int64_t p : perm) out.push_back(t.dim(static_cast<size_t>(p)));
  return out;
}

}  // namespace

Result<Tensor> permuted_copy(const Tensor& t, const std::vector<int64_t>& perm) {
  FOVEA_ASSIGN_OR_RETURN(Dims dims, permuted_dims(t, perm));
  FOVEA_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(t.dtype(), dims));
  FOVEA_RETURN_IF_ERROR(transpose_copy(t.raw_data(), t.dims(), perm, dtype_size(t.dtype()), out.raw_data()));
  return out;
}

Status permute_into(const Tensor& src, const std::vector<int64_t>& perm, Tensor& dst) {
  FOVEA_ASSIGN_OR_RETURN(Dims dims, permuted_dims(src, perm));
  if (dims != dst.dims() || src.dtype() != dst.dtype())
    return internal_error("permuted {} {} does not match the output {} {}", dtype_name(src.dtype()),
                          dims_to_string(dims), dtype_name(dst.dtype()), dims_to_string(dst.dims()));
  return transpose_copy(src.raw_data(), src.dims(), perm, dtype_size(src.dtype()), dst.raw_data());
}

}  // namespace fovea::cpu
