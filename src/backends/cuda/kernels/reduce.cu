// Reduce* and ArgMax/ArgMin. Reductions whose innermost axis is reduced run one block per
// output (coalesced along the row); the others run one thread per output, neighbouring threads
// reading neighbouring elements.
#include "backends/cuda/kernels/reduce.h"

#include <type_traits>

#include "backends/cuda/kernels/block_reduce.cuh"
#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/reduce_value_traits.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename T, ReduceOp K>
struct Reducer {
  using Tr = ValueTraits<T>;
  using Val = typename Tr::Val;
  using Acc = std::conditional_t<K == ReduceOp::kLogSumExp && Tr::kFloat, double, Val>;

  static __device__ __forceinline__ Acc add(Acc a, Acc b) {
    if constexpr (Tr::kFloat) return a + b;
    else return static_cast<Acc>(static_cast<unsigned long long>(a) + static_cast<unsigned long long>(b));
  }
  static __device__ __forceinline__ Acc mul(Acc a, Acc b) {
    if constexpr (Tr::kFloat) return a * b;
    else return static_cast<Acc>(static_cast<unsigned long long>(a) * static_cast<unsigned long long>(b));
  }
  static __device__ __forceinline__ Acc init() {
    if constexpr (K == ReduceOp::kProd) return Acc(1);
    if constexpr (K == ReduceOp::kMax) return Tr::lowest();
    if constexpr (K == ReduceOp::kMin) return Tr::highest();
    return Acc(0);
  }
  static __device__ __forceinline__ Acc step(Acc a, Val v) {
    if constexpr (K == ReduceOp::kMax) return (v > a || v != v) ? v : a;
    if constexpr (K == ReduceOp::kMin) return (v < a || v != v) ? v : a;
    if constexpr (K == ReduceOp::kProd) return mul(a, v);
    if constexpr (K == ReduceOp::kL1) return add(a, v < Val(0) ? Val(0) - v : v);
    if constexpr (K == ReduceOp::kL2 || K == ReduceOp::kSumSquare) return add(a, mul(v, v));
    if constexpr (K == ReduceOp::kLogSumExp) return add(a, static_cast<Acc>(exp(static_cast<double>(v))));
    return add(a, v);
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) {
    if constexpr (K == ReduceOp::kMax) return (b > a || b != b) ? b : a;
    if constexpr (K == ReduceOp::kMin) return (b < a || b != b) ? b : a;
    if constexpr (K == ReduceOp::kProd) return mul(a, b);
    return add(a, b);
  }
  static __device__ __forceinline__ void store(T* y, int64_t o, Acc a, int64_t count) {
    if constexpr (K == ReduceOp::kMean) {
      if constexpr (Tr::kFloat) Tr::store(y, o, count == 0 ? NAN : a / static_cast<Acc>(count));
      else Tr::store(y, o, count == 0 ? 0 : a / static_cast<Acc>(count));
    } else if constexpr (K == ReduceOp::kL2 || K == ReduceOp::kLogSum || K == ReduceOp::kLogSumExp) {
      const double d = static_cast<double>(a);
      const double r = K == ReduceOp::kL2 ? sqrt(d) : log(d);
      if constexpr (Tr::kFloat) Tr::store(y, o, static_cast<Val>(r));
      else Tr::store(y, o, saturate_to_int(r, Tr::lowest(), Tr::highest()));
    } else {
      Tr::store(y, o, static_cast<Val>(a));
    }
  }
};

template <typename T, ReduceOp K>
struct CombineOf {
  __device__ __forceinline__ typename Reducer<T, K>::Acc operator()(typename Reducer<T, K>::Acc a,
                                                                    typename Reducer<T, K>::Acc b) const {
    return Reducer<T, K>::combine(a, b);
  }
};

// One block per output; its elements are reduced.offset(r) from the output's base.
template <typename T, ReduceOp K>
__global__ void reduce_rows(const T* x, T* y, ReductionPlan plan) {
  using R = Reducer<T, K>;
  using Acc = typename R::Acc;
  __shared__ Acc scratch[32];
  const bool contiguous = plan.reduced.rank == 1 && plan.reduced.in_strides[0] == 1;
  for (int64_t o = blockIdx.x; o < plan.out_count; o += gridDim.x) {
    const T* base = x + plan.kept.offset(o);
    Acc acc = R::init();
    if (contiguous) {
      for (int64_t r = threadIdx.x; r < plan.reduce_count; r += blockDim.x) acc = R::step(acc, R::Tr::load(base, r));
    } else {
      for (int64_t r = threadIdx.x; r < plan.reduce_count; r += blockDim.x)
        acc = R::step(acc, R::Tr::load(base, plan.reduced.offset(r)));
    }
    acc = block_reduce(acc, CombineOf<T, K>{}, scratch);
    if (threadIdx.x == 0) R::store(y, o, acc, plan.reduce_count);
  }
}

// One thread per output.
template <typename T, ReduceOp K>
__global__ void reduce_columns(const T* x, T* y, ReductionPlan plan) {
  using R = Reducer<T, K>;
  using Acc = typename R::Acc;
  FOVEA_GRID_STRIDE_LOOP(o, plan.out_count) {
    const T* base = x + plan.kept.offset(o);
    Acc acc = R::init();
    if (plan.reduced.rank == 1) {
      const int64_t stride = plan.reduced.in_strides[0];
      for (int64_t r = 0; r < plan.reduce_count; ++r) acc = R::step(acc, R::Tr::load(base, r * stride));
    } else {
      for (int64_t r = 0; r < plan.reduce_count; ++r) acc = R::step(acc, R::Tr::load(base, plan.reduced.offset(r)));
    }
    R::store(y, o, acc, plan.reduce_count);
  }
}

template <typename T, ReduceOp K>
cudaError_t run_reduce(const ReductionPlan& plan, const void* x, void* y, cudaStream_t stream) {
  const T* xt = static_cast<const T*>(x);
  T* yt = static_cast<T*>(y);
  if (plan.inner_reduced && plan.reduce_count > 1) {
    const int64_t blocks = plan.out_count < (1 << 20) ? plan.out_count : (1 << 20);
    reduce_rows<T, K><<<static_cast<unsigned>(blocks), threads_for_row(plan.reduce_count), 0, stream>>>(xt, yt, plan);
  } else {
    reduce_columns<T, K><<<blocks_for(plan.out_count), kThreadsPerBlock, 0, stream>>>(xt, yt, plan);
  }
  return cudaGetLastError();
}

template <typename T>
cudaError_t reduce_typed(const ReduceParams& p, const void* x, void* y, cudaStream_t stream) {
  switch (p.op) {
    case ReduceOp::kMean: return run_reduce<T, ReduceOp::kMean>(p.plan, x, y, stream);
    case ReduceOp::kSum: return run_reduce<T, ReduceOp::kSum>(p.plan, x, y, stream);
    case ReduceOp::kMax: return run_reduce<T, ReduceOp::kMax>(p.plan, x, y, stream);
    case ReduceOp::kMin: return run_reduce<T, ReduceOp::kMin>(p.plan, x, y, stream);
    case ReduceOp::kProd: return run_reduce<T, ReduceOp::kProd>(p.plan, x, y, stream);
    case ReduceOp::kL1: return run_reduce<T, ReduceOp::kL1>(p.plan, x, y, stream);
    case ReduceOp::kL2: return run_reduce<T, ReduceOp::kL2>(p.plan, x, y, stream);
    case ReduceOp::kSumSquare: return run_reduce<T, ReduceOp::kSumSquare>(p.plan, x, y, stream);
    case ReduceOp::kLogSum: return run_reduce<T, ReduceOp::kLogSum>(p.plan, x, y, stream);
    case ReduceOp::kLogSumExp: return run_reduce<T, ReduceOp::kLogSumExp>(p.plan, x, y, stream);
  }
  return cudaErrorInvalidValue;
}

// ArgMax/ArgMin: `better` says whether candidate (v, k) beats the current best (bv, bk).
template <typename Val>
__device__ __forceinline__ bool arg_better(Val v, int64_t k, Val bv, int64_t bk, bool is_max, bool last) {
  if (is_max ? v > bv : v < bv) return true;
  return v == bv && (last ? k > bk : k < bk);
}

// One thread per output, scanning sequentially exactly as the CPU reference does.
template <typename T>
__global__ void arg_reduce_columns(const T* x, int64_t* y, ArgReduceParams p) {
  using Tr = ValueTraits<T>;
  FOVEA_GRID_STRIDE_LOOP(i, p.outer * p.inner) {
    const int64_t o = i / p.inner, j = i % p.inner;
    const T* row = x + o * p.n * p.inner + j;
    int64_t best = 0;
    if (p.n > 0) {
      auto bv = Tr::load(row, 0);
      for (int64_t k = 1; k < p.n; ++k) {
        const auto v = Tr::load(row, k * p.inner);
        const bool better = p.is_max ? (p.select_last ? v >= bv : v > bv) : (p.select_last ? v <= bv : v < bv);
        if (better) best = k, bv = v;
      }
    }
    y[i] = best;
  }
}

// One block per contiguous row (inner == 1). NaN never wins a sequential scan except at index 0,
// so NaNs are skipped and index 0 is checked at the end; ties resolve by index, which makes the
// tree combination order-independent.
template <typename T>
__global__ void arg_reduce_rows(const T* x, int64_t* y, ArgReduceParams p) {
  using Tr = ValueTraits<T>;
  using Val = typename Tr::Val;
  __shared__ Val best_v[256];
  __shared__ int64_t best_k[256];
  for (int64_t o = blockIdx.x; o < p.outer; o += gridDim.x) {
    const T* row = x + o * p.n;
    Val bv = Val(0);
    int64_t bk = -1;
    for (int64_t k = threadIdx.x; k < p.n; k += blockDim.x) {
      const Val v = Tr::load(row, k);
      if (v != v) continue;
      if (bk < 0 || arg_better(v, k, bv, bk, p.is_max, p.select_last)) bv = v, bk = k;
    }
    __syncthreads();  // the previous row's result has been read
    best_v[threadIdx.x] = bv;
    best_k[threadIdx.x] = bk;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) {
        const Val ov = best_v[threadIdx.x + s];
        const int64_t ok = best_k[threadIdx.x + s];
        const int64_t mk = best_k[threadIdx.x];
        if (ok >= 0 && (mk < 0 || arg_better(ov, ok, best_v[threadIdx.x], mk, p.is_max, p.select_last))) {
          best_v[threadIdx.x] = ov;
          best_k[threadIdx.x] = ok;
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      const bool nan_first = p.n > 0 && Tr::load(row, 0) != Tr::load(row, 0);
      y[o] = (nan_first || best_k[0] < 0) ? 0 : best_k[0];
    }
  }
}

template <typename T>
cudaError_t arg_reduce_typed(const ArgReduceParams& p, const void* x, int64_t* y, cudaStream_t stream) {
  const T* xt = static_cast<const T*>(x);
  if (p.inner == 1 && p.n > 32) {
    const int64_t blocks = p.outer < (1 << 20) ? p.outer : (1 << 20);
    arg_reduce_rows<T><<<static_cast<unsigned>(blocks), threads_for_row(p.n), 0, stream>>>(xt, y, p);
  } else {
    arg_reduce_columns<T><<<blocks_for(p.outer * p.inner), kThreadsPerBlock, 0, stream>>>(xt, y, p);
  }
  return cudaGetLastError();
}

}  // namespace

bool reduce_supports(ScalarKind kind) {
  return kind == ScalarKind::kF32 || kind == ScalarKind::kF16 || kind == ScalarKind::kI32 || kind == ScalarKind::kI64;
}

cudaError_t launch_reduce(const ReduceParams& p, const void* x, void* y, cudaStream_t stream) {
  if (p.plan.out_count == 0) return cudaSuccess;
  switch (p.kind) {
    case ScalarKind::kF32: return reduce_typed<float>(p, x, y, stream);
    case ScalarKind::kF16: return reduce_typed<__half>(p, x, y, stream);
    case ScalarKind::kI32: return reduce_typed<int32_t>(p, x, y, stream);
    case ScalarKind::kI64: return reduce_typed<int64_t>(p, x, y, stream);
    default: return cudaErrorInvalidValue;
  }
}

bool arg_reduce_supports(ScalarKind kind) { return reduce_supports(kind); }

cudaError_t launch_arg_reduce(const ArgReduceParams& p, const void* x, int64_t* y, cudaStream_t stream) {
  if (p.outer * p.inner == 0) return cudaSuccess;
  switch (p.kind) {
    case ScalarKind::kF32: return arg_reduce_typed<float>(p, x, y, stream);
    case ScalarKind::kF16: return arg_reduce_typed<__half>(p, x, y, stream);
    case ScalarKind::kI32: return arg_reduce_typed<int32_t>(p, x, y, stream);
    case ScalarKind::kI64: return arg_reduce_typed<int64_t>(p, x, y, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
