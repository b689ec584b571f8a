// Device NMS: CUB radix sort of candidate keys, the IoU bitmask matrix (one 64x64 tile per
// block, as torchvision's CUDA nms) and the greedy scan over the mask on the device (one block
// per image), so nothing but the survivors ever reaches the host.
#include "vision/cuda/kernels/nms.h"

#include <cub/device/device_radix_sort.cuh>

namespace fovea::vision::cuda::kernels {
namespace {

// std::max / std::min exactly as the CPU reference evaluates them (they differ from fmaxf /
// fminf when an operand is NaN): max(a, b) = a < b ? b : a, min(a, b) = b < a ? b : a.
__device__ __forceinline__ float std_max(float a, float b) { return a < b ? b : a; }
__device__ __forceinline__ float std_min(float a, float b) { return b < a ? b : a; }

// Rounded intrinsics keep nvcc from contracting into FMAs the CPU never forms.
__device__ __forceinline__ float box_area(float4 b) { return __fmul_rn(__fsub_rn(b.z, b.x), __fsub_rn(b.w, b.y)); }

// vision::box_iou(a, b), operation for operation (a is the higher-ranked box).
__device__ __forceinline__ float box_iou(float4 a, float4 b) {
  const float xx1 = std_max(a.x, b.x), yy1 = std_max(a.y, b.y);
  const float xx2 = std_min(a.z, b.z), yy2 = std_min(a.w, b.w);
  const float w = std_max(0.0f, __fsub_rn(xx2, xx1)), h = std_max(0.0f, __fsub_rn(yy2, yy1));
  const float inter = __fmul_rn(w, h);
  return __fdiv_rn(inter, __fsub_rn(__fadd_rn(box_area(a), box_area(b)), inter));
}

__global__ void nms_mask_kernel(const float4* boxes, const int* classes, const int* counts, NmsMaskParams p,
                                uint64_t* mask) {
  const int col_block = static_cast<int>(blockIdx.x), row_block = static_cast<int>(blockIdx.y);
  const int b = static_cast<int>(blockIdx.z);
  if (row_block > col_block) return;  // the scan never reads words left of the diagonal
  const int count = counts[b];
  const int row_start = row_block * kNmsTile, col_start = col_block * kNmsTile;
  if (row_start >= count || col_start >= count) return;
  const int cols = min(kNmsTile, count - col_start);
  const int64_t base = static_cast<int64_t>(b) * p.stride;

  __shared__ float4 col_boxes[kNmsTile];
  __shared__ int col_classes[kNmsTile];
  const int t = static_cast<int>(threadIdx.x);
  if (t < cols) {
    col_boxes[t] = boxes[base + col_start + t];
    col_classes[t] = classes[base + col_start + t];
  }
  __syncthreads();
  const int i = row_start + t;
  if (i >= count) return;
  const float4 bi = boxes[base + i];
  const int ci = classes[base + i];
  uint64_t bits = 0;
  for (int c = row_block == col_block ? t + 1 : 0; c < cols; ++c)
    if ((p.class_agnostic || col_classes[c] == ci) && box_iou(bi, col_boxes[c]) > p.iou_threshold)
      bits |= uint64_t{1} << c;
  mask[(static_cast<int64_t>(b) * p.mask_rows + i) * p.words + col_block] = bits;
}

constexpr int kScanThreads = 256;

// Greedy torchvision scan: walk the candidates best first, 64 at a time. Thread 0 resolves the
// 64 of a word in order (each kept box removes later boxes of the same word via the diagonal
// word, staged in shared memory); then all threads OR the kept rows into the later words.
__global__ void nms_scan_kernel(const uint64_t* mask, const int* counts, NmsMaskParams p, int max_keep, int* keep,
                                int* kept_count) {
  extern __shared__ uint64_t removed[];  // one bit per candidate: suppressed so far
  __shared__ uint64_t diagonal[kNmsTile];
  __shared__ uint64_t kept_bits;
  __shared__ int num_kept;
  const int b = static_cast<int>(blockIdx.x);
  const int t = static_cast<int>(threadIdx.x);
  const int count = counts[b];
  const int words = (count + kNmsTile - 1) / kNmsTile;
  const uint64_t* m = mask + static_cast<int64_t>(b) * p.mask_rows * p.words;
  int* out = keep + static_cast<int64_t>(b) * max_keep;
  for (int w = t; w < words; w += blockDim.x) removed[w] = 0;
  if (t == 0) num_kept = 0;
  __syncthreads();
  for (int cb = 0; cb < words; ++cb) {
    const int row0 = cb * kNmsTile;
    const int rows = min(kNmsTile, count - row0);
    if (t < kNmsTile) diagonal[t] = t < rows ? m[static_cast<int64_t>(row0 + t) * p.words + cb] : 0;
    __syncthreads();
    if (t == 0) {
      uint64_t gone = removed[cb], bits = 0;
      int n = num_kept;
      for (int r = 0; r < rows && n < max_keep; ++r) {
        if ((gone >> r) & 1) continue;
        bits |= uint64_t{1} << r;
        out[n++] = row0 + r;
        gone |= diagonal[r];
      }
      kept_bits = bits;
      num_kept = n;
    }
    __syncthreads();
    if (num_kept >= max_keep) break;  // uniform: every thread reads the same shared value
    const uint64_t bits = kept_bits;
    for (int w = cb + 1 + t; w < words; w += blockDim.x) {
      uint64_t r = removed[w];
      for (uint64_t rest = bits; rest != 0; rest &= rest - 1) {
        const int k = __ffsll(static_cast<long long>(rest)) - 1;
        r |= m[static_cast<int64_t>(row0 + k) * p.words + w];
      }
      removed[w] = r;
    }
    __syncthreads();
  }
  if (t == 0) kept_count[b] = num_kept;
}

}  // namespace

cudaError_t sort_keys_workspace_bytes(int64_t count, int end_bit, size_t* bytes) {
  if (count < 0 || count > 0x7fffffff || end_bit < 1 || end_bit > 64) return cudaErrorInvalidValue;
  *bytes = 0;
  return cub::DeviceRadixSort::SortKeys(nullptr, *bytes, static_cast<const uint64_t*>(nullptr),
                                        static_cast<uint64_t*>(nullptr), static_cast<int>(count), 0, end_bit);
}

cudaError_t launch_sort_keys(const uint64_t* in, uint64_t* out, int64_t count, int end_bit, void* workspace,
                             size_t workspace_bytes, cudaStream_t stream) {
  if (count < 0 || count > 0x7fffffff || end_bit < 1 || end_bit > 64) return cudaErrorInvalidValue;
  if (count == 0) return cudaSuccess;
  size_t bytes = workspace_bytes;
  return cub::DeviceRadixSort::SortKeys(workspace, bytes, in, out, static_cast<int>(count), 0, end_bit, stream);
}

cudaError_t launch_nms_mask(const float* boxes, const int* classes, const int* counts, const NmsMaskParams& p,
                            uint64_t* mask, cudaStream_t stream) {
  if (p.batch <= 0 || p.words <= 0) return cudaSuccess;
  if (p.batch > 65535 || p.words > 65535) return cudaErrorInvalidValue;
  const dim3 grid(static_cast<unsigned>(p.words), static_cast<unsigned>(p.words), static_cast<unsigned>(p.batch));
  nms_mask_kernel<<<grid, kNmsTile, 0, stream>>>(reinterpret_cast<const float4*>(boxes), classes, counts, p, mask);
  return cudaGetLastError();
}

cudaError_t launch_nms_scan(const uint64_t* mask, const int* counts, const NmsMaskParams& p, int max_keep, int* keep,
                            int* kept_count, cudaStream_t stream) {
  if (p.batch <= 0) return cudaSuccess;
  if (max_keep < 1 || p.words < 0) return cudaErrorInvalidValue;
  const size_t shared = sizeof(uint64_t) * static_cast<size_t>(p.words > 0 ? p.words : 1);
  if (shared > 40 * 1024) return cudaErrorInvalidValue;  // the caller caps the mask far below this
  nms_scan_kernel<<<static_cast<unsigned>(p.batch), kScanThreads, shared, stream>>>(mask, counts, p, max_keep, keep,
                                                                                   kept_count);
  return cudaGetLastError();
}

}  // namespace fovea::vision::cuda::kernels
