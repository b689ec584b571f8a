// float16 support for math kernels: run the float32 kernel on widened copies, then narrow the
// results. Costs two conversions, fine for a reference backend where float16 is rare.
#pragma once

#include "backends/cpu/cpu_kernel.h"

namespace fovea::cpu {

// True when any present input has dtype float16.
bool has_float16_input(const CpuKernelContext& ctx);

// Runs `kernel` with every float16 input and output replaced by a float32 copy; float32
// results are converted back into the float16 outputs. Other tensors pass through unchanged.
Status run_float16_via_float32(CpuKernelContext& ctx, CpuKernelFn kernel);

}  // namespace fovea::cpu
