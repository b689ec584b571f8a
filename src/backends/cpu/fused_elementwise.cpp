// fovea.FusedElementwise: runs the node's program (ops/fused_elementwise_program.h) over the
// broadcast output, one chunk of an output row at a time: every input's chunk is gathered into a
// register array, then each op maps whole arrays, so the inner loops stay simple and vectorize.
// Math is float32 (the formulas of the unfused kernels); float16 runs through float32.
#include <array>
#include <cmath>
#include <vector>

#include "backends/cpu/broadcast_loop.h"
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/vector_math.h"
#include "ops/fused_elementwise_program.h"

namespace fovea::cpu {
namespace {

constexpr int64_t kChunk = 1024;  // elements per register array: registers stay in L1/L2
constexpr int kMaxRegisters = kMaxFusedElementwiseInputs + kMaxFusedElementwiseOps;

bool is_nan(float x) { return x != x; }

template <typename Op>
void map1(const float* a, float* out, int64_t n, Op op) {
  for (int64_t i = 0; i < n; ++i) out[i] = op(a[i]);
}
template <typename Op>
void map2(const float* a, const float* b, float* out, int64_t n, Op op) {
  for (int64_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
}

void run_instruction(const ElementwiseInstruction& ins, const float* a, const float* b, float* out, int64_t n) {
  const float alpha = ins.alpha, beta = ins.beta;
  using K = ElementwiseOpKind;
  switch (ins.kind) {
    case K::kAdd: return map2(a, b, out, n, [](float x, float y) { return x + y; });
    case K::kSub: return map2(a, b, out, n, [](float x, float y) { return x - y; });
    case K::kMul: return map2(a, b, out, n, [](float x, float y) { return x * y; });
    case K::kDiv: return map2(a, b, out, n, [](float x, float y) { return x / y; });
    case K::kPow: return map2(a, b, out, n, [](float x, float y) { return std::pow(x, y); });
    // NaN wins, as in run_max / run_min.
    case K::kMax: return map2(a, b, out, n, [](float x, float y) { return is_nan(x) ? x : (y > x || is_nan(y)) ? y : x; });
    case K::kMin: return map2(a, b, out, n, [](float x, float y) { return is_nan(x) ? x : (y < x || is_nan(y)) ? y : x; });
    case K::kPRelu: return map2(a, b, out, n, [](float x, float s) { return x < 0.0f ? x * s : x; });
    case K::kRelu: return map1(a, out, n, [](float x) { return x < 0.0f ? 0.0f : x; });
    case K::kLeakyRelu: return map1(a, out, n, [alpha](float x) { return x < 0.0f ? alpha * x : x; });
    case K::kSigmoid: return map1(a, out, n, [](float x) { return sigmoid_float(x); });
    case K::kTanh: return map1(a, out, n, [](float x) { return std::tanh(x); });
    case K::kHardSigmoid:
      return map1(a, out, n, [alpha, beta](float x) { return std::max(0.0f, std::min(1.0f, alpha * x + beta)); });
    case K::kHardSwish:
      return map1(a, out, n, [](float x) { return x * std::max(0.0f, std::min(1.0f, x * float(1.0 / 6.0) + 0.5f)); });
    case K::kSoftplus:
      return map1(a, out, n, [](float x) { return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); });
    case K::kElu: return map1(a, out, n, [alpha](float x) { return x < 0.0f ? alpha * std::expm1(x) : x; });
    case K::kSelu:  // beta is gamma
      return map1(a, out, n, [alpha, beta](float x) { return x <= 0.0f ? beta * (alpha * std::exp(x) - alpha) : beta * x; });
    case K::kErf: return map1(a, out, n, [](float x) { return static_cast<float>(std::erf(static_cast<double>(x))); });
    case K::kClip:
      return map1(a, out, n, [alpha, beta](float x) {
        x = x < alpha ? alpha : x;
        return x > beta ? beta : x;
      });
    case K::kSqrt: return map1(a, out, n, [](float x) { return std::sqrt(x); });
    case K::kExp: return map1(a, out, n, [](float x) { return std::exp(x); });
    case K::kLog: return map1(a, out, n, [](float x) { return std::log(x); });
    case K::kAbs: return map1(a, out, n, [](float x) { return std::fabs(x); });
    case K::kNeg: return map1(a, out, n, [](float x) { return -x; });
    case K::kReciprocal: return map1(a, out, n, [](float x) { return 1.0f / x; });
    case K::kFloor: return map1(a, out, n, [](float x) { return std::floor(x); });
    case K::kCeil: return map1(a, out, n, [](float x) { return std::ceil(x); });
    case K::kRound: return map1(a, out, n, [](float x) { return std::nearbyint(x); });
    case K::kSign: return map1(a, out, n, [](float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x; });
    case K::kIdentity: return map1(a, out, n, [](float x) { return x; });
  }
}

Status run_program_float32(CpuKernelContext& ctx, const ElementwiseProgram& program) {
  const int n_in = program.num_inputs;
  Tensor& out = ctx.output(0);
  float* po = out.data<float>();
  for (int i = 0; i < n_in; ++i)
    if (ctx.input(i).dtype() != DType::kFloat32) return ctx.unsupported_dtype(i);
  // Unused operand slots of the fixed-size plan read a scalar with stride 0.
  static const Dims kScalarDims;
  std::array<const Dims*, kMaxFusedElementwiseInputs> in_dims;
  std::array<const float*, kMaxFusedElementwiseInputs> in_data{};
  static const float kZero = 0.0f;
  for (int i = 0; i < kMaxFusedElementwiseInputs; ++i) {
    in_dims[i] = i < n_in ? &ctx.input(i).dims() : &kScalarDims;
    in_data[i] = i < n_in ? ctx.input(i).data<float>() : &kZero;
  }
  const auto plan = plan_broadcast_rows<kMaxFusedElementwiseInputs>(out.dims(), in_dims);
  const int n_regs = n_in + static_cast<int>(program.instructions.size());
  for_each_broadcast_row(plan, [&](int64_t o, const std::array<int64_t, kMaxFusedElementwiseInputs>& in, int64_t len) {
    thread_local std::vector<float> regs;
    regs.resize(static_cast<size_t>(kMaxRegisters * kChunk));
    for (int64_t start = 0; start < len; start += kChunk) {
      const int64_t n = std::min(kChunk, len - start);
      for (int i = 0; i < n_in; ++i) {
        float* r = regs.data() + i * kChunk;
        if (plan.inner_stride[i] == 0) std::fill(r, r + n, in_data[i][in[i]]);
        else std::copy(in_data[i] + in[i] + start, in_data[i] + in[i] + start + n, r);
      }
      for (size_t k = 0; k < program.instructions.size(); ++k) {
        const ElementwiseInstruction& ins = program.instructions[k];
        const float* a = regs.data() + ins.a * kChunk;
        const float* b = ins.b >= 0 ? regs.data() + ins.b * kChunk : nullptr;
        run_instruction(ins, a, b, regs.data() + (n_in + static_cast<int64_t>(k)) * kChunk, n);
      }
      const float* result = regs.data() + static_cast<int64_t>(n_regs - 1) * kChunk;
      std::copy(result, result + n, po + o + start);
    }
  });
  return Status::ok();
}

}  // namespace

Status run_fused_elementwise(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_fused_elementwise);
  FOVEA_ASSIGN_OR_RETURN(const ElementwiseProgram program,
                         parse_elementwise_program(ctx.node(), static_cast<int>(ctx.num_inputs())));
  if (ctx.output(0).numel() == 0) return Status::ok();
  return run_program_float32(ctx, program);
}

}  // namespace fovea::cpu
