// Shared shape-function pieces of the elementwise ops: dtype checks against ONNX type
// constraints, same-shape unary outputs and multidirectional broadcast outputs.
#pragma once

#include <initializer_list>
#include <optional>

#include "ops/op_def.h"

namespace fovea {

// ONNX type-constraint sets.
inline constexpr std::initializer_list<DType> kFloatDTypes = {DType::kFloat32, DType::kFloat64, DType::kFloat16,
                                                              DType::kBFloat16};
inline constexpr std::initializer_list<DType> kSignedDTypes = {
    DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kBFloat16,
    DType::kInt8,    DType::kInt16,   DType::kInt32,   DType::kInt64};
inline constexpr std::initializer_list<DType> kNumericDTypes = {
    DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kBFloat16, DType::kInt8,   DType::kInt16,
    DType::kInt32,   DType::kInt64,   DType::kUInt8,   DType::kUInt16,   DType::kUInt32, DType::kUInt64};
inline constexpr std::initializer_list<DType> kBoolDTypes = {DType::kBool};

// Input i must be present; its dtype must be in `allowed` (an undefined dtype, not yet known
// at build time, passes).
Status check_input_dtype(const InferContext& ctx, size_t i, std::initializer_list<DType> allowed);
// Inputs [first, last) that are present must all share input `first`'s dtype.
Status check_same_dtype(const InferContext& ctx, size_t first, size_t last);

// Output 0 = input 0's dtype and shape, after checking input 0's dtype.
Status infer_same_as_input(InferContext& ctx, std::initializer_list<DType> allowed);
// Broadcast shape of the present inputs [first, last); nullopt when any rank is unknown.
Result<std::optional<Shape>> broadcast_input_shapes(const InferContext& ctx, size_t first, size_t last);
// Binary/variadic ops: every input's dtype in `allowed` and equal; output 0 has the broadcast
// shape and dtype `out_dtype` (kUndefined: the inputs' dtype).
Status infer_broadcast_op(InferContext& ctx, std::initializer_list<DType> allowed, DType out_dtype = DType::kUndefined);

}  // namespace fovea
