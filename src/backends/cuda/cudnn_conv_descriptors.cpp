#include "backends/cuda/cudnn_conv_descriptors.h"

#include <algorithm>

#include "backends/cuda/cuda_check.h"

namespace fovea::cuda {
namespace {

cudnnDataType_t cudnn_type(DType t) { return t == DType::kFloat16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT; }

Status set_tensor(cudnnTensorDescriptor_t desc, DType t, const Dims& d, bool nhwc) {
  const std::vector<int> dims(d.begin(), d.end());
  const std::vector<int> strides = cudnn_tensor_strides(d, nhwc);
  FOVEA_CUDNN_RETURN_IF_ERROR(
      cudnnSetTensorNdDescriptor(desc, cudnn_type(t), static_cast<int>(dims.size()), dims.data(), strides.data()));
  return Status::ok();
}

bool is_tensor_op_math(int math) { return math == CUDNN_TENSOR_OP_MATH || math == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION; }

}  // namespace

CudnnConvDescriptors::~CudnnConvDescriptors() {
  if (x) cudnnDestroyTensorDescriptor(x);
  if (y) cudnnDestroyTensorDescriptor(y);
  if (bias) cudnnDestroyTensorDescriptor(bias);
  if (w) cudnnDestroyFilterDescriptor(w);
  if (conv) cudnnDestroyConvolutionDescriptor(conv);
  if (relu) cudnnDestroyActivationDescriptor(relu);
  if (identity) cudnnDestroyActivationDescriptor(identity);
}

Status CudnnConvDescriptors::create() {
  if (!x) FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&x));
  if (!y) FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&y));
  if (!bias) FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateTensorDescriptor(&bias));
  if (!w) FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateFilterDescriptor(&w));
  if (!conv) FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateConvolutionDescriptor(&conv));
  if (!relu) {
    FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateActivationDescriptor(&relu));
    FOVEA_CUDNN_RETURN_IF_ERROR(cudnnSetActivationDescriptor(relu, CUDNN_ACTIVATION_RELU, CUDNN_PROPAGATE_NAN, 0.0));
  }
  if (!identity) {
    FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreateActivationDescriptor(&identity));
    FOVEA_CUDNN_RETURN_IF_ERROR(
        cudnnSetActivationDescriptor(identity, CUDNN_ACTIVATION_IDENTITY, CUDNN_PROPAGATE_NAN, 0.0));
  }
  return Status::ok();
}

int CudnnConvDescriptors::default_math() const {
  return dtype_ == DType::kFloat16 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
}

Status CudnnConvDescriptors::set(const CudnnConvShape& s, int64_t group, DType dtype) {
  if (dtype != DType::kFloat32 && dtype != DType::kFloat16)
    return internal_error("cuDNN convolution descriptors for dtype {}", dtype_name(dtype));
  dtype_ = dtype;
  FOVEA_RETURN_IF_ERROR(create());
  FOVEA_RETURN_IF_ERROR(set_tensor(x, dtype, s.x, s.nhwc));
  FOVEA_RETURN_IF_ERROR(set_tensor(y, dtype, s.y, s.nhwc));
  // The bias [1, K, 1, ...]: K contiguous values in either layout; described in y's layout (NHWC
  // strides K, 1, K, K) so that every tensor of the fused call has one format.
  Dims bias_dims(s.y.size(), 1);
  bias_dims[1] = s.y[1];
  FOVEA_RETURN_IF_ERROR(set_tensor(bias, dtype, bias_dims, s.nhwc));
  // Filter dims are K, C/group, R, S in both layouts; the NHWC format means KRSC in memory.
  const std::vector<int> wdims(s.w.begin(), s.w.end());
  const cudnnTensorFormat_t wformat = s.nhwc ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
  FOVEA_CUDNN_RETURN_IF_ERROR(
      cudnnSetFilterNdDescriptor(w, cudnn_type(dtype), wformat, static_cast<int>(wdims.size()), wdims.data()));
  // Float accumulation for FP16 too (PSEUDO_HALF_CONFIG), so FP16 results stay close to FP32.
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionNdDescriptor(conv, static_cast<int>(s.pads.size()), s.pads.data(),
                                                              s.strides.data(), s.dilations.data(),
                                                              CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionGroupCount(conv, static_cast<int>(group)));
  return set_math(default_math());
}

Status CudnnConvDescriptors::set_math(int math) {
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnSetConvolutionMathType(conv, static_cast<cudnnMathType_t>(math)));
  return Status::ok();
}

Result<std::vector<CudnnAlgoCandidate>> CudnnConvDescriptors::forward_candidates(cudnnHandle_t handle) {
  FOVEA_RETURN_IF_ERROR(set_math(default_math()));
  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int returned = 0;
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnGetConvolutionForwardAlgorithm_v7(handle, x, w, conv, y,
                                                                     CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf));
  std::vector<CudnnAlgoCandidate> out;
  for (int i = 0; i < returned; ++i) {
    if (perf[i].status != CUDNN_STATUS_SUCCESS) continue;
    CudnnAlgoCandidate c{static_cast<int>(perf[i].algo), static_cast<int>(perf[i].mathType), perf[i].memory};
    if (dtype_ == DType::kFloat32) {
      if (is_tensor_op_math(c.math)) continue;  // TF32: not FP32 accuracy
      c.math = CUDNN_FMA_MATH;
    }
    if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.algo == c.algo && o.math == c.math; }))
      continue;
    FOVEA_RETURN_IF_ERROR(set_math(c.math));
    size_t ws = 0;
    if (cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, static_cast<cudnnConvolutionFwdAlgo_t>(c.algo),
                                                &ws) != CUDNN_STATUS_SUCCESS)
      continue;
    c.workspace_bytes = std::max(c.workspace_bytes, ws);
    out.push_back(c);
  }
  FOVEA_RETURN_IF_ERROR(set_math(default_math()));
  return out;
}

Result<std::vector<CudnnAlgoCandidate>> CudnnConvDescriptors::backward_data_candidates(cudnnHandle_t handle) {
  FOVEA_RETURN_IF_ERROR(set_math(default_math()));
  cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  int returned = 0;
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnGetConvolutionBackwardDataAlgorithm_v7(
      handle, w, y, conv, x, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &returned, perf));
  std::vector<CudnnAlgoCandidate> out;
  for (int i = 0; i < returned; ++i) {
    if (perf[i].status != CUDNN_STATUS_SUCCESS) continue;
    CudnnAlgoCandidate c{static_cast<int>(perf[i].algo), static_cast<int>(perf[i].mathType), perf[i].memory};
    if (dtype_ == DType::kFloat32) {
      if (is_tensor_op_math(c.math)) continue;
      c.math = CUDNN_FMA_MATH;
    }
    if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.algo == c.algo && o.math == c.math; }))
      continue;
    FOVEA_RETURN_IF_ERROR(set_math(c.math));
    size_t ws = 0;
    if (cudnnGetConvolutionBackwardDataWorkspaceSize(handle, w, y, conv, x,
                                                     static_cast<cudnnConvolutionBwdDataAlgo_t>(c.algo),
                                                     &ws) != CUDNN_STATUS_SUCCESS)
      continue;
    c.workspace_bytes = std::max(c.workspace_bytes, ws);
    out.push_back(c);
  }
  FOVEA_RETURN_IF_ERROR(set_math(default_math()));
  return out;
}

}  // namespace fovea::cuda
