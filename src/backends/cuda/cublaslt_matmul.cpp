#include "backends/cuda/cublaslt_matmul.h"

#include <cstdint>

#include "backends/cuda/cuda_check.h"

namespace fovea::cuda {
namespace {

cudaDataType_t cuda_type(DType t) { return t == DType::kFloat16 ? CUDA_R_16F : CUDA_R_32F; }

// A column-major layout of rows x cols with leading dim ld, batched.
Status make_layout(cublasLtMatrixLayout_t* layout, DType t, int64_t rows, int64_t cols, int64_t ld, int64_t batch,
                   int64_t batch_stride) {
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatrixLayoutCreate(layout, cuda_type(t), static_cast<uint64_t>(rows),
                                                          static_cast<uint64_t>(cols), ld));
  if (batch > 1) {
    const int32_t count = static_cast<int32_t>(batch);
    FOVEA_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatrixLayoutSetAttribute(*layout, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count, sizeof(count)));
    FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatrixLayoutSetAttribute(*layout, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET,
                                                                  &batch_stride, sizeof(batch_stride)));
  }
  return Status::ok();
}

}  // namespace

uint32_t pointer_alignment(const void* address) {
  const auto a = reinterpret_cast<uintptr_t>(address);
  uint32_t align = 256;
  while (align > 1 && a % align != 0) align /= 2;
  return align;
}

LtMatmul::~LtMatmul() { destroy(); }

void LtMatmul::destroy() {
  if (desc_) cublasLtMatmulDescDestroy(desc_);
  for (cublasLtMatrixLayout_t l : {lt_a_, lt_b_, lt_c_, lt_d_})
    if (l) cublasLtMatrixLayoutDestroy(l);
  desc_ = nullptr;
  lt_a_ = lt_b_ = lt_c_ = lt_d_ = nullptr;
}

Status LtMatmul::set(const LtMatmulShape& s) {
  destroy();
  if (s.dtype != DType::kFloat32 && s.dtype != DType::kFloat16)
    return internal_error("cuBLASLt matmul for dtype {}", dtype_name(s.dtype));
  if (s.m > INT32_MAX || s.n > INT32_MAX || s.k > INT32_MAX || s.batch > INT32_MAX)
    return unsupported("matmul of {} x {} x {} (batch {}) exceeds cuBLASLt's int32 sizes", s.m, s.n, s.k, s.batch);
  shape_ = s;
  // FP32 accumulation with float scales; CUBLAS_COMPUTE_32F never uses TF32.
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const int32_t op_a = s.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;  // cuBLASLt's A is our B
  const int32_t op_b = s.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA, &op_a, sizeof(op_a)));
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSB, &op_b, sizeof(op_b)));
  uint32_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  if (s.with_bias) epilogue = s.relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS;
  else if (s.relu) epilogue = CUBLASLT_EPILOGUE_RELU;
  FOVEA_CUBLAS_RETURN_IF_ERROR(
      cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
  if (s.with_bias) {
    const int32_t bias_type = cuda_type(s.dtype);
    FOVEA_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bias_type, sizeof(bias_type)));
  }
  // Row-major B [k, n] is column-major n x k (ld n); stored [n, k] it is k x n (ld k). Same for A.
  FOVEA_RETURN_IF_ERROR(s.trans_b ? make_layout(&lt_a_, s.dtype, s.k, s.n, s.k, s.batch, s.b_batch_stride)
                                  : make_layout(&lt_a_, s.dtype, s.n, s.k, s.n, s.batch, s.b_batch_stride));
  FOVEA_RETURN_IF_ERROR(s.trans_a ? make_layout(&lt_b_, s.dtype, s.m, s.k, s.m, s.batch, s.a_batch_stride)
                                  : make_layout(&lt_b_, s.dtype, s.k, s.m, s.k, s.batch, s.a_batch_stride));
  FOVEA_RETURN_IF_ERROR(make_layout(&lt_c_, s.dtype, s.n, s.m, s.n, s.batch, s.m * s.n));
  FOVEA_RETURN_IF_ERROR(make_layout(&lt_d_, s.dtype, s.n, s.m, s.n, s.batch, s.m * s.n));
  return Status::ok();
}

Result<std::vector<cublasLtMatmulHeuristicResult_t>> LtMatmul::heuristics(cublasLtHandle_t handle,
                                                                         size_t max_workspace, const void* bias,
                                                                         int count) {
  if (!desc_) return internal_error("LtMatmul::heuristics before set");
  if (shape_.with_bias)
    FOVEA_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
  cublasLtMatmulPreference_t pref = nullptr;
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatmulPreferenceCreate(&pref));
  const uint64_t ws = max_workspace;
  // cuBLASLt's A / B are our B / A.
  const uint32_t aligns[4] = {shape_.align_b, shape_.align_a, shape_.align_c, shape_.align_d};
  const cublasLtMatmulPreferenceAttributes_t align_attrs[4] = {
      CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
      CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES};
  cublasStatus_t st = cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws));
  for (int i = 0; i < 4 && st == CUBLAS_STATUS_SUCCESS; ++i)
    st = cublasLtMatmulPreferenceSetAttribute(pref, align_attrs[i], &aligns[i], sizeof(aligns[i]));
  std::vector<cublasLtMatmulHeuristicResult_t> results(static_cast<size_t>(count));
  int returned = 0;
  if (st == CUBLAS_STATUS_SUCCESS)
    st = cublasLtMatmulAlgoGetHeuristic(handle, desc_, lt_a_, lt_b_, lt_c_, lt_d_, pref, count, results.data(),
                                        &returned);
  cublasLtMatmulPreferenceDestroy(pref);
  // NOT_SUPPORTED: no algorithm for this problem, reported to the caller as an empty list.
  if (st == CUBLAS_STATUS_NOT_SUPPORTED) returned = 0;
  else FOVEA_CUBLAS_RETURN_IF_ERROR(st);
  std::vector<cublasLtMatmulHeuristicResult_t> ok;
  for (int i = 0; i < returned; ++i)
    if (results[i].state == CUBLAS_STATUS_SUCCESS) ok.push_back(results[i]);
  return ok;
}

Status LtMatmul::run(cublasLtHandle_t handle, const cublasLtMatmulAlgo_t& algo, float alpha, float beta,
                     const void* a, const void* b, const void* c, void* d, const void* bias, void* workspace,
                     size_t workspace_bytes, cudaStream_t stream) {
  if (shape_.with_bias)
    FOVEA_CUBLAS_RETURN_IF_ERROR(
        cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
  const float used_beta = shape_.with_c ? beta : 0.0f;
  const void* c_ptr = shape_.with_c ? c : d;
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtMatmul(handle, desc_, &alpha, b, lt_a_, a, lt_b_, &used_beta, c_ptr, lt_c_, d,
                                              lt_d_, &algo, workspace, workspace_bytes, stream));
  return Status::ok();
}

}  // namespace fovea::cuda
