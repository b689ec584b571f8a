// What this process runs on, in the terms plan files and timing caches record.
#pragma once

#include "core/status.h"
#include "engine/plan_file.h"

namespace fovea::cuda {

// The current device's name and compute capability and the CUDA runtime, cuDNN and cuBLAS
// versions loaded at run time.
Result<PlanEnvironment> current_environment();

// One line naming all of it, used as the timing cache's environment key.
std::string environment_key(const PlanEnvironment& env);

}  // namespace fovea::cuda
