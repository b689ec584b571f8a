// Softmax + top-k per row. The softmax follows vision::decode_classification: float row maximum
// (NaN entries skipped unless the first entry is NaN, as std::max_element does), exp of the float
// difference (computed in double and rounded once, within 1 ulp of glibc's expf), sum in double,
// quotient in double rounded to float. The top k come from k block-wide selections of the next
// element in the total order (NaN last, higher probability first, lower id first).
#include "vision/cuda/kernels/classification_decode.h"

#include <cuda_fp16.h>
#include <math.h>

#include "backends/cuda/kernels/block_reduce.cuh"

namespace fovea::vision::kernels {
namespace {

using fovea::cuda::kernels::block_reduce;

__device__ __forceinline__ float load_score(const void* scores, bool fp16, int64_t i) {
  return fp16 ? __half2float(static_cast<const __half*>(scores)[i]) : static_cast<const float*>(scores)[i];
}

struct MaxSkippingNan {
  __device__ __forceinline__ float operator()(float a, float b) const { return (isnan(b) || !(a < b)) ? a : b; }
};
struct SumOf {
  __device__ __forceinline__ double operator()(double a, double b) const { return a + b; }
};

// True when (pa, ia) comes before (pb, ib) in the CPU reference's order.
__device__ __forceinline__ bool comes_before(float pa, int ia, float pb, int ib) {
  const bool na = isnan(pa), nb = isnan(pb);
  if (na != nb) return !na;
  if (!na && pa != pb) return pa > pb;
  return ia < ib;
}

struct Candidate {
  float prob;
  int id;  // -1: none
};

__device__ __forceinline__ Candidate first_of(Candidate a, Candidate b) {
  if (b.id < 0) return a;
  if (a.id < 0) return b;
  return comes_before(a.prob, a.id, b.prob, b.id) ? a : b;
}

__device__ __forceinline__ Candidate warp_first(Candidate c) {
  for (int offset = 16; offset > 0; offset >>= 1) {
    Candidate other;
    other.prob = __shfl_down_sync(0xffffffffu, c.prob, offset);
    other.id = __shfl_down_sync(0xffffffffu, c.id, offset);
    c = first_of(c, other);
  }
  return c;
}

// The block's first candidate, given to every thread. blockDim.x is a multiple of 32.
__device__ Candidate block_first(Candidate c, Candidate* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  c = warp_first(c);
  __syncthreads();
  if (lane == 0) scratch[warp] = c;
  __syncthreads();
  if (warp == 0) {
    Candidate w = lane < warps ? scratch[lane] : Candidate{0.0f, -1};
    w = warp_first(w);
    if (lane == 0) scratch[0] = w;
  }
  __syncthreads();
  return scratch[0];
}

__global__ void classification_decode_kernel(ClassificationDecodeParams p, ClassificationDecodeBuffers b) {
  __shared__ float max_scratch[32];
  __shared__ double sum_scratch[32];
  __shared__ Candidate pick_scratch[32];
  const int64_t n = p.classes;
  for (int64_t row = blockIdx.x; row < p.batch; row += gridDim.x) {
    const int64_t base = row * n;
    float* probs = b.probs + base;
    if (p.inputs_are_probabilities) {
      for (int64_t c = threadIdx.x; c < n; c += blockDim.x) probs[c] = load_score(b.scores, p.fp16, base + c);
    } else {
      float mx = -INFINITY;
      for (int64_t c = threadIdx.x; c < n; c += blockDim.x) mx = MaxSkippingNan{}(mx, load_score(b.scores, p.fp16, base + c));
      mx = block_reduce(mx, MaxSkippingNan{}, max_scratch);
      const float first = load_score(b.scores, p.fp16, base);
      if (isnan(first)) mx = first;
      double sum = 0.0;
      for (int64_t c = threadIdx.x; c < n; c += blockDim.x) {
        const float e = static_cast<float>(exp(static_cast<double>(load_score(b.scores, p.fp16, base + c) - mx)));
        probs[c] = e;
        sum += e;
      }
      sum = block_reduce(sum, SumOf{}, sum_scratch);
      // Each thread rescales the entries it wrote itself: no barrier needed for them.
      for (int64_t c = threadIdx.x; c < n; c += blockDim.x) {
        probs[c] = static_cast<float>(static_cast<double>(probs[c]) / sum);
      }
    }
    Candidate previous{0.0f, -1};
    for (int r = 0; r < p.k; ++r) {
      Candidate best{0.0f, -1};
      for (int64_t c = threadIdx.x; c < n; c += blockDim.x) {
        const Candidate here{probs[c], static_cast<int>(c)};
        if (previous.id >= 0 && !comes_before(previous.prob, previous.id, here.prob, here.id)) continue;
        best = first_of(best, here);
      }
      previous = block_first(best, pick_scratch);
      if (threadIdx.x == 0) {
        b.top_ids[row * p.k + r] = previous.id;
        b.top_probs[row * p.k + r] = previous.prob;
      }
    }
  }
}

int threads_for_row(int64_t n) {
  int t = 32;
  while (t < 256 && t < n) t *= 2;
  return t;
}

}  // namespace

cudaError_t launch_classification_decode(const ClassificationDecodeParams& params,
                                         const ClassificationDecodeBuffers& buffers, cudaStream_t stream) {
  if (params.batch <= 0) return cudaSuccess;
  if (params.classes < 1 || params.k < 1 || params.k > params.classes) return cudaErrorInvalidValue;
  const int64_t blocks = params.batch < 65535 ? params.batch : 65535;
  classification_decode_kernel<<<static_cast<unsigned>(blocks), threads_for_row(params.classes), 0, stream>>>(
      params, buffers);
  return cudaGetLastError();
}

}  // namespace fovea::vision::kernels
