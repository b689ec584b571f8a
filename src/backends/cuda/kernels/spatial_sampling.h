// Launchers of GridSample (4-D) and RoiAlign (framework-free, DESIGN.md rule 3). Both follow
// ONNX Runtime's reference kernels as the CPU reference does, computing in double.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

enum class GridSampleMode { kBilinear, kNearest, kBicubic };
enum class GridSamplePadding { kZeros, kBorder, kReflection };

// x [n, c, h, w] (x_kind kF32/kF16), grid [n, oh, ow, 2] (grid_kind kF32/kF16), y [n, c, oh, ow].
struct GridSampleParams {
  ScalarKind x_kind = ScalarKind::kF32, grid_kind = ScalarKind::kF32;
  GridSampleMode mode = GridSampleMode::kBilinear;
  GridSamplePadding padding = GridSamplePadding::kZeros;
  bool align_corners = false;
  int64_t n = 0, c = 0, h = 0, w = 0, oh = 0, ow = 0;
};
bool grid_sample_supports(ScalarKind kind);
cudaError_t launch_grid_sample(const GridSampleParams& p, const void* x, const void* grid, void* y, cudaStream_t stream);

// x [n, c, h, w], rois [num_rois, 4] (x1, y1, x2, y2), batch_indices [num_rois] (kI64 or kI32),
// y [num_rois, c, oh, ow]. A region with an out-of-range batch index, non-finite coordinates or
// more than 4096 samples per bin axis (which the CPU reference rejects) yields zeros.
struct RoiAlignParams {
  ScalarKind x_kind = ScalarKind::kF32, rois_kind = ScalarKind::kF32, index_kind = ScalarKind::kI64;
  bool max_mode = false, half_pixel = true;
  int64_t n = 0, c = 0, h = 0, w = 0, num_rois = 0, oh = 1, ow = 1, sampling_ratio = 0;
  float spatial_scale = 1.f;
};
bool roi_align_supports(ScalarKind kind);
cudaError_t launch_roi_align(const RoiAlignParams& p, const void* x, const void* rois, const void* batch_indices,
                             void* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
