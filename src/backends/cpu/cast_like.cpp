// CastLike: the output dtype was taken from input 1 by the shape function; Cast's kernel only
// looks at input 0 and the output, so it does the conversion unchanged.
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_cast_like(CpuKernelContext& ctx) { return run_cast(ctx); }

}  // namespace fovea::cpu
