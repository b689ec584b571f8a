// `fovea infer model.onnx --input NAME=FILE.npy|random ... --output-dir DIR`: runs a model on the
// CPU reference executor, writes every output as <name>.npy and reports values and latency.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <map>
#include <set>

#include "backends/cpu/cpu_executor.h"
#include "build_flags.h"
#include "commands.h"
#include "core/npy.h"
#include "engine/model_import.h"
#include "infer_inputs.h"
#include "tensor_stats.h"
#include <functional>
#ifdef FOVEA_HAVE_CUDA
#include "backends/cuda/cuda_check.h"
#include "engine/cuda/execution_context.h"
#include "gpu_engine_loader.h"
#endif

namespace fovea::cli {
namespace {

struct InferOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::vector<std::string> shapes;
  std::string output_dir;
  std::string device = "cpu";
  int iterations = 1;
  int warm_up = 0;
  uint64_t seed = 0;
  bool verbose = false;
  bool fp16 = false;
  std::string timing_cache_file;
};

// Runs the inputs `warm_up + iterations` times; returns the last outputs and the timed latencies.
using RunFn = std::function<Result<std::vector<Tensor>>(const std::map<std::string, Tensor>&)>;

// Output names become file names: characters outside [A-Za-z0-9._-] are replaced by '_'.
std::string file_stem(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return out.empty() ? "_" : out;
}


void print_top_nodes(const std::vector<cpu::NodeTiming>& timings) {
  double total = 0;
  for (const auto& t : timings) total += t.milliseconds;
  std::vector<cpu::NodeTiming> sorted = timings;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.milliseconds > b.milliseconds; });
  std::printf("slowest nodes (last run, %zu nodes, %.3f ms total)\n", timings.size(), total);
  for (size_t i = 0; i < sorted.size() && i < 10; ++i)
    std::printf("  %9.3f ms  %5.1f%%  %s\n", sorted[i].milliseconds,
                total > 0 ? 100.0 * sorted[i].milliseconds / total : 0.0, sorted[i].node->describe().c_str());
  // Per op type: where a model's time goes, independent of how many nodes share it.
  std::map<std::string, std::pair<double, int>> by_op;
  for (const auto& t : timings) {
    by_op[t.node->op_type].first += t.milliseconds;
    by_op[t.node->op_type].second += 1;
  }
  std::vector<std::pair<std::string, std::pair<double, int>>> ops(by_op.begin(), by_op.end());
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  std::printf("time per op type (last run)\n");
  for (size_t i = 0; i < ops.size() && i < 10; ++i)
    std::printf("  %9.3f ms  %5.1f%%  %-20s x%d\n", ops[i].second.first,
                total > 0 ? 100.0 * ops[i].second.first / total : 0.0, ops[i].first.c_str(), ops[i].second.second);
}

Status write_outputs(const Graph& graph, const std::vector<Tensor>& outputs, const std::string& dir,
                     std::vector<std::string>& paths) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return io_error("--output-dir {}: cannot create the folder ({})", dir, ec.message());
  std::set<std::string> used;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string stem = file_stem(graph.outputs[i]->name);
    for (int k = 2; used.count(stem); ++k) stem = file_stem(graph.outputs[i]->name) + "_" + std::to_string(k);
    used.insert(stem);
    const std::string path = (std::filesystem::path(dir) / (stem + ".npy")).string();
    FOVEA_RETURN_IF_ERROR(write_npy_file(path, outputs[i]));
    paths.push_back(path);
  }
  return Status::ok();
}

// "name:1x3x640x640" for --min/opt/maxShapes.
// Used by the CUDA build only.
[[maybe_unused]] std::string shape_spec_of(const std::string& name, const Dims& d) {
  std::string s = name + ":";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "x" : "") + std::to_string(d[i]);
  return s;
}

Status run_infer(const InferOptions& o) {
  FOVEA_ASSIGN_OR_RETURN(ShapeOverrides overrides, parse_shape_overrides(o.shapes));
  FOVEA_ASSIGN_OR_RETURN(std::vector<InputSpec> specs, parse_input_specs(o.inputs));
  Graph onnx_graph;
  const Graph* graph_ptr = &onnx_graph;
  std::unique_ptr<cpu::CpuExecutor> executor;
  RunFn run;
  std::string device_note = "cpu";
#ifdef FOVEA_HAVE_CUDA
  LoadedEngine loaded;
  std::unique_ptr<cuda::ExecutionContext> gpu_ctx;
  cudaStream_t stream = nullptr;
  struct StreamGuard {
    cudaStream_t& s;
    ~StreamGuard() { if (s) cudaStreamDestroy(s); }
  } guard{stream};
#endif
  const bool gpu = o.device == "gpu";
#ifndef FOVEA_HAVE_CUDA
  if (gpu) return unsupported("--device gpu: this fovea was built without CUDA (no GPU backend); use --device cpu");
#else
  const bool plan_file = gpu && is_plan_path(o.model);
  if (plan_file) {
    FOVEA_ASSIGN_OR_RETURN(loaded, load_or_build_engine(o.model, BuildFlags{}, false));
    graph_ptr = &loaded.engine->graph();
  }
#endif
  if (graph_ptr == &onnx_graph) {
    auto g = load_onnx_model(o.model);
    if (!g.is_ok()) return g.status();
    onnx_graph = std::move(g).value();
  }
  FOVEA_RETURN_IF_ERROR(check_shape_overrides(*graph_ptr, overrides));
  std::vector<std::string> notes;
  FOVEA_ASSIGN_OR_RETURN(auto built, build_inputs(*graph_ptr, specs, overrides, o.seed, &notes));
  if (!gpu) {
    auto ex = cpu::CpuExecutor::create(onnx_graph);
    if (!ex.is_ok()) return ex.status().with_context(o.model);
    executor = std::move(ex).value();
    run = [&](const std::map<std::string, Tensor>& in) { return executor->run(in); };
  }
#ifdef FOVEA_HAVE_CUDA
  if (gpu) {
    if (!plan_file) {
      // Build for exactly these input shapes.
      BuildFlags flags;
      flags.fp16 = o.fp16;
      flags.timing_cache_file = o.timing_cache_file;
      for (const auto& [name, b] : built) {
        const std::string spec = shape_spec_of(name, b.tensor.dims());
        flags.min_shapes.push_back(spec), flags.opt_shapes.push_back(spec), flags.max_shapes.push_back(spec);
      }
      FOVEA_ASSIGN_OR_RETURN(loaded, load_or_build_engine(o.model, flags, true));
    }
    FOVEA_ASSIGN_OR_RETURN(gpu_ctx, loaded.engine->create_execution_context());
    FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    run = [&](const std::map<std::string, Tensor>& in) { return gpu_ctx->run(in, stream); };
    device_note = "gpu, " + loaded.source;
  }
#endif
  const Graph& graph = *graph_ptr;
  std::map<std::string, Tensor> inputs;
  std::printf("inputs\n");
  for (const Value* in : graph.inputs) {
    const BuiltInput& b = built.at(in->name);
    inputs[in->name] = b.tensor;
    std::printf("  %s  %s %s  from %s\n", in->name.c_str(), std::string(dtype_name(b.tensor.dtype())).c_str(),
                dims_to_string(b.tensor.dims()).c_str(), b.source.c_str());
  }
  for (const std::string& n : notes) std::printf("  assumed %s (set with --shapes)\n", n.c_str());

  using Clock = std::chrono::steady_clock;
  std::vector<Tensor> outputs;
  std::vector<double> ms;
  for (int i = 0; i < o.warm_up + o.iterations; ++i) {
    const auto start = Clock::now();
    auto result = run(inputs);
    const auto end = Clock::now();
    if (!result.is_ok()) return result.status().with_context(o.model);
    if (i >= o.warm_up) ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    outputs = std::move(result).value();
  }

  std::vector<std::string> paths;
  FOVEA_RETURN_IF_ERROR(write_outputs(graph, outputs, o.output_dir, paths));
  std::printf("outputs\n");
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& t = outputs[i];
    const TensorStats s = compute_stats(t);
    std::printf("  %s  %s %s  min %.6g  max %.6g  mean %.6g%s\n", graph.outputs[i]->name.c_str(),
                std::string(dtype_name(t.dtype())).c_str(), dims_to_string(t.dims()).c_str(), s.min, s.max, s.mean,
                s.nan_count ? fmt::format("  NaN x{}", s.nan_count).c_str() : "");
    std::printf("    first %s\n    -> %s\n", first_values(t, 8).c_str(), paths[i].c_str());
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  if (sorted.size() == 1) {
    std::printf("latency  %.3f ms (1 run, device %s)\n", sorted[0], device_note.c_str());
  } else {
    double mean = 0;
    for (double v : sorted) mean += v / static_cast<double>(sorted.size());
    std::printf("latency  median %.3f ms  p99 %.3f ms  min %.3f ms  mean %.3f ms  (%zu runs after %d warm-up, device %s)\n",
                percentile(sorted, 50), percentile(sorted, 99), sorted.front(), mean, sorted.size(), o.warm_up,
                device_note.c_str());
  }
  if (o.verbose && executor) print_top_nodes(executor->last_timings());
  return Status::ok();
}

}  // namespace

void add_infer_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<InferOptions>();
  CLI::App* cmd = app.add_subcommand("infer", "Run a model on the CPU or GPU and write its outputs as .npy files");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("--input", opts->inputs, "NAME=FILE.npy or NAME=random, once per model input")->required();
  cmd->add_option("--output-dir", opts->output_dir, "Folder for <output name>.npy files")->required();
  cmd->add_option("--shapes", opts->shapes,
                  "Input shapes NAME:1x3x640x640 for random inputs; symbolic dims default to 1");
  cmd->add_flag("--fp16", opts->fp16, "With --device gpu and an ONNX model: build in FP16");
  cmd->add_option("--timingCacheFile", opts->timing_cache_file, "With --device gpu: timing cache for the build");
  cmd->add_option("--device", opts->device, "cpu (reference) or gpu (model.onnx built in memory, or a .plan)")
      ->check(CLI::IsMember({"cpu", "gpu"}))
      ->capture_default_str();
  cmd->add_option("--iterations", opts->iterations, "Timed runs; median and p99 are reported")
      ->check(CLI::Range(1, 1000000000))
      ->capture_default_str();
  cmd->add_option("--warmUp", opts->warm_up, "Untimed runs before the timed ones")
      ->check(CLI::Range(0, 1000000000))
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed for random inputs")->capture_default_str();
  cmd->add_flag("--verbose", opts->verbose, "Print the 10 slowest nodes and op types of the last run");
  cmd->callback([opts, &exit_code] {
    Status s = run_infer(*opts);
    exit_code = s.is_ok() ? 0 : report_error(s.message());
  });
}

}  // namespace fovea::cli
