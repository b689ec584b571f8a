// The elementwise family's GPU kernels: one line per op.
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/gpu_kernel_families.h"

namespace fovea::cuda {

std::vector<GpuKernelEntry> elementwise_gpu_kernels() {
  using namespace elementwise_ops;
  return {
      // activations
      {"", "Relu", run_relu},
      {"", "LeakyRelu", run_leaky_relu},
      {"", "PRelu", run_prelu},
      {"", "Sigmoid", run_sigmoid},
      {"", "Tanh", run_tanh},
      {"", "HardSigmoid", run_hard_sigmoid},
      {"", "HardSwish", run_hard_swish},
      {"", "Softplus", run_softplus},
      {"", "Softsign", run_softsign},
      {"", "Elu", run_elu},
      {"", "Selu", run_selu},
      {"", "Celu", run_celu},
      {"", "ThresholdedRelu", run_thresholded_relu},
      {"", "Shrink", run_shrink},
      {"", "Mish", run_mish},
      {"", "Erf", run_erf},
      {"", "Clip", run_clip},
      // arithmetic
      {"", "Add", run_add},
      {"", "Sub", run_sub},
      {"", "Mul", run_mul},
      {"", "Div", run_div},
      {"", "Pow", run_pow},
      {"", "Mod", run_mod},
      {"", "BitShift", run_bit_shift},
      // unary math
      {"", "Sqrt", run_sqrt},
      {"", "Exp", run_exp},
      {"", "Log", run_log},
      {"", "Abs", run_abs},
      {"", "Neg", run_neg},
      {"", "Reciprocal", run_reciprocal},
      {"", "Floor", run_floor},
      {"", "Ceil", run_ceil},
      {"", "Round", run_round},
      {"", "Sign", run_sign},
      {"", "Sin", run_sin},
      {"", "Cos", run_cos},
      {"", "Tan", run_tan},
      {"", "Asin", run_asin},
      {"", "Acos", run_acos},
      {"", "Atan", run_atan},
      {"", "Sinh", run_sinh},
      {"", "Cosh", run_cosh},
      {"", "Asinh", run_asinh},
      {"", "Acosh", run_acosh},
      {"", "Atanh", run_atanh},
      {"", "IsNaN", run_is_nan},
      {"", "IsInf", run_is_inf},
      // variadic
      {"", "Min", run_min},
      {"", "Max", run_max},
      {"", "Sum", run_sum},
      {"", "Mean", run_mean},
      // comparison and logic
      {"", "Equal", run_equal},
      {"", "Less", run_less},
      {"", "Greater", run_greater},
      {"", "LessOrEqual", run_less_or_equal},
      {"", "GreaterOrEqual", run_greater_or_equal},
      {"", "Not", run_not},
      {"", "And", run_and},
      {"", "Or", run_or},
      {"", "Xor", run_xor},
      {"", "Where", run_where},
      // conversion
      {"", "Cast", run_cast},
      {"", "CastLike", run_cast_like},
      // fused
      {"fovea", "FusedElementwise", run_fused_elementwise},
  };
}

}  // namespace fovea::cuda
