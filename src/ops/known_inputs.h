// Reading shape-like integer inputs (shapes, axes, pads, repeats, indices) in shape functions,
// where their values are known only for constants at build time and always at run time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ops/op_def.h"

namespace fovea {

// Checks that inputs 0..count-1 are present (run_node callers may omit any input).
Status require_inputs(const InferContext& ctx, size_t count);

// Checks that input i is an int32 or int64 tensor of rank <= 1 (when the rank is known).
Status check_int_list_input(const InferContext& ctx, size_t i, std::string_view what);

// Values of the int32/int64 1-D (or scalar) input i when they are known; nullopt when not known yet.
Result<std::optional<std::vector<int64_t>>> known_int_list(const InferContext& ctx, size_t i, std::string_view what);

// Number of elements of the 1-D input i when its shape says so; nullopt when unknown.
std::optional<int64_t> known_list_length(const InferContext& ctx, size_t i);

// Normalizes every axis in `axes` to [0, rank) and rejects duplicates.
Result<std::vector<int64_t>> normalize_axes(const InferContext& ctx, const std::vector<int64_t>& axes, int64_t rank,
                                            std::string_view what);

// Product of dims [begin, end) of `shape`, or an unknown Dim if any of them is not known.
Dim dim_product(const Shape& shape, size_t begin, size_t end);

// Validates a static output shape's size (overflow, negative dims, the tensor byte limit) before
// anything is allocated; shapes with unknown dims pass.
Status check_output_size(const InferContext& ctx, const Shape& shape, DType dtype);

}  // namespace fovea
