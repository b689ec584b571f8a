#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

std::vector<int64_t> contiguous_strides(const Dims& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

namespace {

template <typename W>
void strided_copy_words(const W* src, int64_t offset, const std::vector<int64_t>& strides, const Dims& dims, W* dst) {
  const int64_t n = element_count(dims);
  if (n == 0) return;
  const size_t rank = dims.size();
  if (rank == 0) { dst[0] = src[offset]; return; }
  // Odometer over all but the innermost dim; the innermost dim is a tight loop.
  const int64_t inner = dims[rank - 1];
  const int64_t inner_stride = strides[rank - 1];
  std::vector<int64_t> idx(rank, 0);
  int64_t base = offset;
  for (int64_t out = 0; out < n; out += inner) {
    const W* s = src + base;
    W* d = dst + out;
    if (inner_stride == 1) std::memcpy(d, s, static_cast<size_t>(inner) * sizeof(W));
    else for (int64_t i = 0; i < inner; ++i) d[i] = s[i * inner_stride];
    for (size_t k = rank - 1; k-- > 0;) {
      base += strides[k];
      if (++idx[k] < dims[k]) break;
      base -= strides[k] * dims[k];
      idx[k] = 0;
    }
  }
}

}  // namespace

Status strided_copy(const void* src, int64_t offset, const std::vector<int64_t>& src_strides, const Dims& out_dims,
                    size_t element_size, void* dst) {
  if (src_strides.size() != out_dims.size()) return internal_error("strided_copy: stride and dim counts differ");
  return with_element_word(element_size, [&](auto word) {
    using W = decltype(word);
    strided_copy_words(static_cast<const W*>(src), offset, src_strides, out_dims, static_cast<W*>(dst));
  });
}

Status transpose_copy(const void* src, const Dims& in_dims, const std::vector<int64_t>& perm, size_t element_size,
                      void* dst) {
  if (perm.size() != in_dims.size()) return internal_error("transpose_copy: perm size differs from rank");
  const std::vector<int64_t> in_strides = contiguous_strides(in_dims);
  Dims out_dims(perm.size());
  std::vector<int64_t> strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    out_dims[i] = in_dims[static_cast<size_t>(perm[i])];
    strides[i] = in_strides[static_cast<size_t>(perm[i])];
  }
  return strided_copy(src, 0, strides, out_dims, element_size, dst);
}

}  // namespace fovea::cpu
