// Constant (data from exactly one value* attribute) and ConstantOfShape (a shape given as input,
// filled with the one-element 'value' tensor, float32 0 by default).
#include "ops/constant.h"
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Result<Tensor> constant_attribute_value(const Node& node) {
  const char* kinds[] = {"value", "value_float", "value_floats", "value_int", "value_ints",
                         "value_string", "value_strings", "sparse_value"};
  int count = 0;
  for (const char* k : kinds) count += node.has_attribute(k) ? 1 : 0;
  if (count != 1)
    return invalid_argument("{}: needs exactly one value attribute, has {}", node.describe(), count);
  if (node.has_attribute("value")) return node.attr_tensor("value");
  if (node.has_attribute("value_float")) {
    FOVEA_ASSIGN_OR_RETURN(float v, node.attr_float("value_float", 0.f));
    return Tensor::scalar<float>(v);
  }
  if (node.has_attribute("value_floats")) {
    FOVEA_ASSIGN_OR_RETURN(auto v, node.attr_floats("value_floats"));
    const int64_t n = static_cast<int64_t>(v.size());
    return Tensor::from_vector<float>(v, {n});
  }
  if (node.has_attribute("value_int")) {
    FOVEA_ASSIGN_OR_RETURN(int64_t v, node.attr_int("value_int", 0));
    return Tensor::scalar<int64_t>(v);
  }
  if (node.has_attribute("value_ints")) {
    FOVEA_ASSIGN_OR_RETURN(auto v, node.attr_ints("value_ints"));
    const int64_t n = static_cast<int64_t>(v.size());
    return Tensor::from_vector<int64_t>(v, {n});
  }
  return unsupported("{}: string and sparse constants are not supported", node.describe());
}

Status infer_constant(InferContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(Tensor value, constant_attribute_value(ctx.node()));
  if (!value.defined()) return ctx.error("'value' holds no tensor");
  ctx.set_output_value(0, std::move(value));
  return Status::ok();
}

Result<Tensor> constant_of_shape_fill(const Node& node) {
  if (!node.has_attribute("value")) return Tensor::scalar<float>(0.f);
  FOVEA_ASSIGN_OR_RETURN(Tensor v, node.attr_tensor("value"));
  if (v.numel() != 1) return invalid_argument("{}: 'value' must hold one element, has {}", node.describe(), v.numel());
  if (dtype_size(v.dtype()) == 0) return unsupported("{}: 'value' has dtype {}", node.describe(), dtype_name(v.dtype()));
  return v;
}

Status infer_constant_of_shape(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(Tensor fill, constant_of_shape_fill(ctx.node()));
  if (ctx.input_dtype(0) != DType::kInt64) return ctx.error("input must be int64, got {}", dtype_name(ctx.input_dtype(0)));
  FOVEA_ASSIGN_OR_RETURN(auto dims, known_int_list(ctx, 0, "shape"));
  if (!dims) {
    if (auto sym = ctx.input_symbolic_ints(0)) {  // e.g. [batch, 4] from shape arithmetic
      Shape out;
      for (const SymbolicInt& e : *sym) {
        if (e.value && *e.value < 0) return ctx.error("shape has a negative dim {}", *e.value);
        out.push_back(e.value ? Dim::known(*e.value) : e.symbol.empty() ? Dim::unknown() : Dim::symbolic(e.symbol));
      }
      ctx.set_output(0, fill.dtype(), std::move(out));
      return Status::ok();
    }
    auto n = known_list_length(ctx, 0);
    if (n && *n <= 64) ctx.set_output(0, fill.dtype(), Shape(static_cast<size_t>(*n), Dim::unknown()));
    else ctx.set_output(0, fill.dtype(), std::nullopt);
    return Status::ok();
  }
  for (int64_t d : *dims)
    if (d < 0) return ctx.error("shape {} has a negative dim", dims_to_string(*dims));
  const Shape out = shape_from_dims(*dims);
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, fill.dtype()));
  ctx.set_output(0, fill.dtype(), out);
  return Status::ok();
}

}  // namespace fovea
