// `fovea bench model.plan|model.onnx [--batch N] [--iterations N] [--warmUp ms] [--useCudaGraph]
// [--dumpProfile] [--exportProfile F.json] [--json F]`: GPU latency and throughput of an engine,
// timed with CUDA events after warm-up, plus per-layer times from a separate profiling pass.
// With `--frame WxH[:encoding]` it times the whole frame path instead (bench_frame.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "bench_frame.h"
#include "build_flags.h"
#include "commands.h"
#include "infer_inputs.h"
#ifdef FOVEA_HAVE_CUDA
#include "backends/cuda/cuda_check.h"
#include "engine/cuda/execution_context.h"
#include "engine/shape_resolver.h"
#include "gpu_engine_loader.h"
#endif

namespace fovea::cli {
namespace {

struct BenchOptions {
  std::string model;
  int64_t batch = 0;  // 0: the profile's opt
  int iterations = 200;
  double warm_up_ms = 200;
  bool use_cuda_graph = false;
  bool dump_profile = false;
  std::string export_profile;
  std::string json;
  BuildFlags flags;
  FrameBenchOptions frame;  // used when --frame is given
};

#ifdef FOVEA_HAVE_CUDA
// Input dims for the run: the profile's opt dims with the batch (first dim) replaced.
Result<std::map<std::string, Dims>> bench_dims(const cuda::Engine& engine, int64_t batch) {
  auto dims = profile_dims(engine.profile(), ProfilePoint::kOpt);
  if (batch > 0)
    for (auto& [name, d] : dims) {
      if (d.empty()) continue;
      d[0] = batch;
      FOVEA_RETURN_IF_ERROR(check_within_profile(engine.profile(), name, d));
    }
  return dims;
}

Status run_bench_gpu(const BenchOptions& o) {
  FOVEA_RETURN_IF_ERROR(require_gpu());
  size_t free_before = 0, total = 0;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_before, &total));
  BuildFlags flags = o.flags;
  if (o.batch > 0) flags.batch = std::to_string(o.batch);
  FOVEA_ASSIGN_OR_RETURN(LoadedEngine loaded, load_or_build_engine(o.model, flags, true));
  cuda::Engine& engine = *loaded.engine;
  FOVEA_ASSIGN_OR_RETURN(auto ctx, engine.create_execution_context());
  ctx->set_cuda_graphs(o.use_cuda_graph);
  size_t free_after = 0;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemGetInfo(&free_after, &total));

  FOVEA_ASSIGN_OR_RETURN(auto dims, bench_dims(engine, o.batch));
  ShapeOverrides overrides(dims.begin(), dims.end());
  std::vector<InputSpec> specs;
  for (const Value* in : engine.graph().inputs) specs.push_back({in->name, "random"});
  std::vector<std::string> notes;
  FOVEA_ASSIGN_OR_RETURN(auto built, build_inputs(engine.graph(), specs, overrides, 0, &notes));
  std::map<std::string, Tensor> inputs;
  for (auto& [name, b] : built) inputs[name] = b.tensor;
  const int64_t batch = dims.begin()->second.empty() ? 1 : dims.begin()->second[0];

  cudaStream_t stream = nullptr;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaEvent_t start = nullptr, stop = nullptr;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(&start));
  FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(&stop));
  std::vector<double> gpu_ms, host_ms;
  std::vector<cuda::LayerTime> profile_sum;
  int profile_runs = 0;
  Status st = [&]() -> Status {
    FOVEA_RETURN_IF_ERROR(ctx->run(inputs, stream).status());  // uploads the inputs; first run
    using Clock = std::chrono::steady_clock;
    const auto warm_start = Clock::now();
    do {
      FOVEA_RETURN_IF_ERROR(ctx->enqueue(stream));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    } while (std::chrono::duration<double, std::milli>(Clock::now() - warm_start).count() < o.warm_up_ms);
    for (int i = 0; i < o.iterations; ++i) {
      const auto h0 = Clock::now();
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(start, stream));
      FOVEA_RETURN_IF_ERROR(ctx->enqueue(stream));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(stop, stream));
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(stop));
      host_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - h0).count());
      float ms = 0;
      FOVEA_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, start, stop));
      gpu_ms.push_back(ms);
    }
    if (o.dump_profile || !o.export_profile.empty()) {
      for (int i = 0; i < 20; ++i, ++profile_runs) {
        FOVEA_ASSIGN_OR_RETURN(auto layers, ctx->profile_layers(stream));
        if (profile_sum.empty()) profile_sum = layers;
        else for (size_t k = 0; k < layers.size(); ++k) profile_sum[k].milliseconds += layers[k].milliseconds;
      }
    }
    return Status::ok();
  }();
  const bool graph_active = ctx->cuda_graphs_active();
  const size_t arena = ctx->arena_bytes(), workspace = ctx->workspace_bytes();
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaStreamDestroy(stream);
  FOVEA_RETURN_IF_ERROR(st);

  std::sort(gpu_ms.begin(), gpu_ms.end());
  std::sort(host_ms.begin(), host_ms.end());
  double mean = 0;
  for (double v : gpu_ms) mean += v / static_cast<double>(gpu_ms.size());
  const double median = percentile(gpu_ms, 50), p90 = percentile(gpu_ms, 90), p99 = percentile(gpu_ms, 99);
  const double throughput = mean > 0 ? batch * 1000.0 / mean : 0;
  const size_t used = free_before > free_after ? free_before - free_after : 0;

  std::printf("engine      %s\n", loaded.source.c_str());
  std::printf("batch       %lld, inputs %s\n", static_cast<long long>(batch), shape_signature(dims).c_str());
  std::printf("CUDA graph  %s\n", graph_active ? "yes" : (o.use_cuda_graph ? "requested, not active" : "no"));
  std::printf("GPU time    median %.4f ms  p90 %.4f ms  p99 %.4f ms  max %.4f ms  mean %.4f ms  (%d runs)\n", median,
              p90, p99, gpu_ms.back(), mean, o.iterations);
  std::printf("host time   median %.4f ms  p99 %.4f ms  (enqueue to synchronize)\n", percentile(host_ms, 50),
              percentile(host_ms, 99));
  std::printf("throughput  %.1f images/s\n", throughput);
  std::printf("GPU memory  %.1f MiB (weights %.1f, activations %.1f, workspace %.1f, measured by cudaMemGetInfo)\n",
              used / 1048576.0, engine.weights_bytes() / 1048576.0, arena / 1048576.0, workspace / 1048576.0);

  nlohmann::json layers = nlohmann::json::array();
  if (!profile_sum.empty()) {
    double total_ms = 0;
    for (auto& l : profile_sum) total_ms += l.milliseconds / profile_runs;
    std::vector<cuda::LayerTime> sorted = profile_sum;
    std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.milliseconds > b.milliseconds; });
    if (o.dump_profile) {
      std::printf("per-layer profile (%d runs without a CUDA graph, %zu layers, %.4f ms per run)\n", profile_runs,
                  sorted.size(), total_ms);
      for (size_t i = 0; i < sorted.size() && i < 25; ++i) {
        const double ms = sorted[i].milliseconds / profile_runs;
        std::printf("  %8.4f ms %5.1f%%  %s\n", ms, 100.0 * ms / total_ms, sorted[i].node->describe().c_str());
      }
    }
    for (auto& l : profile_sum)
      layers.push_back({{"name", l.node->name}, {"op", l.node->op_type}, {"ms", l.milliseconds / profile_runs}});
    if (!o.export_profile.empty()) {
      std::ofstream f(o.export_profile);
      if (!f) return io_error("cannot write '{}'", o.export_profile);
      f << nlohmann::json{{"model", o.model}, {"runs", profile_runs}, {"total_ms", total_ms}, {"layers", layers}}.dump(2);
    }
  }
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    if (!f) return io_error("cannot write '{}'", o.json);
    f << nlohmann::json{{"model", o.model},
                        {"precision", precision_name(loaded.precision)},
                        {"batch", batch},
                        {"median_ms", median},
                        {"p90_ms", p90},
                        {"p99_ms", p99},
                        {"max_ms", gpu_ms.back()},
                        {"mean_ms", mean},
                        {"host_median_ms", percentile(host_ms, 50)},
                        {"throughput_ips", throughput},
                        {"gpu_memory_bytes", used},
                        {"weights_bytes", engine.weights_bytes()},
                        {"activation_bytes", arena},
                        {"cuda_graph", graph_active},
                        {"iterations", o.iterations}}
                .dump(2);
  }
  return Status::ok();
}
#endif

Status run_bench(const BenchOptions& o) {
  if (!o.frame.frame.empty()) {
    FrameBenchOptions f = o.frame;
    f.model = o.model;
    f.fp16 = o.flags.fp16;
    f.engine_cache_dir = o.flags.engine_cache_dir;
    f.iterations = o.iterations;
    f.json = o.json;
    return run_frame_bench(f);
  }
#ifndef FOVEA_HAVE_CUDA
  return unsupported("this fovea was built without CUDA; `fovea bench` needs the GPU backend");
#else
  return run_bench_gpu(o);
#endif
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Measure GPU latency and throughput of a plan or ONNX model");
  cmd->add_option("model", opts->model, "Plan file (.plan) or ONNX model (built in memory)")->required();
  cmd->add_option("--batch", opts->batch, "Batch size to run (default: the profile's opt)")->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--iterations", opts->iterations, "Timed runs")->check(CLI::Range(1, 1 << 30))->capture_default_str();
  cmd->add_option("--warmUp", opts->warm_up_ms, "Warm-up time in ms before timing")->capture_default_str();
  cmd->add_flag("--useCudaGraph", opts->use_cuda_graph, "Replay the inference as a CUDA graph");
  cmd->add_flag("--dumpProfile", opts->dump_profile, "Print per-layer times (separate profiling runs)");
  cmd->add_option("--exportProfile", opts->export_profile, "Write per-layer times as JSON");
  cmd->add_option("--json", opts->json, "Write the results as JSON");
  add_build_flags(cmd, opts->flags, /*with_batch_range=*/false);
  opts->frame.frame.clear();
  cmd->add_option("--frame", opts->frame.frame,
                  "Time the frame path end to end on a WxH[:rgb8|bgr8] frame in host memory (e.g. 1920x1080:bgr8)");
  cmd->add_option("--image", opts->frame.image, "With --frame: picture scaled to the frame (default: synthetic)");
  cmd->add_option("--device", opts->frame.device, "With --frame: gpu or cpu")
      ->check(CLI::IsMember({"gpu", "cpu"}))->capture_default_str();
  cmd->add_flag("--pinnedFrame", opts->frame.pinned_frame, "With --frame: page-lock the frame's memory (cudaHostRegister)");
  cmd->add_option("--labels", opts->frame.labels, "With --frame: labels file (one class name per line)");
  cmd->add_option("--conf", opts->frame.confidence_threshold, "With --frame: confidence threshold")->capture_default_str();
  cmd->add_option("--iou", opts->frame.nms_threshold, "With --frame: NMS IoU threshold")->capture_default_str();
  cmd->callback([opts, &exit_code] {
    Status s = run_bench(*opts);
    exit_code = s.is_ok() ? 0 : report_error(s.message());
  });
}

}  // namespace fovea::cli
