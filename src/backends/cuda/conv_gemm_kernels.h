// The conv/gemm family's GPU kernel entry points (listed in conv_gemm_table.cpp) and the small
// pieces they share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/kernels/bias_activation.h"
#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda {

// Conv and fovea.FusedConv (cuDNN forward, or the direct depthwise kernel).
Status run_conv(GpuKernelContext& ctx);
Result<std::vector<Tactic>> conv_tactics(GpuKernelContext& ctx);
// The name of the tactic a Conv / FusedConv node state runs (after any fallback), or nullopt
// when `state` is not a conv's or has not run yet: what actually ran, for tests and profiles.
std::optional<std::string> conv_running_tactic_name(const GpuNodeState* state);
// ConvTranspose (cuDNN backward data).
Status run_conv_transpose(GpuKernelContext& ctx);
Result<std::vector<Tactic>> conv_transpose_tactics(GpuKernelContext& ctx);
// Gemm and fovea.FusedGemm (cuBLASLt).
Status run_gemm(GpuKernelContext& ctx);
Result<std::vector<Tactic>> gemm_tactics(GpuKernelContext& ctx);
// MatMul and fovea.FusedMatMul (cuBLASLt).
Status run_mat_mul(GpuKernelContext& ctx);
Result<std::vector<Tactic>> mat_mul_tactics(GpuKernelContext& ctx);

// The element kind of a float32 / float16 node whose present inputs and output 0 all share it;
// otherwise an unsupported / invalid-argument error naming the node and the input.
Result<kernels::ScalarKind> conv_gemm_float_kind(GpuKernelContext& ctx);

// launch_bias_activation as a Status naming the node.
Status run_bias_activation(const GpuKernelContext& ctx, kernels::ScalarKind kind,
                           const kernels::BiasActivationParams& p, void* y, const void* bias, const void* residual);

}  // namespace fovea::cuda
