// Launchers of the device NMS pipeline (framework-free, DESIGN.md rule 3): a radix sort of
// 64-bit candidate keys, the IoU bitmask matrix and the greedy scan over it. Candidates arrive
// already sorted best first, `stride` slots per image with counts[b] of them valid; the result
// is identical to vision::batched_nms (torchvision semantics) on the same sorted candidates.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace fovea::vision::cuda::kernels {

inline constexpr int kNmsTile = 64;  // boxes per mask word (one bit each)

// Scratch bytes launch_sort_keys needs for `count` keys (count < 2^31).
cudaError_t sort_keys_workspace_bytes(int64_t count, int end_bit, size_t* bytes);
// Ascending sort of the low `end_bit` bits of `count` keys from `in` to `out`.
cudaError_t launch_sort_keys(const uint64_t* in, uint64_t* out, int64_t count, int end_bit, void* workspace,
                             size_t workspace_bytes, cudaStream_t stream);

struct NmsMaskParams {
  int batch = 0;
  int64_t stride = 0;     // candidate slots per image in `boxes` / `classes`
  int64_t mask_rows = 0;  // rows per image in the mask (>= every counts[b])
  int words = 0;          // 64-bit words per mask row: ceil(mask_rows / 64)
  float iou_threshold = 0.5f;
  bool class_agnostic = false;
};

// Mask words a mask row needs for `rows` candidates.
inline int nms_mask_words(int64_t rows) { return static_cast<int>((rows + kNmsTile - 1) / kNmsTile); }

// mask[b][i][w] bit t is set when candidate j = 64 w + t comes after i (j > i), has i's class
// (or class_agnostic) and IoU(i, j) > iou_threshold, IoU computed exactly as vision::box_iou.
// boxes: [batch, stride, 4] x1 y1 x2 y2 (16-byte aligned); classes: [batch, stride].
// Words left of the diagonal, and rows/words past counts[b], are not written.
cudaError_t launch_nms_mask(const float* boxes, const int* classes, const int* counts, const NmsMaskParams& p,
                            uint64_t* mask, cudaStream_t stream);

// Greedy scan per image (one block each): keep[b][0 .. kept_count[b]) receives the kept
// candidate positions in order, at most max_keep of them (max_keep >= 1; keep has max_keep
// slots per image).
cudaError_t launch_nms_scan(const uint64_t* mask, const int* counts, const NmsMaskParams& p, int max_keep, int* keep,
                            int* kept_count, cudaStream_t stream);

}  // namespace fovea::vision::cuda::kernels
