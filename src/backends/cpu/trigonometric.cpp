// Trigonometric and hyperbolic kernels (float32/float64; float16 via float32).
#include <cmath>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_sin(CpuKernelContext& ctx) { return map_float_unary(ctx, run_sin, [](auto x) { return std::sin(x); }); }
Status run_cos(CpuKernelContext& ctx) { return map_float_unary(ctx, run_cos, [](auto x) { return std::cos(x); }); }
Status run_tan(CpuKernelContext& ctx) { return map_float_unary(ctx, run_tan, [](auto x) { return std::tan(x); }); }
Status run_asin(CpuKernelContext& ctx) { return map_float_unary(ctx, run_asin, [](auto x) { return std::asin(x); }); }
Status run_acos(CpuKernelContext& ctx) { return map_float_unary(ctx, run_acos, [](auto x) { return std::acos(x); }); }
Status run_atan(CpuKernelContext& ctx) { return map_float_unary(ctx, run_atan, [](auto x) { return std::atan(x); }); }
Status run_sinh(CpuKernelContext& ctx) { return map_float_unary(ctx, run_sinh, [](auto x) { return std::sinh(x); }); }
Status run_cosh(CpuKernelContext& ctx) { return map_float_unary(ctx, run_cosh, [](auto x) { return std::cosh(x); }); }
Status run_asinh(CpuKernelContext& ctx) { return map_float_unary(ctx, run_asinh, [](auto x) { return std::asinh(x); }); }
Status run_acosh(CpuKernelContext& ctx) { return map_float_unary(ctx, run_acosh, [](auto x) { return std::acosh(x); }); }
Status run_atanh(CpuKernelContext& ctx) { return map_float_unary(ctx, run_atanh, [](auto x) { return std::atanh(x); }); }

}  // namespace fovea::cpu
