// `fovea validate model.onnx --plan model.plan [--reference cpu|onnxruntime] [--batch N]`:
// runs the plan and a reference on the same seeded inputs and compares every output (max abs,
// max rel, cosine) with the pass rule of the plan's precision.
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "backends/cpu/cpu_executor.h"
#include "build_flags.h"
#include "commands.h"
#include "core/npy.h"
#include "engine/model_import.h"
#include "engine/shape_resolver.h"
#include "infer_inputs.h"
#include "output_comparison.h"
#ifdef FOVEA_HAVE_CUDA
#include "backends/cuda/cuda_check.h"
#include "engine/cuda/execution_context.h"
#include "gpu_engine_loader.h"
#endif

namespace fovea::cli {
namespace {

struct ValidateOptions {
  std::string model;
  std::string plan;
  std::string reference = "cpu";
  int64_t batch = 0;
  uint64_t seed = 1;
  std::string json;
};

std::string sanitized(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return out;
}

// ONNX Runtime through tools/reference/ort_reference.py (python3 with onnxruntime).
// Used by the CUDA build only.
[[maybe_unused]] Result<std::vector<Tensor>> run_onnxruntime(const std::string& model, const Graph& graph,
                                                             const std::map<std::string, Tensor>& inputs) {
  std::string script;
  if (const char* env = std::getenv("FOVEA_ORT_REFERENCE")) script = env;
  if (script.empty()) {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      auto candidate = dir / "tools" / "reference" / "ort_reference.py";
      if (std::filesystem::exists(candidate)) { script = candidate.string(); break; }
    }
  }
  if (script.empty())
    return not_found("--reference onnxruntime: tools/reference/ort_reference.py not found (set FOVEA_ORT_REFERENCE)");
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("fovea-validate-{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::string cmd = fmt::format("python3 '{}' '{}'", script, model);
  for (const auto& [name, t] : inputs) {
    const auto path = (dir / (sanitized(name) + ".input.npy")).string();
    FOVEA_RETURN_IF_ERROR(write_npy_file(path, t));
    cmd += fmt::format(" --input '{}={}'", name, path);
  }
  cmd += fmt::format(" --output-dir '{}'", dir.string());
  if (std::system(cmd.c_str()) != 0) return internal_error("onnxruntime reference failed: {}", cmd);
  std::vector<Tensor> outs;
  for (const Value* out : graph.outputs) {
    FOVEA_ASSIGN_OR_RETURN(Tensor t, read_npy_file((dir / (sanitized(out->name) + ".npy")).string()));
    outs.push_back(std::move(t));
  }
  std::filesystem::remove_all(dir);
  return outs;
}

#ifdef FOVEA_HAVE_CUDA
Status run_validate_gpu(const ValidateOptions& o) {
  FOVEA_ASSIGN_OR_RETURN(LoadedEngine loaded, load_or_build_engine(o.plan, BuildFlags{}, false));
  FOVEA_ASSIGN_OR_RETURN(Graph reference_graph, load_onnx_model(o.model));
  auto dims = profile_dims(loaded.engine->profile(), ProfilePoint::kOpt);
  if (o.batch > 0)
    for (auto& [name, d] : dims) {
      if (d.empty()) continue;
      d[0] = o.batch;
      FOVEA_RETURN_IF_ERROR(check_within_profile(loaded.engine->profile(), name, d));
    }
  ShapeOverrides overrides(dims.begin(), dims.end());
  std::vector<InputSpec> specs;
  for (const Value* in : reference_graph.inputs) specs.push_back({in->name, "random"});
  std::vector<std::string> notes;
  FOVEA_ASSIGN_OR_RETURN(auto built, build_inputs(reference_graph, specs, overrides, o.seed, &notes));
  std::map<std::string, Tensor> inputs;
  for (auto& [name, b] : built) inputs[name] = b.tensor;

  FOVEA_ASSIGN_OR_RETURN(auto ctx, loaded.engine->create_execution_context());
  cudaStream_t stream = nullptr;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  auto got = ctx->run(inputs, stream);
  cudaStreamDestroy(stream);
  if (!got.is_ok()) return got.status().with_context(o.plan);

  std::vector<Tensor> ref;
  if (o.reference == "cpu") {
    FOVEA_ASSIGN_OR_RETURN(auto ex, cpu::CpuExecutor::create(reference_graph));
    FOVEA_ASSIGN_OR_RETURN(ref, ex->run(inputs));
  } else {
    FOVEA_ASSIGN_OR_RETURN(ref, run_onnxruntime(o.model, reference_graph, inputs));
  }
  if (ref.size() != got->size()) return internal_error("the plan has {} outputs, the reference {}", got->size(), ref.size());

  std::printf("validate %s against %s (%s), inputs %s, seed %llu\n", o.plan.c_str(), o.model.c_str(),
              o.reference.c_str(), shape_signature(dims).c_str(), static_cast<unsigned long long>(o.seed));
  std::printf("  precision %s: pass when %s\n", precision_name(loaded.precision),
              loaded.precision == Precision::kFp32 ? "max rel <= 1e-3" : "cosine >= 0.999 and max rel <= 2e-2");
  bool all_pass = true;
  nlohmann::json outs = nlohmann::json::array();
  for (size_t i = 0; i < ref.size(); ++i) {
    const std::string& name = reference_graph.outputs[i]->name;
    OutputComparison c = compare_outputs(name, got.value()[i], ref[i], loaded.precision);
    all_pass &= c.pass;
    std::printf("  %-24s %s  max abs %.3e  max rel %.3e  cosine %.7f  %s%s\n", name.c_str(),
                dims_to_string(ref[i].dims()).c_str(), c.max_abs, c.max_rel, c.cosine, c.pass ? "PASS" : "FAIL ",
                c.reason.c_str());
    outs.push_back({{"name", name}, {"max_abs", c.max_abs}, {"max_rel", c.max_rel}, {"cosine", c.cosine},
                    {"pass", c.pass}});
  }
  std::printf("%s\n", all_pass ? "PASS" : "FAIL");
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << nlohmann::json{{"model", o.model}, {"plan", o.plan}, {"precision", precision_name(loaded.precision)},
                        {"reference", o.reference}, {"pass", all_pass}, {"outputs", outs}}
             .dump(2);
  }
  return all_pass ? Status::ok() : invalid_argument("{} does not match the {} reference", o.plan, o.reference);
}
#endif

Status run_validate(const ValidateOptions& o) {
#ifndef FOVEA_HAVE_CUDA
  return unsupported("this fovea was built without CUDA; `fovea validate` needs the GPU backend");
#else
  return run_validate_gpu(o);
#endif
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Compare a plan's outputs with a reference on the same inputs");
  cmd->add_option("model", opts->model, "The ONNX model the plan was built from")->required();
  cmd->add_option("--plan", opts->plan, "Plan file (or an ONNX model, built in memory in FP32)")->required();
  cmd->add_option("--reference", opts->reference, "cpu (fovea's CPU reference) or onnxruntime")
      ->check(CLI::IsMember({"cpu", "onnxruntime"}))
      ->capture_default_str();
  cmd->add_option("--batch", opts->batch, "Batch size (default: the profile's opt)")->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--seed", opts->seed, "Seed of the random inputs")->capture_default_str();
  cmd->add_option("--json", opts->json, "Write the comparison as JSON");
  cmd->callback([opts, &exit_code] {
    Status s = run_validate(*opts);
    exit_code = s.is_ok() ? 0 : report_error(s.message());
  });
}

}  // namespace fovea::cli
