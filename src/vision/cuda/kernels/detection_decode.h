// Launchers of the device detection decoders (framework-free, DESIGN.md rule 3). A detector
// head is read in place (float32 or float16) and turned into one 64-bit sort key per anchor:
//   key = image << (32 + index_bits) | rank(score) << index_bits | anchor
// rank orders scores descending (NaN after every number, -0 == +0) and is all ones for anchors
// that are not candidates, so one ascending sort of all keys gives, per image, the candidates
// best first (equal scores: lower anchor first, a stable sort) followed by the non-candidates.
// The operations mirror the CPU references in vision/yolo_decoder.cpp bit for bit.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace fovea::vision::cuda::kernels {

enum class HeadKind : int {
  kYolov8,      // [B, 4+nc, N] or [B, N, 4+nc]: cx cy w h, class scores; best class
  kYolov5,      // [B, N, 5+nc]: cx cy w h, objectness, class scores; objectness * class
  kPose,        // [B, 5+3K, N] or transposed: cx cy w h, score, K x (x, y, conf); class 0
  kSsd,         // boxes [B, N, 4] x1 y1 x2 y2 (times scale), scores [B, N, nc]; background skipped
  kCandidates,  // plain float32 boxes [N, 4], scores [N], int classes [N]; every one a candidate
};

struct HeadParams {
  HeadKind kind = HeadKind::kYolov8;
  const void* data = nullptr;  // the head output; SSD and candidates: the boxes
  bool data_half = false;
  const void* scores = nullptr;  // SSD scores; candidates: float32 scores
  bool scores_half = false;
  const int* classes = nullptr;  // candidates only
  int64_t batch = 0, anchors = 0;
  int64_t channels = 0;          // of `data`
  bool channels_first = true;    // `data` is [B, C, N] (else [B, N, C])
  int64_t num_classes = 0;       // score columns (SSD: of `scores`)
  int num_keypoints = 0;         // pose
  int background_class = -1;     // SSD
  float scale_x = 1, scale_y = 1;  // SSD box scale
  float threshold = 0;           // candidates have score > threshold (candidates kind: all)
};

struct KeyLayout {
  int index_bits = 0;  // bits for an anchor index (N - 1)
  int image_bits = 0;  // bits for an image index (B - 1)
  int end_bit() const { return 32 + index_bits + image_bits; }
};

// Sorted candidates, `stride` slots per image.
struct CandidateArrays {
  float* boxes = nullptr;  // [B, stride, 4] x1 y1 x2 y2
  float* scores = nullptr;
  int* classes = nullptr;
  int* anchors = nullptr;
  int64_t stride = 0;
};

// One survivor as downloaded.
struct DetectionRecord {
  float x1, y1, x2, y2, score;
  int class_id, anchor;
};

// keys[b * N + n] for every anchor.
cudaError_t launch_score_keys(const HeadParams& h, KeyLayout layout, uint64_t* keys, cudaStream_t stream);

// From the sorted keys ([B, N]), writes the first `out.stride` candidates of each image into
// `out` (recomputing box, score and class from the head) and their number into counts[b];
// counts must be zeroed beforehand (images without candidates are left at 0).
cudaError_t launch_gather_candidates(const HeadParams& h, KeyLayout layout, const uint64_t* sorted_keys,
                                     CandidateArrays out, int* counts, cudaStream_t stream);

// records[b * cap + s] for s < kept_count[b]: candidate keep[b * cap + s] of `c`; for pose heads
// also keypoints[(b * cap + s) * 3K ...] read from the head (may be null otherwise).
cudaError_t launch_write_survivors(const HeadParams& h, CandidateArrays c, const int* keep, const int* kept_count,
                                   int cap, DetectionRecord* records, float* keypoints, cudaStream_t stream);

}  // namespace fovea::vision::cuda::kernels
