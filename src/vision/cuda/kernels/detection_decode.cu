// Device detection decoding: sort keys per anchor, gathering the sorted candidates, writing the
// survivors. Every arithmetic step uses rounded intrinsics in the CPU reference's order so no
// FMA contraction changes a bit (vision/yolo_decoder.cpp computes in separate float ops).
#include "vision/cuda/kernels/detection_decode.h"

#include <cuda_fp16.h>

namespace fovea::vision::cuda::kernels {
namespace {

constexpr int kThreads = 256;
constexpr uint32_t kNotCandidate = 0xffffffffu;
constexpr uint32_t kNanRank = 0xfffffffeu;  // after every number, before non-candidates

unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  if (b < 1) b = 1;
  if (b > 65535 * 16) b = 65535 * 16;  // grid-stride loops cover the rest
  return static_cast<unsigned>(b);
}

#define FOVEA_DET_LOOP(i, n)                                                                 \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);    \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

__device__ __forceinline__ float load(const void* p, bool half, int64_t i) {
  return half ? __half2float(static_cast<const __half*>(p)[i]) : static_cast<const float*>(p)[i];
}

// value(b, channel, anchor) of the head output.
__device__ __forceinline__ float head_at(const HeadParams& h, int64_t b, int64_t c, int64_t n) {
  const int64_t i = h.channels_first ? (b * h.channels + c) * h.anchors + n : (b * h.anchors + n) * h.channels + c;
  return load(h.data, h.data_half, i);
}

struct Scored {
  int cls;
  float score;
};

// Best class and score of anchor n, as the CPU reference's best_class (ties: lower class id;
// a NaN first score stays, a later NaN never wins).
__device__ Scored score_anchor(const HeadParams& h, int64_t b, int64_t n) {
  switch (h.kind) {
    case HeadKind::kYolov8: {
      Scored best{0, head_at(h, b, 4, n)};
      for (int64_t c = 1; c < h.num_classes; ++c) {
        const float s = head_at(h, b, 4 + c, n);
        if (s > best.score) best = {static_cast<int>(c), s};
      }
      return best;
    }
    case HeadKind::kYolov5: {
      const float objectness = head_at(h, b, 4, n);
      Scored best{0, __fmul_rn(objectness, head_at(h, b, 5, n))};
      for (int64_t c = 1; c < h.num_classes; ++c) {
        const float s = __fmul_rn(objectness, head_at(h, b, 5 + c, n));
        if (s > best.score) best = {static_cast<int>(c), s};
      }
      return best;
    }
    case HeadKind::kPose:
      return {0, head_at(h, b, 4, n)};
    case HeadKind::kSsd: {
      const int64_t base = (b * h.anchors + n) * h.num_classes;
      Scored best{-1, 0.0f};
      for (int64_t c = 0; c < h.num_classes; ++c) {
        if (c == h.background_class) continue;
        const float s = load(h.scores, h.scores_half, base + c);
        if (best.cls < 0 || s > best.score) best = {static_cast<int>(c), s};
      }
      return best;
    }
    case HeadKind::kCandidates:
      return {h.classes[n], static_cast<const float*>(h.scores)[n]};
  }
  return {0, 0.0f};
}

__device__ __forceinline__ bool is_candidate(const HeadParams& h, float score) {
  return h.kind == HeadKind::kCandidates || score > h.threshold;
}

// Position of a score in descending order as an unsigned rank (smaller first).
__device__ __forceinline__ uint32_t score_rank(float s) {
  if (s != s) return kNanRank;
  if (s == 0.0f) s = 0.0f;  // -0 ties with +0, as in the CPU's comparison
  uint32_t u = __float_as_uint(s);
  u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);  // monotone in s
  return ~u;
}

// x1 y1 x2 y2 of anchor n, as the CPU reference computes them.
__device__ float4 anchor_box(const HeadParams& h, int64_t b, int64_t n) {
  switch (h.kind) {
    case HeadKind::kSsd: {
      const int64_t base = (b * h.anchors + n) * 4;
      return make_float4(__fmul_rn(load(h.data, h.data_half, base + 0), h.scale_x),
                         __fmul_rn(load(h.data, h.data_half, base + 1), h.scale_y),
                         __fmul_rn(load(h.data, h.data_half, base + 2), h.scale_x),
                         __fmul_rn(load(h.data, h.data_half, base + 3), h.scale_y));
    }
    case HeadKind::kCandidates: {
      const float* p = static_cast<const float*>(h.data) + n * 4;
      return make_float4(p[0], p[1], p[2], p[3]);
    }
    default: {  // box_from_center: cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
      const float cx = head_at(h, b, 0, n), cy = head_at(h, b, 1, n);
      const float hw = __fdiv_rn(head_at(h, b, 2, n), 2.0f), hh = __fdiv_rn(head_at(h, b, 3, n), 2.0f);
      return make_float4(__fsub_rn(cx, hw), __fsub_rn(cy, hh), __fadd_rn(cx, hw), __fadd_rn(cy, hh));
    }
  }
}

__global__ void score_keys_kernel(HeadParams h, KeyLayout layout, uint64_t* keys) {
  FOVEA_DET_LOOP(e, h.batch * h.anchors) {
    const int64_t b = e / h.anchors, n = e % h.anchors;
    const Scored s = score_anchor(h, b, n);
    const uint32_t rank = is_candidate(h, s.score) ? score_rank(s.score) : kNotCandidate;
    keys[e] = (static_cast<uint64_t>(b) << (32 + layout.index_bits)) |
              (static_cast<uint64_t>(rank) << layout.index_bits) | static_cast<uint64_t>(n);
  }
}

__device__ __forceinline__ bool key_is_candidate(uint64_t key, KeyLayout layout) {
  return static_cast<uint32_t>(key >> layout.index_bits) != kNotCandidate;
}

__global__ void gather_candidates_kernel(HeadParams h, KeyLayout layout, const uint64_t* sorted, CandidateArrays out,
                                         int* counts) {
  FOVEA_DET_LOOP(e, h.batch * out.stride) {
    const int64_t b = e / out.stride, p = e % out.stride;
    const uint64_t* image = sorted + b * h.anchors;  // every image has exactly N keys
    const uint64_t key = image[p];
    if (!key_is_candidate(key, layout)) continue;
    const int64_t n = static_cast<int64_t>(key & ((uint64_t{1} << layout.index_bits) - 1));
    const Scored s = score_anchor(h, b, n);
    const int64_t slot = b * out.stride + p;
    reinterpret_cast<float4*>(out.boxes)[slot] = anchor_box(h, b, n);
    out.scores[slot] = s.score;
    out.classes[slot] = s.cls;
    out.anchors[slot] = static_cast<int>(n);
    if (p + 1 == out.stride || !key_is_candidate(image[p + 1], layout)) counts[b] = static_cast<int>(p + 1);
  }
}

__global__ void write_survivors_kernel(HeadParams h, CandidateArrays c, const int* keep, const int* kept_count, int cap,
                                       DetectionRecord* records, float* keypoints) {
  const int64_t values = 3 * static_cast<int64_t>(h.num_keypoints);
  FOVEA_DET_LOOP(e, h.batch * cap) {
    const int64_t b = e / cap, s = e % cap;
    if (s >= kept_count[b]) continue;
    const int64_t slot = b * c.stride + keep[e];
    const float4 box = reinterpret_cast<const float4*>(c.boxes)[slot];
    records[e] = {box.x, box.y, box.z, box.w, c.scores[slot], c.classes[slot], c.anchors[slot]};
    if (h.kind == HeadKind::kPose && keypoints)
      for (int64_t k = 0; k < values; ++k) keypoints[e * values + k] = head_at(h, b, 5 + k, c.anchors[slot]);
  }
}

}  // namespace

cudaError_t launch_score_keys(const HeadParams& h, KeyLayout layout, uint64_t* keys, cudaStream_t stream) {
  if (h.batch * h.anchors == 0) return cudaSuccess;
  if (layout.end_bit() > 64) return cudaErrorInvalidValue;
  score_keys_kernel<<<blocks_for(h.batch * h.anchors), kThreads, 0, stream>>>(h, layout, keys);
  return cudaGetLastError();
}

cudaError_t launch_gather_candidates(const HeadParams& h, KeyLayout layout, const uint64_t* sorted_keys,
                                     CandidateArrays out, int* counts, cudaStream_t stream) {
  if (h.batch * out.stride == 0) return cudaSuccess;
  if (out.stride > h.anchors) return cudaErrorInvalidValue;
  gather_candidates_kernel<<<blocks_for(h.batch * out.stride), kThreads, 0, stream>>>(h, layout, sorted_keys, out,
                                                                                      counts);
  return cudaGetLastError();
}

cudaError_t launch_write_survivors(const HeadParams& h, CandidateArrays c, const int* keep, const int* kept_count,
                                   int cap, DetectionRecord* records, float* keypoints, cudaStream_t stream) {
  if (h.batch == 0 || cap <= 0) return cudaSuccess;
  write_survivors_kernel<<<blocks_for(h.batch * cap), kThreads, 0, stream>>>(h, c, keep, kept_count, cap, records,
                                                                            keypoints);
  return cudaGetLastError();
}

}  // namespace fovea::vision::cuda::kernels
