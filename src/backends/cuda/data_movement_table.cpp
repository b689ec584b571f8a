// The data movement family's GPU kernels: one line per op.
#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/gpu_kernel_families.h"

namespace fovea::cuda {

std::vector<GpuKernelEntry> data_movement_gpu_kernels() {
  return {
      {"", "Transpose", run_transpose},
      {"", "Concat", run_concat},
      {"", "Split", run_split},
      {"", "Slice", run_slice},
      {"", "Gather", run_gather},
      {"", "GatherElements", run_gather_elements},
      {"", "GatherND", run_gather_nd},
      {"", "ScatterND", run_scatter_nd},
      {"", "ScatterElements", run_scatter_elements},
      {"", "Scatter", run_scatter_elements},
      {"", "Pad", run_pad},
      {"", "Expand", run_expand},
      {"", "Tile", run_tile},
      {"", "Resize", run_resize},
      {"", "Upsample", run_resize},
      {"", "DepthToSpace", run_depth_to_space},
      {"", "SpaceToDepth", run_space_to_depth},
      {"", "Reshape", run_copy_input},
      {"", "Flatten", run_copy_input},
      {"", "Squeeze", run_copy_input},
      {"", "Unsqueeze", run_copy_input},
      {"", "Identity", run_copy_input},
      {"", "Dropout", run_dropout},
      {"", "Shape", run_shape},
      {"", "Size", run_size},
      {"", "Constant", run_constant},
      {"", "ConstantOfShape", run_constant_of_shape},
      {"", "Range", run_range},
      {"", "EyeLike", run_eye_like},
      {"", "OneHot", run_one_hot},
      {"", "Trilu", run_trilu},
      {"", "CumSum", run_cum_sum},
      {"", "ReverseSequence", run_reverse_sequence},
  };
}

}  // namespace fovea::cuda
