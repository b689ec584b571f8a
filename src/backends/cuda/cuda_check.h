// CUDA, cuDNN and cuBLAS(Lt) status codes as fovea Status values.
#pragma once

#include <cuda_runtime.h>

#include "core/status.h"

namespace fovea::cuda {

Status cuda_status(cudaError_t e, const char* what);
Status cudnn_status(int cudnn_error, const char* what);
Status cublas_status(int cublas_error, const char* what);

}  // namespace fovea::cuda

// Returns an internal-error Status naming the failed call when a CUDA runtime call fails.
#define FOVEA_CUDA_RETURN_IF_ERROR(expr)                                              \
  do {                                                                               \
    cudaError_t fovea_cuda_err_ = (expr);                                            \
    if (fovea_cuda_err_ != cudaSuccess) return ::fovea::cuda::cuda_status(fovea_cuda_err_, #expr); \
  } while (0)
#define FOVEA_CUDNN_RETURN_IF_ERROR(expr)                                             \
  do {                                                                               \
    int fovea_cudnn_err_ = static_cast<int>(expr);                                   \
    if (fovea_cudnn_err_ != 0) return ::fovea::cuda::cudnn_status(fovea_cudnn_err_, #expr); \
  } while (0)
#define FOVEA_CUBLAS_RETURN_IF_ERROR(expr)                                            \
  do {                                                                               \
    int fovea_cublas_err_ = static_cast<int>(expr);                                  \
    if (fovea_cublas_err_ != 0) return ::fovea::cuda::cublas_status(fovea_cublas_err_, #expr); \
  } while (0)
