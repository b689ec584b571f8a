// The cuDNN graph-API tactic of fovea.FusedConv (src/backends/cuda/cudnn_fused_conv_graph.h)
// against the CPU reference (the fovea.FusedConv CPU kernel): every activation with and without a
// residual (before / after the activation), 1x1 and 3x3 convs at stride 1 and 2 (and asymmetric
// pads, staged), batch 1 and 8, NCHW and NHWC, FP16 and FP32; grouped convs list no graph tactic;
// a tactic forced by id (as a plan file gives it) runs on another handle and inside a CUDA graph;
// an unusable one falls back to the default algorithm; every listed candidate runs.
//
// The node runs through the conv kernel entry exactly as an execution context runs it (tactics
// listed, then run in a fresh node state). Where cuDNN offers no graph plan for a case, the case is
// reported, not failed, except for the FP16 NHWC SiLU / ReLU convs the models need.
#include <cuda_fp16.h>
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/gpu_kernel.h"
#include "gpu_test_env.h"

namespace fovea::cuda {
namespace {

constexpr const char* kGraphPrefix = "cudnn-graph:";
bool is_graph_tactic(const Tactic& t) { return t.name.rfind(kGraphPrefix, 0) == 0; }

// The stream, handle and workspace an execution context lends its kernels.
struct GpuEnv {
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  void* workspace = nullptr;
  size_t workspace_bytes = size_t{64} << 20;
  GpuEnv() {
    EXPECT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
    EXPECT_EQ(cudnnCreate(&cudnn), CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(cudnnSetStream(cudnn, stream), CUDNN_STATUS_SUCCESS);
    EXPECT_EQ(cudaMalloc(&workspace, workspace_bytes), cudaSuccess);
  }
  ~GpuEnv() {
    cudaFree(workspace);
    cudnnDestroy(cudnn);
    cudaStreamDestroy(stream);
  }
};

// Sets FOVEA_CUDNN_GRAPH_CANDIDATES for a scope.
struct CandidateLimit {
  explicit CandidateLimit(const char* v) { setenv("FOVEA_CUDNN_GRAPH_CANDIDATES", v, 1); }
  ~CandidateLimit() { unsetenv("FOVEA_CUDNN_GRAPH_CANDIDATES"); }
};

struct DeviceBuffer {
  void* ptr = nullptr;
  size_t count = 0;
  bool half = false;
  DeviceBuffer(const std::vector<float>& v, bool f16) : count(v.size()), half(f16) {
    EXPECT_EQ(cudaMalloc(&ptr, std::max<size_t>(count, 1) * (half ? 2 : 4)), cudaSuccess);
    if (half) {
      std::vector<__half> h(count);
      for (size_t i = 0; i < count; ++i) h[i] = __float2half(v[i]);
      EXPECT_EQ(cudaMemcpy(ptr, h.data(), count * 2, cudaMemcpyHostToDevice), cudaSuccess);
    } else {
      EXPECT_EQ(cudaMemcpy(ptr, v.data(), count * 4, cudaMemcpyHostToDevice), cudaSuccess);
    }
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { cudaFree(ptr); }
  void poison(cudaStream_t s) { EXPECT_EQ(cudaMemsetAsync(ptr, 0xff, count * (half ? 2 : 4), s), cudaSuccess); }  // NaN
  std::vector<float> read() const {
    std::vector<float> out(count);
    if (half) {
      std::vector<__half> h(count);
      EXPECT_EQ(cudaMemcpy(h.data(), ptr, count * 2, cudaMemcpyDeviceToHost), cudaSuccess);
      for (size_t i = 0; i < count; ++i) out[i] = __half2float(h[i]);
    } else {
      EXPECT_EQ(cudaMemcpy(out.data(), ptr, count * 4, cudaMemcpyDeviceToHost), cudaSuccess);
    }
    return out;
  }
};

struct ConvCase {
  int64_t n = 2, c = 16, k = 32, h = 10, w = 10, kernel = 3, stride = 1, pad = 1;
  bool same_upper = false;  // asymmetric pads: the input is staged
  int64_t group = 1;
  bool nhwc = true;
  bool half = true;
  std::string activation = "SiLU";
  std::vector<float> params;  // activation_alpha [, activation_beta]
  bool bias = true;
  int residual = 0;  // 0 none, 1 before the activation, 2 after

  std::string label() const {
    static const char* const kResidual[] = {"", "+z", "+z_after"};
    return fmt::format("{} {} n{} c{} k{} {}x{} s{}{}{} {}{}{}", half ? "fp16" : "fp32", nhwc ? "nhwc" : "nchw", n, c,
                       k, kernel, kernel, stride, same_upper ? " same_upper" : "", group > 1 ? " grouped" : "",
                       activation.empty() ? "none" : activation, bias ? "+b" : "", kResidual[residual]);
  }
};

std::vector<float> random_values(size_t n, uint32_t seed, float scale, bool round_to_half) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = round_to_half ? __half2float(__float2half(u(rng))) : u(rng);
  return v;
}

Tensor host_tensor(const Dims& dims, const std::vector<float>& v) {
  Tensor t = Tensor::allocate(DType::kFloat32, dims).value();
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

// One FusedConv node, its inputs on the host and the device, and the CPU reference output.
class ConvProblem {
 public:
  explicit ConvProblem(const ConvCase& c) : c_(c) {
    const int64_t cg = c.c / c.group;
    node_ = graph_.add_node("conv", "FusedConv");
    node_->domain = "fovea";
    node_->set_attribute("kernel_shape", Dims{c.kernel, c.kernel});
    node_->set_attribute("strides", Dims{c.stride, c.stride});
    if (c.same_upper) node_->set_attribute("auto_pad", std::string("SAME_UPPER"));
    else node_->set_attribute("pads", Dims{c.pad, c.pad, c.pad, c.pad});
    node_->set_attribute("group", c.group);
    if (!c.activation.empty()) node_->set_attribute("activation", c.activation);
    if (!c.params.empty()) node_->set_attribute("activation_alpha", c.params[0]);
    if (c.params.size() > 1) node_->set_attribute("activation_beta", c.params[1]);
    if (c.residual == 2) node_->set_attribute("residual_after_activation", int64_t{1});
    node_->set_attribute("layout", std::string(c.nhwc ? "NHWC" : "NCHW"));
    const Dims xd = c.nhwc ? Dims{c.n, c.h, c.w, c.c} : Dims{c.n, c.c, c.h, c.w};
    const Dims wd = c.nhwc ? Dims{c.k, c.kernel, c.kernel, cg} : Dims{c.k, cg, c.kernel, c.kernel};
    const float wscale = 4.0f / std::sqrt(static_cast<float>(cg * c.kernel * c.kernel));  // outputs ~ N(0, 1.3)
    x_ = host_tensor(xd, random_values(element_count(xd), 1, 1.f, c.half));
    w_ = host_tensor(wd, random_values(element_count(wd), 2, wscale, c.half));
    b_ = host_tensor({c.k}, random_values(c.k, 3, 1.f, c.half));
    node_->inputs = {*graph_.add_value("x"), *graph_.add_value("w"), c.bias ? *graph_.add_value("b") : nullptr};
    node_->outputs = {*graph_.add_value("y")};
    // The output's dims come from a reference run without Z; Z takes them.
    std::vector<const Tensor*> in = {&x_, &w_, c.bias ? &b_ : nullptr};
    if (c.residual) {
      node_->set_attribute("residual_after_activation", int64_t{0});
      auto probe = cpu::run_node(*node_, 17, in);
      EXPECT_TRUE(probe.is_ok()) << probe.status().to_string();
      const Dims yd = (*probe)[0].dims();
      z_ = host_tensor(yd, random_values(element_count(yd), 4, 1.f, c.half));
      node_->set_attribute("residual_after_activation", int64_t{c.residual == 2 ? 1 : 0});
      node_->inputs.push_back(*graph_.add_value("z"));
      in.push_back(&z_);
    } else if (!c.bias) {
      node_->inputs.pop_back();
      in.pop_back();
    }
    auto ref = cpu::run_node(*node_, 17, in);
    EXPECT_TRUE(ref.is_ok()) << ref.status().to_string();
    ref_ = (*ref)[0];
    const auto as_vec = [](const Tensor& t) {
      return std::vector<float>(t.data<float>(), t.data<float>() + t.numel());
    };
    dx_ = std::make_unique<DeviceBuffer>(as_vec(x_), c.half);
    dw_ = std::make_unique<DeviceBuffer>(as_vec(w_), c.half);
    db_ = std::make_unique<DeviceBuffer>(as_vec(b_), c.half);
    dz_ = std::make_unique<DeviceBuffer>(c.residual ? as_vec(z_) : std::vector<float>(1, 0.f), c.half);
    dy_ = std::make_unique<DeviceBuffer>(std::vector<float>(static_cast<size_t>(ref_.numel()), 0.f), c.half);
  }

  GpuKernelContext::Args args(const GpuEnv& env, cudnnHandle_t handle, const Tactic* t,
                              std::unique_ptr<GpuNodeState>* state) const {
    const DType dt = c_.half ? DType::kFloat16 : DType::kFloat32;
    GpuKernelContext::Args a;
    a.node = node_;
    a.opset = 17;
    a.inputs = {DeviceTensor{dx_->ptr, dt, x_.dims()}, DeviceTensor{dw_->ptr, dt, w_.dims()}};
    if (c_.bias || c_.residual) a.inputs.push_back(c_.bias ? DeviceTensor{db_->ptr, dt, b_.dims()} : DeviceTensor{});
    if (c_.residual) a.inputs.push_back(DeviceTensor{dz_->ptr, dt, z_.dims()});
    a.host_inputs.assign(a.inputs.size(), nullptr);
    a.outputs = {DeviceTensor{dy_->ptr, dt, ref_.dims()}};
    a.resources = GpuResources{env.stream, handle, nullptr, env.workspace, env.workspace_bytes};
    a.tactic = t;
    a.state = state;
    return a;
  }

  // The tactics the conv kernel lists; `keep` is the listing's state (it holds the graph plans).
  std::vector<Tactic> list(const GpuEnv& env, std::unique_ptr<GpuNodeState>& keep) const {
    GpuKernelContext ctx(args(env, env.cudnn, nullptr, &keep));
    auto t = kernel()->tactics(ctx);
    EXPECT_TRUE(t.is_ok()) << t.status().to_string();
    return t.is_ok() ? *t : std::vector<Tactic>{};
  }

  // Runs with tactic `t` in `state` (fresh unless given), checks the output against the CPU
  // reference, and returns the name of the tactic that actually ran.
  std::string run_and_check(const GpuEnv& env, const Tactic* t, cudnnHandle_t handle = nullptr,
                            std::unique_ptr<GpuNodeState>* state = nullptr) const {
    std::unique_ptr<GpuNodeState> fresh;
    if (!state) state = &fresh;
    dy_->poison(env.stream);
    GpuKernelContext ctx(args(env, handle ? handle : env.cudnn, t, state));
    const Status s = kernel()->run(ctx);
    EXPECT_TRUE(s.is_ok()) << c_.label() << ": " << s.to_string();
    EXPECT_EQ(cudaStreamSynchronize(env.stream), cudaSuccess);
    check_output(t ? t->name : "default");
    return conv_running_tactic_name(state->get()).value_or("(none)");
  }

  void check_output(const std::string& what) const {
    const std::vector<float> got = dy_->read();
    const float* want = ref_.data<float>();
    // FP16: the output's rounding (2^-11 relative) and FP32 accumulation in another order; FP32: FMA only.
    const float tol = c_.half ? 1e-2f : 1e-4f;
    ASSERT_EQ(got.size(), static_cast<size_t>(ref_.numel()));
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], want[i], tol * std::max(1.0f, std::abs(want[i])))
          << c_.label() << " tactic " << what << " element " << i;
  }

  const ConvCase& config() const { return c_; }
  DeviceBuffer& output() const { return *dy_; }
  static const GpuKernelEntry* kernel() { return find_gpu_kernel("fovea", "FusedConv"); }

 private:
  ConvCase c_;
  Graph graph_;
  Node* node_ = nullptr;
  Tensor x_, w_, b_, z_, ref_;
  std::unique_ptr<DeviceBuffer> dx_, dw_, db_, dz_, dy_;
};

// Lists the case's tactics and runs its first graph tactic; false when none was listed.
bool run_first_graph_tactic(const GpuEnv& env, const ConvCase& c) {
  SCOPED_TRACE(c.label());
  ConvProblem p(c);
  std::unique_ptr<GpuNodeState> keep;
  const std::vector<Tactic> tactics = p.list(env, keep);
  auto it = std::find_if(tactics.begin(), tactics.end(), is_graph_tactic);
  if (it == tactics.end()) return false;
  EXPECT_EQ(p.run_and_check(env, &*it), it->name) << "the graph tactic fell back";
  return true;
}

void report_missing(const char* test, const std::vector<std::string>& missing) {
  std::printf("[%s] %zu case(s) without a cuDNN graph plan:\n", test, missing.size());
  for (const auto& m : missing) std::printf("    %s\n", m.c_str());
}

struct ActivationCase {
  const char* name;
  std::vector<float> params;
};
const ActivationCase kActivations[] = {{"", {}},          {"Relu", {}},      {"LeakyRelu", {0.1f}},
                                       {"Sigmoid", {}},   {"SiLU", {}},      {"HardSwish", {}},
                                       {"HardSigmoid", {0.2f, 0.5f}},        {"Clip", {0.f, 6.f}},
                                       {"Tanh", {}}};

TEST(GpuFusedConvGraph, EveryActivationAndResidualMatchesTheCpuReference) {
  FOVEA_REQUIRE_GPU();
  GpuEnv env;
  CandidateLimit limit("1");
  std::vector<std::string> missing;
  struct Variant {
    bool nhwc, half;
    std::vector<int> residuals;
  };
  const Variant variants[] = {{true, true, {0, 1, 2}}, {false, true, {0, 2}}, {false, false, {0, 2}}};
  for (const Variant& v : variants) {
    for (const ActivationCase& a : kActivations) {
      for (int residual : v.residuals) {
        ConvCase c;
        c.nhwc = v.nhwc, c.half = v.half, c.activation = a.name, c.params = a.params, c.residual = residual;
        const bool ran = run_first_graph_tactic(env, c);
        if (!ran) missing.push_back(c.label());
        // The convs YOLOv8 (SiLU) and ResNet (ReLU) are made of must have one.
        const std::string act = a.name;
        if (v.nhwc && v.half && (act == "SiLU" || act == "Relu")) {
          EXPECT_TRUE(ran) << c.label();
        }
      }
    }
    ConvCase no_bias;  // Z present, B omitted
    no_bias.nhwc = v.nhwc, no_bias.half = v.half, no_bias.bias = false, no_bias.residual = 2;
    if (!run_first_graph_tactic(env, no_bias)) missing.push_back(no_bias.label());
  }
  report_missing("activations", missing);
}

TEST(GpuFusedConvGraph, ShapesBatchesLayoutsAndDtypes) {
  FOVEA_REQUIRE_GPU();
  GpuEnv env;
  CandidateLimit limit("1");
  struct Shape {
    int64_t c, k, h, w, kernel, stride, pad;
    bool same_upper;
  };
  const Shape shapes[] = {
      {16, 24, 12, 12, 1, 1, 0, false},  // 1x1
      {16, 32, 12, 11, 3, 1, 1, false},  // 3x3 stride 1
      {16, 32, 12, 12, 3, 2, 1, false},  // 3x3 stride 2 (YOLO downsampling)
      {8, 16, 12, 12, 3, 2, 0, true},    // SAME_UPPER on an even input: pads 0 / 1, staged
  };
  std::vector<std::string> missing;
  int i = 0;
  for (const Shape& s : shapes)
    for (int64_t n : {1, 8})
      for (bool nhwc : {true, false})
        for (bool half : {true, false}) {
          ConvCase c;
          c.n = n, c.c = s.c, c.k = s.k, c.h = s.h, c.w = s.w, c.kernel = s.kernel, c.stride = s.stride, c.pad = s.pad;
          c.same_upper = s.same_upper, c.nhwc = nhwc, c.half = half;
          // Alternately YOLO's (SiLU, residual after) and ResNet's (ReLU, residual before) epilogue.
          const bool yolo = i++ % 2 == 0;
          c.activation = yolo ? "SiLU" : "Relu";
          c.residual = yolo ? 2 : 1;
          const bool ran = run_first_graph_tactic(env, c);
          if (!ran) missing.push_back(c.label());
          if (nhwc && half) {
            EXPECT_TRUE(ran) << c.label();
          }
        }
  report_missing("shapes", missing);
}

TEST(GpuFusedConvGraph, GroupedConvolutionsListNoGraphTactic) {
  FOVEA_REQUIRE_GPU();
  GpuEnv env;
  for (int64_t group : {2, 16}) {  // grouped, depthwise
    ConvCase c;
    c.c = 16, c.k = 16, c.group = group;
    SCOPED_TRACE(c.label());
    ConvProblem p(c);
    std::unique_ptr<GpuNodeState> keep;
    const std::vector<Tactic> tactics = p.list(env, keep);
    ASSERT_FALSE(tactics.empty());
    for (const Tactic& t : tactics) EXPECT_FALSE(is_graph_tactic(t)) << t.name;
    p.run_and_check(env, &tactics.front());
  }
}

TEST(GpuFusedConvGraph, TacticForcedByIdRunsOnAnotherHandleAndInACudaGraph) {
  FOVEA_REQUIRE_GPU();
  GpuEnv env;
  ConvCase c;  // a YOLOv8 bottleneck conv: SiLU, residual after
  c.n = 1, c.c = 32, c.k = 32, c.h = 20, c.w = 20, c.residual = 2;
  ConvProblem p(c);
  Tactic forced;
  {
    std::unique_ptr<GpuNodeState> keep;
    const std::vector<Tactic> tactics = p.list(env, keep);
    auto it = std::find_if(tactics.begin(), tactics.end(), is_graph_tactic);
    ASSERT_NE(it, tactics.end()) << "no cuDNN graph plan for " << c.label();
    forced = Tactic{it->name, it->id, it->workspace_bytes};  // only what a plan file keeps
  }  // the listing's plans are released: the forced tactic rebuilds its own
  std::printf("[forced] %s id %lld workspace %zu\n", forced.name.c_str(), static_cast<long long>(forced.id),
              forced.workspace_bytes);

  // A new handle, as a new execution context has.
  cudnnHandle_t other = nullptr;
  ASSERT_EQ(cudnnCreate(&other), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(cudnnSetStream(other, env.stream), CUDNN_STATUS_SUCCESS);
  std::unique_ptr<GpuNodeState> state;
  EXPECT_EQ(p.run_and_check(env, &forced, other, &state), forced.name);

  // Captured into a CUDA graph (the second run of a setup), then replayed.
  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaStreamBeginCapture(env.stream, cudaStreamCaptureModeThreadLocal), cudaSuccess);
  GpuKernelContext ctx(p.args(env, other, &forced, &state));
  const Status captured = ConvProblem::kernel()->run(ctx);
  ASSERT_EQ(cudaStreamEndCapture(env.stream, &graph), cudaSuccess);
  ASSERT_TRUE(captured.is_ok()) << captured.to_string();
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess);
  for (int replay = 0; replay < 2; ++replay) {
    p.output().poison(env.stream);
    ASSERT_EQ(cudaGraphLaunch(exec, env.stream), cudaSuccess);
    ASSERT_EQ(cudaStreamSynchronize(env.stream), cudaSuccess);
    p.check_output("graph replay");
  }
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  state.reset();
  cudnnDestroy(other);
}

TEST(GpuFusedConvGraph, UnusableGraphTacticFallsBackToTheDefault) {
  FOVEA_REQUIRE_GPU();
  GpuEnv env;
  ConvCase c;
  c.residual = 2;
  ConvProblem p(c);
  std::unique_ptr<GpuNodeState> keep;
  const std::vector<Tactic> tactics = p.list(env, keep);
  ASSERT_FALSE(tactics.empty());
  // A well-formed id of an engine that does not exist (another cuDNN's plan, say)...
  ConvTacticChoice missing;
  missing.graph = CudnnEngineConfigId{65000, {}};
  const Tactic gone{conv_tactic_name(missing, false), encode_conv_tactic(missing), 0};
  EXPECT_EQ(p.run_and_check(env, &gone), tactics.front().name);
  // ... and one whose name does not match its id.
  const Tactic tampered{"cudnn-graph:engine1", gone.id, 0};
  EXPECT_EQ(p.run_and_check(env, &tampered), tactics.front().name);
}

TEST(GpuFusedConvGraph, EveryListedCandidateRuns) {
  FOVEA_REQUIRE_GPU();
  GpuEnv env;
  ConvCase yolo;  // FP16 NHWC, 3x3, SiLU + bias
  yolo.n = 1, yolo.c = 32, yolo.k = 64, yolo.h = 20, yolo.w = 20;
  ConvCase resnet;  // FP32 NCHW, ReLU, residual before
  resnet.nhwc = false, resnet.half = false, resnet.activation = "Relu", resnet.residual = 1;
  ConvCase mobilenet;  // FP16 NHWC 1x1 HardSwish
  mobilenet.kernel = 1, mobilenet.pad = 0, mobilenet.activation = "HardSwish", mobilenet.c = 24, mobilenet.k = 72;
  for (const ConvCase& c : {yolo, resnet, mobilenet}) {
    SCOPED_TRACE(c.label());
    ConvProblem p(c);
    std::unique_ptr<GpuNodeState> keep;
    const std::vector<Tactic> tactics = p.list(env, keep);
    ASSERT_FALSE(tactics.empty());
    std::set<int64_t> ids;
    int graph_tactics = 0;
    for (const Tactic& t : tactics) {
      EXPECT_TRUE(ids.insert(t.id).second) << "duplicate id " << t.id << " (" << t.name << ")";
      EXPECT_EQ(p.run_and_check(env, &t), t.name) << "tactic " << t.name << " did not run as listed";
      graph_tactics += is_graph_tactic(t);
    }
    std::printf("[candidates] %s: %zu tactics, %d graph\n", c.label().c_str(), tactics.size(), graph_tactics);
    for (const Tactic& t : tactics) std::printf("    %s (workspace %zu)\n", t.name.c_str(), t.workspace_bytes);
  }
}

}  // namespace
}  // namespace fovea::cuda
