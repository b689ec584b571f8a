// Equal, Less, Greater, LessOrEqual, GreaterOrEqual: broadcast comparisons with bool outputs.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

constexpr std::initializer_list<DType> kEqualDTypes = {
    DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kBFloat16, DType::kInt8,   DType::kInt16, DType::kInt32,
    DType::kInt64,   DType::kUInt8,   DType::kUInt16,  DType::kUInt32,   DType::kUInt64, DType::kBool};

}  // namespace

Status infer_equal(InferContext& ctx) { return infer_broadcast_op(ctx, kEqualDTypes, DType::kBool); }
Status infer_less(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes, DType::kBool); }
Status infer_greater(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes, DType::kBool); }
Status infer_less_or_equal(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes, DType::kBool); }
Status infer_greater_or_equal(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes, DType::kBool); }

}  // namespace fovea
