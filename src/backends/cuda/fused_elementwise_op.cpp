// fovea.FusedElementwise on the GPU (docs/fused-ops.md): the program in the node's attributes
// is parsed and checked by the shared parser (ops/fused_elementwise_program.h) once per execution
// context, translated for the kernel, then run by launch_fused_elementwise.
#include <utility>

#include "backends/cuda/elementwise_adapter.h"
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/kernels/fused_elementwise.h"
#include "ops/fused_elementwise_program.h"

namespace fovea::cuda::elementwise_ops {
namespace {

static_assert(kMaxFusedElementwiseInputs == kernels::kMaxFusedInputs);
static_assert(kMaxFusedElementwiseOps == kernels::kMaxFusedOps);

using kernels::FusedOpCode;

FusedOpCode fused_op_code(ElementwiseOpKind kind) {
  using K = ElementwiseOpKind;
  switch (kind) {
    case K::kAdd: return FusedOpCode::kAdd;
    case K::kSub: return FusedOpCode::kSub;
    case K::kMul: return FusedOpCode::kMul;
    case K::kDiv: return FusedOpCode::kDiv;
    case K::kPow: return FusedOpCode::kPow;
    case K::kMax: return FusedOpCode::kMax;
    case K::kMin: return FusedOpCode::kMin;
    case K::kPRelu: return FusedOpCode::kPRelu;
    case K::kRelu: return FusedOpCode::kRelu;
    case K::kLeakyRelu: return FusedOpCode::kLeakyRelu;
    case K::kSigmoid: return FusedOpCode::kSigmoid;
    case K::kTanh: return FusedOpCode::kTanh;
    case K::kHardSigmoid: return FusedOpCode::kHardSigmoid;
    case K::kHardSwish: return FusedOpCode::kHardSwish;
    case K::kSoftplus: return FusedOpCode::kSoftplus;
    case K::kElu: return FusedOpCode::kElu;
    case K::kSelu: return FusedOpCode::kSelu;
    case K::kErf: return FusedOpCode::kErf;
    case K::kClip: return FusedOpCode::kClip;
    case K::kSqrt: return FusedOpCode::kSqrt;
    case K::kExp: return FusedOpCode::kExp;
    case K::kLog: return FusedOpCode::kLog;
    case K::kAbs: return FusedOpCode::kAbs;
    case K::kNeg: return FusedOpCode::kNeg;
    case K::kReciprocal: return FusedOpCode::kReciprocal;
    case K::kFloor: return FusedOpCode::kFloor;
    case K::kCeil: return FusedOpCode::kCeil;
    case K::kRound: return FusedOpCode::kRound;
    case K::kSign: return FusedOpCode::kSign;
    case K::kIdentity: return FusedOpCode::kIdentity;
  }
  return FusedOpCode::kIdentity;
}

// The node's program, translated on first use (attributes do not change between runs).
struct FusedProgramState : GpuNodeState {
  kernels::FusedProgram program;
};

Result<kernels::FusedProgram> translate_program(const GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const ElementwiseProgram parsed,
                         parse_elementwise_program(ctx.node(), static_cast<int>(ctx.num_inputs())));
  kernels::FusedProgram p;
  p.num_inputs = parsed.num_inputs;
  p.num_ops = static_cast<int32_t>(parsed.instructions.size());
  for (size_t k = 0; k < parsed.instructions.size(); ++k) {
    const ElementwiseInstruction& ins = parsed.instructions[k];
    p.ops[k] = fused_op_code(ins.kind);
    p.lhs[k] = ins.a;
    p.rhs[k] = ins.b;
    p.alpha[k] = ins.alpha;
    p.beta[k] = ins.beta;
  }
  return p;
}

}  // namespace

Status run_fused_elementwise(GpuKernelContext& ctx) {
  auto* state = dynamic_cast<FusedProgramState*>(ctx.state().get());
  if (!state) {
    FOVEA_ASSIGN_OR_RETURN(kernels::FusedProgram program, translate_program(ctx));
    auto fresh = std::make_unique<FusedProgramState>();
    fresh->program = program;
    state = fresh.get();
    ctx.state() = std::move(fresh);
  }
  std::vector<kernels::ElementwiseOperand> inputs;
  inputs.reserve(ctx.num_inputs());
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    FOVEA_ASSIGN_OR_RETURN(kernels::ElementwiseOperand in, broadcast_operand(ctx, i));
    if (ctx.input(i).dtype != DType::kFloat32 && ctx.input(i).dtype != DType::kFloat16) return ctx.unsupported_dtype(i);
    if (ctx.input(i).dtype != ctx.input(0).dtype)
      return ctx.error("input {} is {}, input 0 is {}", i, dtype_name(ctx.input(i).dtype), dtype_name(ctx.input(0).dtype));
    inputs.push_back(std::move(in));
  }
  const Dims out_dims = ctx.output(0).dims;
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* y, checked_output(ctx, ctx.input(0).dtype, element_count(out_dims)));
  return launch_status(
      ctx, kernels::launch_fused_elementwise(state->program, inputs, inputs[0].kind, y->data, out_dims, ctx.stream()), 0);
}

}  // namespace fovea::cuda::elementwise_ops
