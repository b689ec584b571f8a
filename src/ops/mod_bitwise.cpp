// Mod (numeric, broadcast), Xor (bool, broadcast) and BitShift (unsigned integers, broadcast).
#include "ops/elementwise_inference.h"
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

constexpr std::initializer_list<DType> kUnsignedDTypes = {DType::kUInt8, DType::kUInt16, DType::kUInt32,
                                                          DType::kUInt64};

}  // namespace

Status infer_mod(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  FOVEA_ASSIGN_OR_RETURN(const int64_t fmod, ctx.node().attr_int("fmod", 0));
  if (fmod != 0 && fmod != 1) return ctx.error("attribute fmod must be 0 or 1, got {}", fmod);
  return infer_broadcast_op(ctx, kNumericDTypes);
}

Status infer_xor(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  return infer_broadcast_op(ctx, kBoolDTypes);
}

Status infer_bit_shift(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  FOVEA_ASSIGN_OR_RETURN(const std::string direction, ctx.node().attr_string("direction", ""));
  if (direction != "LEFT" && direction != "RIGHT")
    return ctx.error("attribute direction must be LEFT or RIGHT, got '{}'", direction);
  return infer_broadcast_op(ctx, kUnsignedDTypes);
}

}  // namespace fovea
