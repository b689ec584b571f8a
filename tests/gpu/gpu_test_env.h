// Shared by the GPU tests: skip cleanly on machines without a GPU, and paths to bundled models.
#pragma once

#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <string>

namespace fovea::gpu_test {

inline bool have_gpu() {
  int n = 0;
  return cudaGetDeviceCount(&n) == cudaSuccess && n > 0;
}

inline std::string model_path(const std::string& name) { return std::string(FOVEA_SOURCE_DIR) + "/models/" + name; }

}  // namespace fovea::gpu_test

#define FOVEA_REQUIRE_GPU()                                       \
  do {                                                            \
    if (!::fovea::gpu_test::have_gpu()) GTEST_SKIP() << "no GPU"; \
  } while (0)
