#include "engine/cuda/builder.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/kernels/gpu_spin.h"
#include "core/logging.h"
#include "core/progress_bar.h"
#include "engine/cuda/execution_context.h"
#include "engine/cuda/gpu_environment.h"
#include "engine/model_import.h"
#include "engine/timing_cache.h"
#include "passes/assign_precision.h"
#include "passes/nhwc_layout.h"
#include "passes/optimize_graph.h"

namespace fovea::cuda {

namespace {

std::vector<std::pair<DType, Dims>> tensor_signature(const std::vector<DeviceTensor>& ts) {
  std::vector<std::pair<DType, Dims>> out;
  for (const auto& t : ts) out.emplace_back(t.dtype, t.dims);
  return out;
}

// GPU time of one kernel with one tactic: median of `iterations` runs. Each run is queued behind
// a kernel that keeps the GPU busy longer than the host needs to launch it, so the events
// measure the GPU alone — at batch 1 the host's launch cost can exceed the kernel, and timing it
// would pick the algorithms that are cheapest to launch, not to run (inference replays a CUDA
// graph, where launch cost is gone).
Result<float> time_tactic(const GpuKernelEntry& kernel, GpuKernelContext::Args args, const Tactic* tactic,
                          int iterations, cudaEvent_t start, cudaEvent_t stop) {
  constexpr double kSpinMicroseconds = 300;
  std::unique_ptr<GpuNodeState> state;
  args.state = &state;
  args.tactic = tactic;
  cudaStream_t stream = args.resources.stream;
  auto run_once = [&]() -> Status {
    GpuKernelContext ctx(args);
    FOVEA_RETURN_IF_ERROR(kernel.run(ctx));
    cudaError_t e = cudaPeekAtLastError();
    if (e != cudaSuccess) {
      cudaGetLastError();
      return internal_error("launch failed: {}", cudaGetErrorString(e));
    }
    return Status::ok();
  };
  for (int w = 0; w < 2; ++w) FOVEA_RETURN_IF_ERROR(run_once());  // also builds the kernel's state
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  std::vector<float> times;
  for (int i = 0; i < iterations; ++i) {
    FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_gpu_spin(kSpinMicroseconds, stream));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(start, stream));
    FOVEA_RETURN_IF_ERROR(run_once());
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(stop, stream));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(stop));
    float ms = 0;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

}  // namespace

// One candidate graph for the plan: passes, precision and layout applied.
Result<Graph> prepare_variant(const std::string& onnx_path, const BuildConfig& config, const BuildOptions& options,
                              bool nhwc, BuildReport& rep) {
  FOVEA_ASSIGN_OR_RETURN(Graph graph, load_onnx_model(onnx_path));
  if (options.optimize) {
    FOVEA_ASSIGN_OR_RETURN(PassReport passes, optimize_graph(graph, PassOptions{}));
    rep.pass_report = passes.to_string();
  }
  if (config.precision == Precision::kFp16 || !config.layer_precision.empty()) {
    FOVEA_ASSIGN_OR_RETURN(rep.fp16_layers, assign_precision(graph, config.precision, config.layer_precision));
  }
  if (nhwc) FOVEA_RETURN_IF_ERROR(convert_to_nhwc(graph).status());
  rep.layers = static_cast<int>(graph.nodes().size());
  return graph;
}

// Median latency of the whole inference at the opt shapes (CUDA graph replay, random inputs).
Result<double> measure_latency(std::shared_ptr<Engine> engine, int iterations) {
  FOVEA_ASSIGN_OR_RETURN(auto ctx, engine->create_execution_context());
  std::map<std::string, Tensor> inputs;
  for (const auto& [name, d] : profile_dims(engine->profile(), ProfilePoint::kOpt)) {
    const Value* v = engine->graph().find_value(name);
    FOVEA_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(v->dtype, d));
    inputs[name] = t;  // zeros: valid for every dtype, shape inputs excepted
  }
  if (!engine->host_inputs().empty()) return unsupported("latency of engines with host inputs");
  cudaStream_t stream = nullptr;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaEvent_t start = nullptr, stop = nullptr;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  std::vector<float> times;
  Status st = [&]() -> Status {
    FOVEA_RETURN_IF_ERROR(ctx->run(inputs, stream).status());
    for (int i = 0; i < iterations + 3; ++i) {
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(start, stream));
      FOVEA_RETURN_IF_ERROR(ctx->enqueue(stream));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(stop, stream));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(stop));
      float ms = 0;
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, start, stop));
      if (i >= 3) times.push_back(ms);
    }
    return Status::ok();
  }();
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaStreamDestroy(stream);
  FOVEA_RETURN_IF_ERROR(st);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return static_cast<double>(times[times.size() / 2]);
}

struct Variant {
  Graph graph;
  std::map<std::string, Tactic> tactics;
  BuildReport report;
  double latency_ms = 0;
};

// Times the tactics of one candidate graph, then the whole inference with the chosen tactics.
Result<Variant> build_variant(Graph graph, BuildReport rep, const BuildConfig& config, const BuildOptions& options,
                              TimingCache& cache) {
  // Time the tactics of every conv/gemm-like layer at the opt shapes, in a real context.
  FOVEA_ASSIGN_OR_RETURN(std::shared_ptr<Engine> engine, Engine::create(std::move(graph), {}, config));
  std::map<std::string, Tactic> chosen;
  {
    FOVEA_ASSIGN_OR_RETURN(auto ctx, engine->create_execution_context());
    FOVEA_ASSIGN_OR_RETURN(auto act, ctx->activation_bytes());
    rep.peak_activation_bytes = act.first;
    rep.naive_activation_bytes = act.second;
    cudaStream_t stream = nullptr;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    cudaEvent_t start = nullptr, stop = nullptr;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(&start));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(&stop));
    Status st = [&]() -> Status {
      FOVEA_ASSIGN_OR_RETURN(auto steps, ctx->step_args(stream));
      std::vector<std::pair<size_t, GpuKernelContext::Args>*> tuned;
      for (auto& s : steps)
        if (engine->kernel(s.first).tactics) tuned.push_back(&s);
      rep.tactic_layers = static_cast<int>(tuned.size());
      ProgressBar bar("timing tactics", static_cast<int>(tuned.size()), options.progress);
      int done = 0;
      for (auto* s : tuned) {
        const GpuKernelEntry& kernel = engine->kernel(s->first);
        GpuKernelContext::Args& args = s->second;
        const Node& node = *args.node;
        bar.update(done++, node.name);
        const std::string key =
            layer_signature(node, tensor_signature(args.inputs), tensor_signature(args.outputs));
        if (const TimingCacheEntry* hit = cache.find(key)) {
          chosen[node.name] = hit->tactic;
          ++rep.timing_cache_hits;
          continue;
        }
        std::unique_ptr<GpuNodeState> state;
        args.state = &state;
        GpuKernelContext list_ctx(args);
        FOVEA_ASSIGN_OR_RETURN(std::vector<Tactic> candidates, kernel.tactics(list_ctx));
        std::optional<TimingCacheEntry> best;
        std::string tried;
        for (const Tactic& t : candidates) {
          if (t.workspace_bytes > args.resources.workspace_bytes) continue;
          auto ms = time_tactic(kernel, args, &t, options.timing_iterations, start, stop);
          if (!ms.is_ok()) {
            log::debug("{}: tactic {} failed: {}", node.describe(), t.name, ms.status().message());
            continue;
          }
          tried += fmt::format(" {}={:.3f}ms", t.name, ms.value());
          if (!best || ms.value() < best->milliseconds) best = TimingCacheEntry{t, ms.value()};
        }
        if (!best) return unsupported("{}: none of its {} tactics ran at the opt shapes", node.describe(), candidates.size());
        log::debug("{}:{} -> {}", node.describe(), tried, best->tactic.name);
        chosen[node.name] = best->tactic;
        cache.insert(key, *best);
        ++rep.tactics_timed;
      }
      bar.update(done);
      bar.finish();
      // What a context allocates: the arena at the profile's max shapes.
      for (const auto& [name, d] : profile_dims(engine->profile(), ProfilePoint::kMax))
        FOVEA_RETURN_IF_ERROR(ctx->set_input_shape(name, d));
      FOVEA_ASSIGN_OR_RETURN(auto max_act, ctx->activation_bytes());
      rep.max_activation_bytes = max_act.first;
      return Status::ok();
    }();
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaStreamDestroy(stream);
    FOVEA_RETURN_IF_ERROR(st);
  }
  rep.weights_bytes = engine->weights_bytes();

  Variant v;
  v.tactics = chosen;
  FOVEA_ASSIGN_OR_RETURN(Graph timed_graph, Engine::into_graph(std::move(engine)));
  FOVEA_ASSIGN_OR_RETURN(std::shared_ptr<Engine> tuned, Engine::create(std::move(timed_graph), chosen, config));
  auto latency = measure_latency(tuned, 20);
  if (!latency.is_ok()) log::debug("inference latency not measured: {}", latency.status().message());
  v.latency_ms = latency.is_ok() ? latency.value() : std::numeric_limits<double>::infinity();
  FOVEA_ASSIGN_OR_RETURN(v.graph, Engine::into_graph(std::move(tuned)));
  v.report = rep;
  return v;
}

Result<Plan> build_plan(const std::string& onnx_path, const BuildConfig& config, const BuildOptions& options,
                        BuildReport* report) {
  const auto t0 = std::chrono::steady_clock::now();
  std::ifstream f(onnx_path, std::ios::binary);
  if (!f) return io_error("cannot open '{}'", onnx_path);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string onnx_hash = hash_model_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())));

  FOVEA_ASSIGN_OR_RETURN(PlanEnvironment env, current_environment());
  TimingCache cache(environment_key(env));
  if (!options.timing_cache_path.empty()) {
    FOVEA_ASSIGN_OR_RETURN(cache, TimingCache::load(options.timing_cache_path, environment_key(env)));
  }

  // The layout is chosen like a tactic: FP16 graphs are built in NCHW and, where the NHWC pass
  // converts anything, in NHWC too; the one whose whole inference is faster at the opt shapes wins.
  std::vector<bool> layouts = {false};
  if (options.optimize && config.precision == Precision::kFp16 && options.layout != "nchw") layouts.push_back(true);
  if (options.layout == "nhwc") layouts = {true};
  if (options.layout != "auto" && options.layout != "nchw" && options.layout != "nhwc")
    return invalid_argument("layout '{}': expected auto, nchw or nhwc", options.layout);
  std::optional<Variant> best;
  std::string layout_report;
  for (bool nhwc : layouts) {
    BuildReport rep;
    FOVEA_ASSIGN_OR_RETURN(Graph graph, prepare_variant(onnx_path, config, options, nhwc, rep));
    if (nhwc) {
      bool converted = false;
      for (const auto& n : graph.nodes()) converted |= n->find_attribute("layout") != nullptr;
      if (!converted) break;
    }
    auto v = build_variant(std::move(graph), rep, config, options, cache);
    if (!v.is_ok()) {
      if (!nhwc) return v.status();
      log::warn("NHWC variant of {} failed ({}); keeping NCHW", onnx_path, v.status().message());
      break;
    }
    layout_report += fmt::format("{}{} {:.3f} ms", layout_report.empty() ? "" : ", ", nhwc ? "nhwc" : "nchw",
                                 v->latency_ms);
    v->report.layout = nhwc ? "nhwc" : "nchw";
    if (!best || v->latency_ms < best->latency_ms) best = std::move(v).value();
  }
  if (!best) return invalid_argument("{}: the NHWC pass converts nothing in this model; build with --layout nchw", onnx_path);
  BuildReport rep = best->report;
  rep.layout_report = layout_report;
  rep.opt_latency_ms = best->latency_ms;
  if (!options.timing_cache_path.empty()) FOVEA_RETURN_IF_ERROR(cache.save(options.timing_cache_path));

  Plan plan;
  plan.header.fovea_version = FOVEA_VERSION;
  plan.header.environment = env;
  plan.header.build_options_json = config.to_json();
  plan.header.onnx_hash = onnx_hash;
  plan.header.source_model = onnx_path;
  plan.tactics = std::move(best->tactics);
  plan.memory_report = fmt::format(
      "activations: {:.2f} MiB planned at the opt shapes (naive sum {:.2f} MiB), {:.2f} MiB at the max shapes; "
      "weights {:.2f} MiB; layout {} ({})",
      rep.peak_activation_bytes / 1048576.0, rep.naive_activation_bytes / 1048576.0,
      rep.max_activation_bytes / 1048576.0, rep.weights_bytes / 1048576.0, rep.layout, layout_report);
  plan.graph = std::move(best->graph);
  rep.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report) *report = rep;
  return plan;
}

Result<std::shared_ptr<Engine>> engine_from_plan(Plan plan, const std::string& plan_path) {
  FOVEA_ASSIGN_OR_RETURN(PlanEnvironment env, current_environment());
  FOVEA_RETURN_IF_ERROR(check_plan_compatible(plan.header, env, plan_path));
  FOVEA_ASSIGN_OR_RETURN(BuildConfig config, BuildConfig::from_json(plan.header.build_options_json));
  return Engine::create(std::move(plan.graph), std::move(plan.tactics), std::move(config));
}

}  // namespace fovea::cuda
