// Data movement shared by the tensor kernels (Transpose, Slice, Expand, Tile, DepthToSpace, ...):
// they only move elements, so they work on raw words of the element's size, whatever the dtype.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea::cpu {

// Calls f(W{}) with W the unsigned integer type of `element_size` bytes (1, 2, 4 or 8).
template <typename F>
Status with_element_word(size_t element_size, F&& f) {
  switch (element_size) {
    case 1: f(uint8_t{}); return Status::ok();
    case 2: f(uint16_t{}); return Status::ok();
    case 4: f(uint32_t{}); return Status::ok();
    case 8: f(uint64_t{}); return Status::ok();
    default: return unsupported("no data movement for elements of {} bytes", element_size);
  }
}

// Row-major element strides of `dims`.
std::vector<int64_t> contiguous_strides(const Dims& dims);

// dst[i0..ik] = src[offset + sum(ij * src_strides[j])] for every index of `out_dims` (dst is
// contiguous). Strides are in elements and may be zero (broadcast) or negative (reversed slices).
Status strided_copy(const void* src, int64_t offset, const std::vector<int64_t>& src_strides, const Dims& out_dims,
                    size_t element_size, void* dst);

// dst = src transposed by `perm` (output dim i is input dim perm[i]); src has dims `in_dims`.
Status transpose_copy(const void* src, const Dims& in_dims, const std::vector<int64_t>& perm, size_t element_size,
                      void* dst);

}  // namespace fovea::cpu
