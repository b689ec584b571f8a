#include "backends/cuda/cudnn_fused_conv_graph.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_backend_descriptor.h"
#include "backends/cuda/fused_conv_epilogue_steps.h"
#include "core/logging.h"

namespace fovea::cuda {

namespace {

// Unique ids of the variant pack's tensors; by-value scalars and virtual tensors follow.
constexpr int64_t kUidX = 1, kUidW = 2, kUidBias = 3, kUidResidual = 4, kUidY = 5;
constexpr int64_t kUidScalarBase = 16, kUidVirtualBase = 1024;

cudnnDataType_t io_type(DType t) { return t == DType::kFloat16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT; }

// The handle attributes of the operation graph and the plan are deprecated from cuDNN 9.x in
// favour of device-property descriptors, which older cuDNN 9 releases (PyTorch's wheel on the GPU
// machine may be one) lack; the handle works in every cuDNN 9.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
constexpr cudnnBackendAttributeName_t kGraphHandleAttr = CUDNN_ATTR_OPERATIONGRAPH_HANDLE;
constexpr cudnnBackendAttributeName_t kPlanHandleAttr = CUDNN_ATTR_EXECUTION_PLAN_HANDLE;
#pragma GCC diagnostic pop

cudnnPointwiseMode_t pointwise_mode(EpilogueOp op) {
  switch (op) {
    case EpilogueOp::kAdd: return CUDNN_POINTWISE_ADD;
    case EpilogueOp::kMul: return CUDNN_POINTWISE_MUL;
    case EpilogueOp::kMax: return CUDNN_POINTWISE_MAX;
    case EpilogueOp::kMin: return CUDNN_POINTWISE_MIN;
    case EpilogueOp::kRelu: return CUDNN_POINTWISE_RELU_FWD;
    case EpilogueOp::kSigmoid: return CUDNN_POINTWISE_SIGMOID_FWD;
    case EpilogueOp::kSwish: return CUDNN_POINTWISE_SWISH_FWD;
    case EpilogueOp::kTanh: return CUDNN_POINTWISE_TANH_FWD;
  }
  return CUDNN_POINTWISE_IDENTITY;
}

struct TensorSpec {
  int64_t uid = 0;
  Dims dims;
  std::vector<int64_t> strides;
  cudnnDataType_t type = CUDNN_DATA_FLOAT;
  bool is_virtual = false;
  bool by_value = false;
};

Result<CudnnBackendDescriptor> make_tensor(const TensorSpec& t, int64_t alignment) {
  FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor d, CudnnBackendDescriptor::create(CUDNN_BACKEND_TENSOR_DESCRIPTOR));
  FOVEA_RETURN_IF_ERROR(d.set_data_type(CUDNN_ATTR_TENSOR_DATA_TYPE, t.type));
  FOVEA_RETURN_IF_ERROR(d.set_int64s(CUDNN_ATTR_TENSOR_DIMENSIONS, std::vector<int64_t>(t.dims.begin(), t.dims.end())));
  FOVEA_RETURN_IF_ERROR(d.set_int64s(CUDNN_ATTR_TENSOR_STRIDES, t.strides));
  FOVEA_RETURN_IF_ERROR(d.set_int64(CUDNN_ATTR_TENSOR_UNIQUE_ID, t.uid));
  FOVEA_RETURN_IF_ERROR(d.set_int64(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, alignment));
  if (t.is_virtual) FOVEA_RETURN_IF_ERROR(d.set_bool(CUDNN_ATTR_TENSOR_IS_VIRTUAL, true));
  if (t.by_value) FOVEA_RETURN_IF_ERROR(d.set_bool(CUDNN_ATTR_TENSOR_IS_BY_VALUE, true));
  FOVEA_RETURN_IF_ERROR(d.finalize());
  return d;
}

}  // namespace

// The operation graph with every descriptor it references (cuDNN keeps pointers to them), and
// the by-value scalars the variant pack points at (fixed addresses: never resized once built).
struct FusedConvOpGraph {
  std::vector<CudnnBackendDescriptor> parts;
  CudnnBackendDescriptor graph;
  std::vector<int64_t> scalar_uids;
  std::vector<float> scalar_values;
  bool has_bias = false, has_residual = false;
};

class FusedConvGraphPlan {
 public:
  std::shared_ptr<const FusedConvOpGraph> graph;
  CudnnBackendDescriptor engine;
  std::vector<CudnnBackendDescriptor> knobs;
  CudnnBackendDescriptor config;
  CudnnBackendDescriptor plan;
  size_t workspace_bytes = 0;
};

namespace {

class OpGraphBuilder {
 public:
  OpGraphBuilder(const FusedConvGraphSpec& s, FusedConvOpGraph& g) : s_(s), g_(g) {}

  Result<cudnnBackendDescriptor_t> tensor(TensorSpec t) {
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor d, make_tensor(t, s_.alignment));
    g_.parts.push_back(std::move(d));
    return g_.parts.back().get();
  }
  // Y-shaped: the output (io dtype) or an FP32 virtual intermediate.
  Result<cudnnBackendDescriptor_t> y_like(int64_t uid, bool is_virtual) {
    return tensor({uid, s_.y, graph_tensor_strides(s_.y, s_.nhwc), is_virtual ? CUDNN_DATA_FLOAT : io_type(s_.dtype),
                   is_virtual, false});
  }
  Status op(CudnnBackendDescriptor d) {
    FOVEA_RETURN_IF_ERROR(d.finalize());
    ops_.push_back(d.get());
    g_.parts.push_back(std::move(d));
    return Status::ok();
  }

  Status convolution(cudnnBackendDescriptor_t y) {
    FOVEA_ASSIGN_OR_RETURN(auto x, tensor({kUidX, s_.x, graph_tensor_strides(s_.x, s_.nhwc), io_type(s_.dtype)}));
    FOVEA_ASSIGN_OR_RETURN(auto w, tensor({kUidW, s_.w, graph_tensor_strides(s_.w, s_.nhwc), io_type(s_.dtype)}));
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor conv,
                           CudnnBackendDescriptor::create(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR));
    const cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
    FOVEA_RETURN_IF_ERROR(conv.set_data_type(CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_DATA_FLOAT));
    FOVEA_RETURN_IF_ERROR(conv.set(CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode));
    FOVEA_RETURN_IF_ERROR(conv.set_int64(CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, static_cast<int64_t>(s_.pads.size())));
    FOVEA_RETURN_IF_ERROR(conv.set_int64s(CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, s_.pads));
    FOVEA_RETURN_IF_ERROR(conv.set_int64s(CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, s_.pads));
    FOVEA_RETURN_IF_ERROR(conv.set_int64s(CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, s_.strides));
    FOVEA_RETURN_IF_ERROR(conv.set_int64s(CUDNN_ATTR_CONVOLUTION_DILATIONS, s_.dilations));
    FOVEA_RETURN_IF_ERROR(conv.finalize());
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor op,
                           CudnnBackendDescriptor::create(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR));
    const cudnnBackendDescriptor_t conv_raw = conv.get();
    g_.parts.push_back(std::move(conv));
    FOVEA_RETURN_IF_ERROR(op.set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x));
    FOVEA_RETURN_IF_ERROR(op.set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &w));
    FOVEA_RETURN_IF_ERROR(op.set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y));
    FOVEA_RETURN_IF_ERROR(
        op.set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv_raw));
    FOVEA_RETURN_IF_ERROR(op.set_float(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, 1.0f));
    FOVEA_RETURN_IF_ERROR(op.set_float(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, 0.0f));
    return this->op(std::move(op));
  }

  // The second operand's tensor; bias and residual are made once, each scalar gets its own.
  Result<cudnnBackendDescriptor_t> operand(const EpilogueOperand& b,
                                           const std::vector<cudnnBackendDescriptor_t>& values) {
    using Kind = EpilogueOperand::Kind;
    switch (b.kind) {
      case Kind::kNone: return internal_error("a binary pointwise step without its second operand");
      case Kind::kValue: return values.at(static_cast<size_t>(b.value));
      case Kind::kBias: {
        if (bias_) return bias_;
        Dims d(s_.y.size(), 1);
        d[1] = s_.y[1];
        FOVEA_ASSIGN_OR_RETURN(bias_, tensor({kUidBias, d, graph_tensor_strides(d, s_.nhwc), io_type(s_.dtype)}));
        g_.has_bias = true;
        return bias_;
      }
      case Kind::kResidual: {
        if (residual_) return residual_;
        FOVEA_ASSIGN_OR_RETURN(residual_, tensor({kUidResidual, s_.y, graph_tensor_strides(s_.y, s_.nhwc),
                                                  io_type(s_.dtype)}));
        g_.has_residual = true;
        return residual_;
      }
      case Kind::kScalar: {
        const int64_t uid = kUidScalarBase + static_cast<int64_t>(g_.scalar_uids.size());
        const Dims ones(s_.y.size(), 1);
        FOVEA_ASSIGN_OR_RETURN(auto d, tensor({uid, ones, std::vector<int64_t>(ones.size(), 1), CUDNN_DATA_FLOAT,
                                               false, true}));
        g_.scalar_uids.push_back(uid);
        g_.scalar_values.push_back(b.scalar);
        return d;
      }
    }
    return internal_error("unknown pointwise operand");
  }

  Status pointwise(const EpilogueStep& step, const std::vector<cudnnBackendDescriptor_t>& values,
                   cudnnBackendDescriptor_t y) {
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor pw,
                           CudnnBackendDescriptor::create(CUDNN_BACKEND_POINTWISE_DESCRIPTOR));
    const cudnnPointwiseMode_t mode = pointwise_mode(step.op);
    FOVEA_RETURN_IF_ERROR(pw.set(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode));
    FOVEA_RETURN_IF_ERROR(pw.set_data_type(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_DATA_FLOAT));
    if (step.op == EpilogueOp::kSwish) FOVEA_RETURN_IF_ERROR(pw.set_double(CUDNN_ATTR_POINTWISE_SWISH_BETA, 1.0));
    FOVEA_RETURN_IF_ERROR(pw.finalize());
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor op,
                           CudnnBackendDescriptor::create(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR));
    FOVEA_RETURN_IF_ERROR(op.set_descriptor(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, pw));
    g_.parts.push_back(std::move(pw));
    const cudnnBackendDescriptor_t x = values.at(static_cast<size_t>(step.input));
    FOVEA_RETURN_IF_ERROR(op.set(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x));
    if (epilogue_op_is_binary(step.op)) {
      FOVEA_ASSIGN_OR_RETURN(cudnnBackendDescriptor_t b, operand(step.b, values));
      FOVEA_RETURN_IF_ERROR(op.set(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &b));
    }
    FOVEA_RETURN_IF_ERROR(op.set(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y));
    return this->op(std::move(op));
  }

  Status build(cudnnHandle_t handle) {
    const std::vector<EpilogueStep> steps = fused_conv_epilogue_steps(s_.activation, s_.has_bias, s_.has_residual,
                                                                      s_.residual_after_activation);
    // values[0] is the convolution's result; values[i + 1] step i's. The last one is Y.
    std::vector<cudnnBackendDescriptor_t> values;
    FOVEA_ASSIGN_OR_RETURN(auto conv_out, y_like(steps.empty() ? kUidY : kUidVirtualBase, !steps.empty()));
    values.push_back(conv_out);
    FOVEA_RETURN_IF_ERROR(convolution(conv_out));
    for (size_t i = 0; i < steps.size(); ++i) {
      const bool last = i + 1 == steps.size();
      FOVEA_ASSIGN_OR_RETURN(auto out, y_like(last ? kUidY : kUidVirtualBase + 1 + static_cast<int64_t>(i), !last));
      FOVEA_RETURN_IF_ERROR(pointwise(steps[i], values, out));
      values.push_back(out);
    }
    FOVEA_ASSIGN_OR_RETURN(g_.graph, CudnnBackendDescriptor::create(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR));
    FOVEA_RETURN_IF_ERROR(g_.graph.set_handle(kGraphHandleAttr, handle));
    FOVEA_RETURN_IF_ERROR(g_.graph.set_descriptors(CUDNN_ATTR_OPERATIONGRAPH_OPS, ops_));
    return g_.graph.finalize();
  }

 private:
  const FusedConvGraphSpec& s_;
  FusedConvOpGraph& g_;
  std::vector<cudnnBackendDescriptor_t> ops_;
  cudnnBackendDescriptor_t bias_ = nullptr, residual_ = nullptr;
};

Result<std::shared_ptr<const FusedConvOpGraph>> build_op_graph(cudnnHandle_t handle, const FusedConvGraphSpec& spec) {
  auto g = std::make_shared<FusedConvOpGraph>();
  OpGraphBuilder b(spec, *g);
  FOVEA_RETURN_IF_ERROR(b.build(handle));
  return std::shared_ptr<const FusedConvOpGraph>(std::move(g));
}

// Engine index, knob choices and whether its numerical notes keep the dtype's accuracy.
struct ConfigInfo {
  CudnnEngineConfigId id;
  bool accurate = true;
};

Result<ConfigInfo> describe_config(const CudnnBackendDescriptor& cfg, DType dtype) {
  ConfigInfo info;
  FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor engine,
                         CudnnBackendDescriptor::create(CUDNN_BACKEND_ENGINE_DESCRIPTOR));
  cudnnBackendDescriptor_t raw_engine = engine.get();
  FOVEA_RETURN_IF_ERROR(cfg.get(CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &raw_engine).status());
  FOVEA_ASSIGN_OR_RETURN(info.id.engine, engine.get_int64(CUDNN_ATTR_ENGINE_GLOBAL_INDEX));
  cudnnBackendNumericalNote_t notes[CUDNN_NUMERICAL_NOTE_TYPE_COUNT];
  FOVEA_ASSIGN_OR_RETURN(int64_t n_notes, engine.get(CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, CUDNN_TYPE_NUMERICAL_NOTE,
                                                     CUDNN_NUMERICAL_NOTE_TYPE_COUNT, notes));
  for (int64_t i = 0; i < std::min<int64_t>(n_notes, CUDNN_NUMERICAL_NOTE_TYPE_COUNT); ++i) {
    const cudnnBackendNumericalNote_t note = notes[i];
    // FP16 accumulation loses what the legacy path keeps; FP32 must not become TF32.
    if (note == CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION) info.accurate = false;
    if (dtype == DType::kFloat32 &&
        (note == CUDNN_NUMERICAL_NOTE_TENSOR_CORE || note == CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS))
      info.accurate = false;
  }
  FOVEA_ASSIGN_OR_RETURN(std::vector<CudnnBackendDescriptor> knobs,
                         create_backend_descriptors(CUDNN_BACKEND_KNOB_CHOICE_DESCRIPTOR, CUDNN_KNOB_TYPE_COUNTS));
  std::vector<cudnnBackendDescriptor_t> raw = raw_descriptors(knobs);
  FOVEA_ASSIGN_OR_RETURN(int64_t n_knobs, cfg.get(CUDNN_ATTR_ENGINECFG_KNOB_CHOICES, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                                                  static_cast<int64_t>(raw.size()), raw.data()));
  for (int64_t i = 0; i < std::min<int64_t>(n_knobs, static_cast<int64_t>(raw.size())); ++i) {
    cudnnBackendKnobType_t type{};
    FOVEA_RETURN_IF_ERROR(knobs[i].get(CUDNN_ATTR_KNOB_CHOICE_KNOB_TYPE, CUDNN_TYPE_KNOB_TYPE, 1, &type).status());
    FOVEA_ASSIGN_OR_RETURN(int64_t value, knobs[i].get_int64(CUDNN_ATTR_KNOB_CHOICE_KNOB_VALUE));
    info.id.knobs.emplace_back(static_cast<int64_t>(type), value);
  }
  std::sort(info.id.knobs.begin(), info.id.knobs.end());
  return info;
}

// The heuristics' configurations for the graph, mode A's first, then FALLBACK's, without repeats.
std::vector<ConfigInfo> heuristic_configs(const FusedConvOpGraph& g, DType dtype) {
  std::vector<ConfigInfo> out;
  for (cudnnBackendHeurMode_t mode : {CUDNN_HEUR_MODE_A, CUDNN_HEUR_MODE_FALLBACK}) {
    Status st = [&]() -> Status {
      FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor heur,
                             CudnnBackendDescriptor::create(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR));
      FOVEA_RETURN_IF_ERROR(heur.set_descriptor(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, g.graph));
      FOVEA_RETURN_IF_ERROR(heur.set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &mode));
      FOVEA_RETURN_IF_ERROR(heur.finalize());
      FOVEA_ASSIGN_OR_RETURN(int64_t n,
                             heur.get(CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, nullptr));
      n = std::min<int64_t>(n, 256);
      if (n <= 0) return Status::ok();
      FOVEA_ASSIGN_OR_RETURN(std::vector<CudnnBackendDescriptor> cfgs,
                             create_backend_descriptors(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, n));
      std::vector<cudnnBackendDescriptor_t> raw = raw_descriptors(cfgs);
      FOVEA_ASSIGN_OR_RETURN(int64_t got, heur.get(CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, n,
                                                   raw.data()));
      for (int64_t i = 0; i < std::min(got, n); ++i) {
        auto info = describe_config(cfgs[i], dtype);
        if (!info.is_ok()) continue;  // a result cuDNN itself cannot describe
        const bool seen = std::any_of(out.begin(), out.end(), [&](const ConfigInfo& o) { return o.id == info->id; });
        if (!seen) out.push_back(std::move(info).value());
      }
      return Status::ok();
    }();
    if (!st.is_ok()) log::debug("cuDNN graph heuristics (mode {}): {}", static_cast<int>(mode), st.message());
  }
  return out;
}

// Rebuilds the configuration from its id (as a plan file would) and finalizes the plan.
Result<std::shared_ptr<const FusedConvGraphPlan>> finalize_plan(cudnnHandle_t handle,
                                                                 std::shared_ptr<const FusedConvOpGraph> g,
                                                                 const CudnnEngineConfigId& id) {
  auto p = std::make_shared<FusedConvGraphPlan>();
  p->graph = std::move(g);
  FOVEA_ASSIGN_OR_RETURN(p->engine, CudnnBackendDescriptor::create(CUDNN_BACKEND_ENGINE_DESCRIPTOR));
  FOVEA_RETURN_IF_ERROR(p->engine.set_descriptor(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, p->graph->graph));
  FOVEA_RETURN_IF_ERROR(p->engine.set_int64(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, id.engine));
  FOVEA_RETURN_IF_ERROR(p->engine.finalize());
  for (const auto& [type, value] : id.knobs) {
    FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor k,
                           CudnnBackendDescriptor::create(CUDNN_BACKEND_KNOB_CHOICE_DESCRIPTOR));
    const auto knob_type = static_cast<cudnnBackendKnobType_t>(type);
    FOVEA_RETURN_IF_ERROR(k.set(CUDNN_ATTR_KNOB_CHOICE_KNOB_TYPE, CUDNN_TYPE_KNOB_TYPE, 1, &knob_type));
    FOVEA_RETURN_IF_ERROR(k.set_int64(CUDNN_ATTR_KNOB_CHOICE_KNOB_VALUE, value));
    FOVEA_RETURN_IF_ERROR(k.finalize());
    p->knobs.push_back(std::move(k));
  }
  FOVEA_ASSIGN_OR_RETURN(p->config, CudnnBackendDescriptor::create(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
  FOVEA_RETURN_IF_ERROR(p->config.set_descriptor(CUDNN_ATTR_ENGINECFG_ENGINE, p->engine));
  if (!p->knobs.empty())
    FOVEA_RETURN_IF_ERROR(p->config.set_descriptors(CUDNN_ATTR_ENGINECFG_KNOB_CHOICES, raw_descriptors(p->knobs)));
  FOVEA_RETURN_IF_ERROR(p->config.finalize());
  FOVEA_ASSIGN_OR_RETURN(p->plan, CudnnBackendDescriptor::create(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR));
  FOVEA_RETURN_IF_ERROR(p->plan.set_handle(kPlanHandleAttr, handle));
  FOVEA_RETURN_IF_ERROR(p->plan.set_descriptor(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, p->config));
  FOVEA_RETURN_IF_ERROR(p->plan.finalize());
  FOVEA_ASSIGN_OR_RETURN(int64_t ws, p->plan.get_int64(CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE));
  if (ws < 0) return internal_error("cuDNN reported a negative workspace ({} bytes)", ws);
  p->workspace_bytes = static_cast<size_t>(ws);
  return std::shared_ptr<const FusedConvGraphPlan>(std::move(p));
}

// Finalized plans, shared while some node state holds them (the builder lists a layer's
// candidates, then times each in a fresh state; an execution context's nodes with the same
// graph share one). Keyed by handle too: a plan is finalized for, and runs with, one handle.
class PlanCache {
 public:
  static PlanCache& instance() {
    static PlanCache* cache = new PlanCache;  // never destroyed: node states may outlive statics
    return *cache;
  }
  std::shared_ptr<const FusedConvGraphPlan> find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = plans_.find(key);
    return it == plans_.end() ? nullptr : it->second.lock();
  }
  void insert(const std::string& key, const std::shared_ptr<const FusedConvGraphPlan>& plan) {
    std::lock_guard<std::mutex> lock(mu_);
    if (plans_.size() >= 1024)
      for (auto it = plans_.begin(); it != plans_.end();) it = it->second.expired() ? plans_.erase(it) : std::next(it);
    plans_[key] = plan;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<const FusedConvGraphPlan>> plans_;
};

std::string plan_key(cudnnHandle_t handle, const std::string& spec_key, const CudnnEngineConfigId& id) {
  return fmt::format("{}|{}|{}", fmt::ptr(handle), spec_key, id.to_string());
}

}  // namespace

std::string FusedConvGraphSpec::key() const {
  return fmt::format("{} {} x[{}] w[{}] y[{}] pads[{}] strides[{}] dil[{}] act {} {} {} b{} z{} after{} align{}",
                     dtype_name(dtype), nhwc ? "nhwc" : "nchw", fmt::join(x, ","), fmt::join(w, ","),
                     fmt::join(y, ","), fmt::join(pads, ","), fmt::join(strides, ","), fmt::join(dilations, ","),
                     static_cast<int>(activation.kind), activation.alpha, activation.beta, has_bias, has_residual,
                     residual_after_activation, alignment);
}

// FOVEA_CUDNN_GRAPH_SKIP: comma-separated classes of convolutions kept off the graph family
// (composed: activations built from several pointwise ops; spatial1: 1x1 output maps; residual:
// with a residual input; none). Default spatial1: on an H100 (cuDNN 9, 2026-11-22) a plan for
// MobileNetV3's squeeze-excitation convs (HardSigmoid, 1x1 maps) tuned at batch 2 gave wrong
// results at batch 3 even where the heuristics offered it; skipping either 1x1 maps or composed
// activations fixed it, and 1x1 maps cost the least speed.
bool graph_family_excluded(const FusedConvGraphSpec& s) {
  static const std::string skip = [] {
    const char* v = std::getenv("FOVEA_CUDNN_GRAPH_SKIP");
    return std::string(v ? v : "spatial1");
  }();
  if (skip.empty() || skip == "none") return false;
  auto has = [&](const char* what) { return skip.find(what) != std::string::npos; };
  using kernels::Activation;
  const Activation a = s.activation.kind;
  const bool composed = a == Activation::kHardSwish || a == Activation::kHardSigmoid || a == Activation::kClip ||
                        a == Activation::kLeakyRelu;
  int64_t spatial = 1;
  for (size_t i = 2; i < s.y.size(); ++i) spatial *= s.y[i];
  return (has("composed") && composed) || (has("spatial1") && spatial == 1) || (has("residual") && s.has_residual);
}

std::optional<FusedConvGraphSpec> make_fused_conv_graph_spec(const CudnnConvShape& shape, int64_t group, DType dtype,
                                                             const kernels::ActivationParams& activation,
                                                             bool has_bias, bool has_residual,
                                                             bool residual_after_activation, int64_t alignment) {
  if (group != 1 || (dtype != DType::kFloat16 && dtype != DType::kFloat32)) return std::nullopt;
  if (!has_bias && !has_residual && activation.kind == kernels::Activation::kNone) return std::nullopt;
  FusedConvGraphSpec s;
  s.dtype = dtype;
  s.nhwc = shape.nhwc;
  s.x = shape.x, s.w = shape.w, s.y = shape.y;
  s.pads.assign(shape.pads.begin(), shape.pads.end());
  s.strides.assign(shape.strides.begin(), shape.strides.end());
  s.dilations.assign(shape.dilations.begin(), shape.dilations.end());
  s.activation = activation;
  s.has_bias = has_bias, s.has_residual = has_residual, s.residual_after_activation = residual_after_activation;
  s.alignment = alignment;
  if (graph_family_excluded(s)) return std::nullopt;
  return s;
}

std::vector<int64_t> graph_tensor_strides(const Dims& dims, bool nhwc) {
  const size_t rank = dims.size();
  std::vector<int64_t> s(rank, 1);
  if (!nhwc || rank < 3) {
    for (size_t i = rank; i-- > 1;) s[i - 1] = s[i] * dims[i];
    return s;
  }
  // Memory order N, spatial..., C: C innermost, then the last spatial dim outwards, N outermost.
  int64_t stride = dims[1];
  for (size_t i = rank; i-- > 2;) {
    s[i] = stride;
    stride *= dims[i];
  }
  s[0] = stride;
  return s;
}

int64_t pointer_alignment(std::initializer_list<const void*> pointers) {
  int64_t a = 16;
  for (const void* p : pointers) {
    const auto v = reinterpret_cast<uintptr_t>(p);
    if (v == 0) continue;
    while (a > 1 && v % static_cast<uintptr_t>(a) != 0) a /= 2;
  }
  return a;
}

int fused_conv_graph_candidate_limit() {
  const char* env = std::getenv("FOVEA_CUDNN_GRAPH_CANDIDATES");
  if (!env || !*env) return 3;
  char* end = nullptr;
  const long v = std::strtol(env, &end, 10);
  if (*end != '\0' || v < 0) return 3;
  return static_cast<int>(std::min<long>(v, 64));
}

std::vector<FusedConvGraphCandidate> list_fused_conv_graph_plans(cudnnHandle_t handle, const FusedConvGraphSpec& spec,
                                                                 size_t workspace_limit, int max_count) {
  std::vector<FusedConvGraphCandidate> out;
  if (max_count <= 0) return out;
  auto graph = build_op_graph(handle, spec);
  if (!graph.is_ok()) {
    log::debug("cuDNN graph for a fused conv ({}) refused: {}", spec.key(), graph.status().message());
    return out;
  }
  const std::string spec_key = spec.key();
  const std::vector<ConfigInfo> configs = heuristic_configs(**graph, spec.dtype);
  // Finalizing may compile a kernel: stop after a few refusals past the wanted count.
  int attempts = 0;
  const int max_attempts = 3 * max_count + 2;
  for (const ConfigInfo& info : configs) {
    if (static_cast<int>(out.size()) >= max_count || attempts >= max_attempts) break;
    if (!info.accurate) continue;
    ++attempts;
    const std::string key = plan_key(handle, spec_key, info.id);
    std::shared_ptr<const FusedConvGraphPlan> plan = PlanCache::instance().find(key);
    if (!plan) {
      auto made = finalize_plan(handle, *graph, info.id);
      if (!made.is_ok()) {
        log::debug("cuDNN graph {}: {} does not finalize: {}", spec_key, info.id.to_string(), made.status().message());
        continue;
      }
      plan = std::move(made).value();
      PlanCache::instance().insert(key, plan);
    }
    if (plan->workspace_bytes > workspace_limit) continue;
    out.push_back({plan, info.id, plan->workspace_bytes});
  }
  return out;
}

bool fused_conv_graph_config_offered(const FusedConvGraphSpec& spec, const CudnnEngineConfigId& config,
                                     cudnnHandle_t handle) {
  auto graph = build_op_graph(handle, spec);
  if (!graph.is_ok()) return false;
  for (const ConfigInfo& info : heuristic_configs(**graph, spec.dtype))
    if (info.accurate && info.id == config) return true;
  return false;
}

GraphShapePolicy fused_conv_graph_shape_policy() {
  static const GraphShapePolicy policy = [] {
    const char* v = std::getenv("FOVEA_CUDNN_GRAPH_SHAPE_POLICY");
    const std::string s = v ? v : "";
    if (s == "tuned") return GraphShapePolicy::kTuned;
    if (s == "offered") return GraphShapePolicy::kOffered;
    if (!s.empty() && s != "legacy")
      log::warn("FOVEA_CUDNN_GRAPH_SHAPE_POLICY='{}' is not legacy, offered or tuned; using legacy", s);
    return GraphShapePolicy::kLegacyElsewhere;
  }();
  return policy;
}

Result<FusedConvGraphCandidate> fused_conv_graph_plan(cudnnHandle_t handle, const FusedConvGraphSpec& spec,
                                                      const CudnnEngineConfigId& config) {
  const std::string key = plan_key(handle, spec.key(), config);
  std::shared_ptr<const FusedConvGraphPlan> plan = PlanCache::instance().find(key);
  if (!plan) {
    FOVEA_ASSIGN_OR_RETURN(std::shared_ptr<const FusedConvOpGraph> graph, build_op_graph(handle, spec));
    FOVEA_ASSIGN_OR_RETURN(plan, finalize_plan(handle, std::move(graph), config));
    PlanCache::instance().insert(key, plan);
  }
  return FusedConvGraphCandidate{plan, config, plan->workspace_bytes};
}

Status execute_fused_conv_graph(cudnnHandle_t handle, const FusedConvGraphPlan& plan, const FusedConvGraphPointers& p) {
  const FusedConvOpGraph& g = *plan.graph;
  std::vector<int64_t> uids = {kUidX, kUidW, kUidY};
  std::vector<void*> ptrs = {const_cast<void*>(p.x), const_cast<void*>(p.w), p.y};
  if (g.has_bias) uids.push_back(kUidBias), ptrs.push_back(const_cast<void*>(p.bias));
  if (g.has_residual) uids.push_back(kUidResidual), ptrs.push_back(const_cast<void*>(p.residual));
  for (size_t i = 0; i < g.scalar_uids.size(); ++i)
    uids.push_back(g.scalar_uids[i]), ptrs.push_back(const_cast<float*>(&g.scalar_values[i]));
  for (size_t i = 0; i < ptrs.size(); ++i)
    if (!ptrs[i]) return internal_error("cuDNN fused conv graph: no pointer for tensor uid {}", uids[i]);
  FOVEA_ASSIGN_OR_RETURN(CudnnBackendDescriptor pack,
                         CudnnBackendDescriptor::create(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR));
  FOVEA_RETURN_IF_ERROR(pack.set_int64s(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, uids));
  FOVEA_RETURN_IF_ERROR(pack.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR,
                                 static_cast<int64_t>(ptrs.size()), ptrs.data()));
  void* ws = p.workspace;
  FOVEA_RETURN_IF_ERROR(pack.set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &ws));
  FOVEA_RETURN_IF_ERROR(pack.finalize());
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnBackendExecute(handle, plan.plan.get(), pack.get()));
  return Status::ok();
}

}  // namespace fovea::cuda
