#include "conformance_case.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "engine/model_import.h"
#include "ir/onnx/onnx_importer.h"
#include "tensor_compare.h"
#ifdef FOVEA_HAVE_CUDA
#include "engine/cuda/execution_context.h"
#endif

namespace fovea::conformance {
namespace {

namespace fs = std::filesystem;

const char* const kPlaceholderMessage = "not implemented yet";

// Status → result: unsupported features are reported as such; everything else fails.
// The model path that load_onnx_model prefixes is dropped: the test name already says it.
CaseResult from_status(const Status& s, const std::string& stage, const std::string& model_path = "") {
  const bool placeholder = s.message().find(kPlaceholderMessage) != std::string::npos;
  std::string message = s.message();
  if (!model_path.empty() && message.rfind(model_path + ": ", 0) == 0) message.erase(0, model_path.size() + 2);
  if (s.code() == StatusCode::kUnsupported && !placeholder) return {Outcome::kUnsupported, message};
  return {Outcome::kFailed, fmt::format("{}: {}: {}", stage, status_code_name(s.code()), message)};
}

// Files named <prefix>_0.pb, <prefix>_1.pb, ... in order, stopping at the first gap.
std::vector<fs::path> numbered_files(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (int i = 0;; ++i) {
    fs::path p = dir / (prefix + "_" + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    files.push_back(p);
  }
  return files;
}

std::vector<fs::path> data_sets(const fs::path& test_dir) {
  std::vector<fs::path> sets;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(test_dir, ec))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  return sets;
}

// numpy has no bfloat16, so the test data stores bfloat16 tensors as uint16 with the same bits.
Tensor as_bfloat16_if(const Tensor& t, bool want_bfloat16) {
  if (!want_bfloat16 || t.dtype() != DType::kUInt16) return t;
  auto r = Tensor::from_bytes(DType::kBFloat16, t.dims(), t.bytes());
  return r.is_ok() ? std::move(r).value() : t;
}

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "passed";
    case Outcome::kFailed: return "FAILED";
    case Outcome::kUnsupported: return "unsupported";
    case Outcome::kExcluded: return "excluded";
  }
  return "?";
}

namespace {

// Runs one data set's inputs: the CPU executor, or a GPU engine built for exactly these shapes.
Result<std::vector<Tensor>> run_on_device(const std::string& model_path, const std::string& device,
                                          cpu::CpuExecutor* cpu_executor, const std::map<std::string, Tensor>& inputs) {
  if (device == "cpu") return cpu_executor->run(inputs);
#ifdef FOVEA_HAVE_CUDA
  FOVEA_ASSIGN_OR_RETURN(Graph g, load_onnx_model(model_path));
  BuildConfig config;
  for (const auto& [name, t] : inputs) config.input_shapes[name] = ShapeRange{t.dims(), t.dims(), t.dims()};
  FOVEA_ASSIGN_OR_RETURN(auto engine, cuda::Engine::create(std::move(g), {}, config));
  FOVEA_ASSIGN_OR_RETURN(auto ctx, engine->create_execution_context());
  cudaStream_t stream = nullptr;
  if (cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking) != cudaSuccess)
    return internal_error("cannot create a CUDA stream");
  auto out = ctx->run(inputs, stream);
  cudaStreamDestroy(stream);
  return out;
#else
  return unsupported("this build has no CUDA backend");
#endif
}

}  // namespace

CaseResult run_case(const std::string& test_dir, const std::string& device) {
  const std::string model_path = (fs::path(test_dir) / "model.onnx").string();
  auto graph = load_onnx_model(model_path);
  if (!graph.is_ok()) return from_status(graph.status(), "load", model_path);
  auto executor = cpu::CpuExecutor::create(*graph);
  if (!executor.is_ok()) return from_status(executor.status(), "executor");

  const auto sets = data_sets(test_dir);
  if (sets.empty()) return {Outcome::kFailed, "no test_data_set_* folder"};
  for (const fs::path& set : sets) {
    const std::string set_name = set.filename().string();
    std::map<std::string, Tensor> inputs;
    const auto input_files = numbered_files(set, "input");
    for (size_t i = 0; i < input_files.size(); ++i) {
      // Positional, like ONNX's backend test runner: input_N feeds the N-th non-initializer input.
      if (i >= graph->inputs.size())
        return {Outcome::kFailed, fmt::format("{}: {} has no matching graph input (the model has {})", set_name,
                                              input_files[i].filename().string(), graph->inputs.size())};
      auto t = read_onnx_tensor_file(input_files[i].string());
      if (!t.is_ok()) return from_status(t.status(), set_name + " reading " + input_files[i].filename().string());
      const Value* in = graph->inputs[i];
      inputs[in->name] = as_bfloat16_if(*t, in->dtype == DType::kBFloat16);
    }
    std::vector<Tensor> expected;
    for (const auto& f : numbered_files(set, "output")) {
      auto t = read_onnx_tensor_file(f.string());
      if (!t.is_ok()) return from_status(t.status(), set_name + " reading " + f.filename().string());
      expected.push_back(std::move(t).value());
    }

    auto outputs = run_on_device(model_path, device, executor->get(), inputs);
    if (!outputs.is_ok()) return from_status(outputs.status(), set_name + " run");
    if (outputs->size() < expected.size())
      return {Outcome::kFailed, fmt::format("{}: {} outputs, expected {}", set_name, outputs->size(), expected.size())};
    for (size_t i = 0; i < expected.size(); ++i) {
      const Tensor& actual = (*outputs)[i];
      const Tensor want = as_bfloat16_if(expected[i], actual.dtype() == DType::kBFloat16);
      std::string diff = compare_tensors(actual, want);
      if (!diff.empty())
        return {Outcome::kFailed,
                fmt::format("{}: output {} '{}': {}", set_name, i, graph->outputs[i]->name, diff)};
    }
  }
  return {Outcome::kPassed, ""};
}

}  // namespace fovea::conformance
