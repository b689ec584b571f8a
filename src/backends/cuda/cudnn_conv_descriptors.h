// cuDNN descriptors of one convolution (tensors, filter, convolution, bias, activations) and the
// algorithm queries on them, in NCHW or NHWC (CudnnConvShape::nhwc: NHWC-strided tensors, KRSC
// filter); all descriptor code lives here. Used by Conv / FusedConv (forward) and ConvTranspose (backward data).
#pragma once

#include <cudnn.h>

#include <cstddef>
#include <vector>

#include "backends/cuda/conv_geometry.h"
#include "core/dtype.h"
#include "core/status.h"

namespace fovea::cuda {

// One algorithm cuDNN's heuristics report as supported, with the math type to run it with.
struct CudnnAlgoCandidate {
  int algo = 0;
  int math = 0;
  size_t workspace_bytes = 0;
};

class CudnnConvDescriptors {
 public:
  CudnnConvDescriptors() = default;
  CudnnConvDescriptors(const CudnnConvDescriptors&) = delete;
  CudnnConvDescriptors& operator=(const CudnnConvDescriptors&) = delete;
  ~CudnnConvDescriptors();

  // Creates (once) and sets every descriptor for `s`. dtype: kFloat32 or kFloat16; the convolution
  // computes in float either way. FP32 runs with FMA math (no TF32), FP16 with tensor-op math.
  Status set(const CudnnConvShape& s, int64_t group, DType dtype);
  // The math type for the next call (a candidate's).
  Status set_math(int math);

  // Forward / backward-data algorithms the heuristics report as supported (status success), in
  // their order, each with its workspace; FP32 never gets a tensor-op (TF32) math type.
  Result<std::vector<CudnnAlgoCandidate>> forward_candidates(cudnnHandle_t handle);
  Result<std::vector<CudnnAlgoCandidate>> backward_data_candidates(cudnnHandle_t handle);

  cudnnTensorDescriptor_t x = nullptr;     // the convolution's input (ConvTranspose: dx)
  cudnnTensorDescriptor_t y = nullptr;     // the convolution's output (ConvTranspose: dy)
  cudnnTensorDescriptor_t bias = nullptr;  // [1, y channels, 1, ...] in y's layout
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  cudnnActivationDescriptor_t relu = nullptr;
  cudnnActivationDescriptor_t identity = nullptr;

 private:
  Status create();
  int default_math() const;
  DType dtype_ = DType::kUndefined;
};

}  // namespace fovea::cuda
