// The GPU engine end to end on the bundled models: FP32 and FP16 parity with the CPU reference,
// plan round trips, refusals (mismatched or corrupted plans, batch outside the profile), CUDA
// graph replay and several contexts on one engine.
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "backends/cuda/cuda_check.h"
#include "engine/cuda/builder.h"
#include "engine/cuda/execution_context.h"
#include "engine/cuda/gpu_environment.h"
#include "engine/model_import.h"
#include "gpu_test_env.h"

namespace fovea {
namespace {

using gpu_test::model_path;

struct Stream {
  cudaStream_t s = nullptr;
  Stream() { cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking); }
  ~Stream() { cudaStreamDestroy(s); }
};

std::map<std::string, Tensor> random_inputs(const Graph& g, int64_t batch, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::map<std::string, Tensor> out;
  for (const Value* in : g.inputs) {
    Dims d;
    for (const Dim& x : *in->shape) d.push_back(x.is_known() ? x.value : batch);
    Tensor t = Tensor::allocate(DType::kFloat32, d).value();
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = u(rng);
    out[in->name] = t;
  }
  return out;
}

struct Errors {
  double max_rel = 0, cosine = 1;
};
Errors compare(const Tensor& got, const Tensor& ref) {
  EXPECT_EQ(got.dims(), ref.dims());
  double dot = 0, na = 0, nb = 0, max_abs = 0, ref_max = 0;
  for (int64_t i = 0; i < std::min(got.numel(), ref.numel()); ++i) {
    const double a = got.double_at(i), b = ref.double_at(i);
    max_abs = std::max(max_abs, std::abs(a - b));
    ref_max = std::max(ref_max, std::abs(b));
    dot += a * b, na += a * a, nb += b * b;
  }
  return {ref_max > 0 ? max_abs / ref_max : max_abs, na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 1.0};
}

std::vector<Tensor> cpu_reference(const std::string& model, const std::map<std::string, Tensor>& inputs) {
  Graph g = load_onnx_model(model).value();
  auto ex = cpu::CpuExecutor::create(g).value();
  return ex->run(inputs).value();
}

Plan build(const std::string& model, Precision p, int64_t bmin = 1, int64_t bopt = 1, int64_t bmax = 1) {
  BuildConfig c;
  c.precision = p;
  c.batch_min = bmin, c.batch_opt = bopt, c.batch_max = bmax;
  cuda::BuildOptions o;
  o.progress = false;
  auto plan = cuda::build_plan(model, c, o, nullptr);
  EXPECT_TRUE(plan.is_ok()) << plan.status().message();
  return std::move(plan).value();
}

class ModelParity : public ::testing::TestWithParam<std::tuple<std::string, Precision>> {};

TEST_P(ModelParity, MatchesCpuReference) {
  FOVEA_REQUIRE_GPU();
  const auto [name, precision] = GetParam();
  const std::string model = model_path(name);
  Plan plan = build(model, precision, 1, 2, 4);
  auto engine = cuda::engine_from_plan(std::move(plan), model);
  ASSERT_TRUE(engine.is_ok()) << engine.status().message();
  auto ctx = (*engine)->create_execution_context();
  ASSERT_TRUE(ctx.is_ok()) << ctx.status().message();
  Graph g = load_onnx_model(model).value();
  Stream stream;
  for (int64_t batch : {1, 3}) {
    auto inputs = random_inputs(g, batch, 7);
    auto ref = cpu_reference(model, inputs);
    // Three runs: direct, graph capture, graph replay — all must agree with the reference.
    for (int run = 0; run < 3; ++run) {
      auto got = (*ctx)->run(inputs, stream.s);
      ASSERT_TRUE(got.is_ok()) << got.status().message();
      ASSERT_EQ(got->size(), ref.size());
      for (size_t i = 0; i < ref.size(); ++i) {
        Errors e = compare((*got)[i], ref[i]);
        if (precision == Precision::kFp32) {
          EXPECT_LE(e.max_rel, 1e-3) << name << " output " << i << " batch " << batch << " run " << run;
        } else {
          EXPECT_GE(e.cosine, 0.999) << name << " output " << i << " batch " << batch;
          EXPECT_LE(e.max_rel, 2e-2) << name << " output " << i << " batch " << batch;
        }
        if (run == 0) std::printf("[parity] %s %s batch %lld output %zu: max_rel %.3e cosine %.7f\n", name.c_str(),
                                  precision_name(precision), static_cast<long long>(batch), i, e.max_rel, e.cosine);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    BundledModels, ModelParity,
    ::testing::Combine(::testing::Values("demo/detector.onnx", "resnet_small.onnx", "mobilenetv3_small.onnx"),
                       ::testing::Values(Precision::kFp32, Precision::kFp16)),
    [](const auto& info) {
      std::string n = std::get<0>(info.param);
      n = n.substr(0, n.find('.'));
      for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';  // gtest names: letters, digits, _
      return n + "_" + precision_name(std::get<1>(info.param));
    });

TEST(GpuPlan, RoundTripGivesTheSameOutputs) {
  FOVEA_REQUIRE_GPU();
  const std::string model = model_path("resnet_small.onnx");
  const std::string path = ::testing::TempDir() + "/resnet_small.plan";
  {
    Plan plan = build(model, Precision::kFp16);
    ASSERT_TRUE(write_plan_file(path, plan).is_ok());
  }
  Graph g = load_onnx_model(model).value();
  auto inputs = random_inputs(g, 1, 3);
  Stream stream;
  std::vector<Tensor> first;
  for (int k = 0; k < 2; ++k) {
    auto plan = read_plan_file(path);
    ASSERT_TRUE(plan.is_ok()) << plan.status().message();
    auto engine = cuda::engine_from_plan(std::move(plan).value(), path);
    ASSERT_TRUE(engine.is_ok()) << engine.status().message();
    auto ctx = (*engine)->create_execution_context().value();
    auto out = ctx->run(inputs, stream.s);
    ASSERT_TRUE(out.is_ok()) << out.status().message();
    if (k == 0) first = *out;
    else for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(compare((*out)[i], first[i]).max_rel, 0.0);
  }
}

TEST(GpuPlan, MismatchedGpuIsRefusedWithRebuildAdvice) {
  FOVEA_REQUIRE_GPU();
  Plan plan = build(model_path("resnet_small.onnx"), Precision::kFp32);
  plan.header.environment.gpu_name = "NVIDIA Imaginary 9000";
  plan.header.environment.compute_major = 7;
  auto engine = cuda::engine_from_plan(std::move(plan), "x.plan");
  ASSERT_FALSE(engine.is_ok());
  EXPECT_NE(engine.status().message().find("ebuild it with: fovea build"), std::string::npos) << engine.status().message();
}

TEST(GpuPlan, CorruptedPlanIsAnError) {
  FOVEA_REQUIRE_GPU();
  const std::string path = ::testing::TempDir() + "/corrupt.plan";
  ASSERT_TRUE(write_plan_file(path, build(model_path("resnet_small.onnx"), Precision::kFp32)).is_ok());
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  for (size_t pos : {size_t{10}, bytes.size() / 2, bytes.size() - 5}) {
    std::string bad = bytes;
    bad[pos] ^= 0x5a;
    std::ofstream(path, std::ios::binary) << bad;
    EXPECT_FALSE(read_plan_file(path).is_ok()) << "flip at " << pos;
  }
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  EXPECT_FALSE(read_plan_file(path).is_ok());
}

TEST(GpuEngine, BatchOutsideTheProfileIsRefused) {
  FOVEA_REQUIRE_GPU();
  auto engine = cuda::engine_from_plan(build(model_path("resnet_small.onnx"), Precision::kFp32, 1, 2, 4), "m");
  ASSERT_TRUE(engine.is_ok()) << engine.status().message();
  auto ctx = (*engine)->create_execution_context().value();
  const std::string input = (*engine)->graph().inputs[0]->name;
  Dims d = (*engine)->profile().at(input).max;
  d[0] = 8;
  Status s = ctx->set_input_shape(input, d);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("profile"), std::string::npos) << s.message();
}

TEST(GpuEngine, SeveralContextsRunConcurrentlyOnOneEngine) {
  FOVEA_REQUIRE_GPU();
  const std::string model = model_path("demo/detector.onnx");
  auto engine = cuda::engine_from_plan(build(model, Precision::kFp16), model).value();
  Graph g = load_onnx_model(model).value();
  constexpr int kContexts = 4;
  std::vector<std::unique_ptr<cuda::ExecutionContext>> ctxs;
  std::vector<Stream> streams(kContexts);
  std::vector<std::map<std::string, Tensor>> inputs;
  std::vector<std::vector<Tensor>> expected;
  for (int k = 0; k < kContexts; ++k) {
    ctxs.push_back(engine->create_execution_context().value());
    inputs.push_back(random_inputs(g, 1, 100 + k));
    ctxs[k]->run(inputs[k], streams[k].s).value();                       // direct run
    expected.push_back(ctxs[k]->run(inputs[k], streams[k].s).value());  // graph capture + launch, alone
  }
  // Now all at once: enqueue every context before waiting for any.
  for (int k = 0; k < kContexts; ++k) ASSERT_TRUE(ctxs[k]->enqueue(streams[k].s).is_ok());
  for (int k = 0; k < kContexts; ++k) {
    ASSERT_EQ(cudaStreamSynchronize(streams[k].s), cudaSuccess);
    auto out = ctxs[k]->output_tensor(g.outputs[0]->name).value();
    Tensor host = Tensor::allocate(out.dtype, out.dims).value();
    ASSERT_EQ(cudaMemcpy(host.raw_data(), out.data, out.nbytes(), cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_EQ(compare(host, expected[k][0]).max_rel, 0.0) << "context " << k;
  }
}

// Direct runs are deterministic, and the CUDA graph replays exactly what the direct run does.
TEST(GpuEngine, GraphReplayMatchesDirectRun) {
  FOVEA_REQUIRE_GPU();
  const std::string model = model_path("demo/detector.onnx");
  auto engine = cuda::engine_from_plan(build(model, Precision::kFp16), model).value();
  Graph g = load_onnx_model(model).value();
  auto inputs = random_inputs(g, 1, 11);
  Stream stream;
  auto ctx = engine->create_execution_context().value();
  ctx->set_cuda_graphs(false);
  auto a = ctx->run(inputs, stream.s).value();
  auto b = ctx->run(inputs, stream.s).value();
  const double direct_diff = compare(a[0], b[0]).max_rel;
  ctx->set_cuda_graphs(true);
  auto c = ctx->run(inputs, stream.s).value();  // capture + launch
  auto d = ctx->run(inputs, stream.s).value();  // replay
  EXPECT_TRUE(ctx->cuda_graphs_active());
  const double graph_diff = compare(c[0], a[0]).max_rel, replay_diff = compare(d[0], c[0]).max_rel;
  std::printf("[graph] direct vs direct %.3e, graph vs direct %.3e, replay vs graph %.3e\n", direct_diff, graph_diff,
              replay_diff);
  EXPECT_EQ(direct_diff, 0.0);
  EXPECT_EQ(graph_diff, 0.0);
  EXPECT_EQ(replay_diff, 0.0);
}

}  // namespace
}  // namespace fovea
