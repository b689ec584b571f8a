#include "engine/cuda/gpu_environment.h"

#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "backends/cuda/cuda_check.h"

namespace fovea::cuda {

Result<PlanEnvironment> current_environment() {
  int device = 0;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  FOVEA_CUDA_RETURN_IF_ERROR(cudaGetDeviceProperties(&prop, device));
  PlanEnvironment env;
  env.gpu_name = prop.name;
  env.compute_major = prop.major;
  env.compute_minor = prop.minor;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaRuntimeGetVersion(&env.cuda_runtime_version));
  env.cudnn_version = static_cast<int>(cudnnGetVersion());
  env.cublas_version = static_cast<int>(cublasLtGetVersion());
  return env;
}

std::string environment_key(const PlanEnvironment& env) {
  return fmt::format("{} sm_{}{} cuda {} cudnn {} cublas {} fovea {}", env.gpu_name, env.compute_major,
                     env.compute_minor, env.cuda_runtime_version, env.cudnn_version, env.cublas_version, FOVEA_VERSION);
}

}  // namespace fovea::cuda
