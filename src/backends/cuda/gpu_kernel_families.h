// The GPU kernel table is assembled from one list per op family; each family's file owns its list.
#pragma once

#include <vector>

#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {

// Unary/binary/variadic arithmetic, activations, comparisons, logic, Where, Cast, Clip, Pow,
// and fovea.FusedElementwise (elementwise_ops.cpp and friends).
std::vector<GpuKernelEntry> elementwise_gpu_kernels();
// Transpose, Concat, Split, Slice, Gather*, Scatter*, Pad, Expand, Tile, Resize, DepthToSpace,
// SpaceToDepth, reshape-like copies, Shape/Size, Constant*, Range, CumSum, ... (data movement).
std::vector<GpuKernelEntry> data_movement_gpu_kernels();
// Reductions, ArgMax/Min, Softmax family, TopK, normalizations, pooling, NonZero,
// NonMaxSuppression, Compress, Einsum, ... (reductions and nn ops other than conv/gemm).
std::vector<GpuKernelEntry> reduction_nn_gpu_kernels();
// Conv, ConvTranspose, MatMul, Gemm and the fused fovea.FusedConv / fovea.FusedGemm /
// fovea.FusedMatMul through cuDNN, cuBLASLt and our own kernels, with tactics.
std::vector<GpuKernelEntry> conv_gemm_gpu_kernels();

}  // namespace fovea::cuda
