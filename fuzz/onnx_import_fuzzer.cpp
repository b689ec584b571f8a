// libFuzzer target for the model path: ONNX import, op checks, shape inference with constant
// evaluation, then (for small graphs) one CPU run on zero-filled inputs. Any crash, sanitizer
// report, leak or timeout is a bug: malformed models must only ever produce an error Status.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <span>
#include <string>

#include "backends/cpu/cpu_executor.h"
#include "core/logging.h"
#include "engine/model_import.h"

namespace {

constexpr size_t kMaxNodesToRun = 64;
constexpr int64_t kMaxInputElements = 1 << 16;
// Multiply-adds one node may cost before the run is skipped. A valid model can ask for any amount
// of arithmetic (a 122x52 transposed-conv kernel over 33 images is 77 M MACs, 50 s under ASan +
// UBSan + coverage); that is slowness, not a bug, and would drown real findings in timeouts.
constexpr double kMaxMacsPerNode = 5e6;

double numel_or_one(const fovea::Value* v) {
  if (!v || !v->shape) return 1;
  double n = 1;
  for (const fovea::Dim& d : *v->shape) n *= d.is_known() ? static_cast<double>(d.value) : 1.0;
  return n;
}

double dim_or_one(const fovea::Value* v, int index) {  // index < 0 counts from the back
  if (!v || !v->shape || v->shape->empty()) return 1;
  const int rank = static_cast<int>(v->shape->size());
  const int i = index < 0 ? rank + index : index;
  if (i < 0 || i >= rank || !(*v->shape)[i].is_known()) return 1;
  return std::max<double>(1, static_cast<double>((*v->shape)[i].value));
}

// Rough multiply-adds of the ops whose cost is not linear in their tensors' sizes.
double estimated_macs(const fovea::Node& node) {
  const std::string& op = node.op_type;
  const auto in = [&](size_t i) { return i < node.inputs.size() ? node.inputs[i] : nullptr; };
  const auto out = node.outputs.empty() ? nullptr : node.outputs[0];
  if (op == "Conv") return numel_or_one(out) * numel_or_one(in(1)) / dim_or_one(in(1), 0);
  if (op == "ConvTranspose") return numel_or_one(in(0)) * numel_or_one(in(1)) / dim_or_one(in(1), 0);
  if (op == "MatMul") return numel_or_one(out) * dim_or_one(in(0), -1);
  if (op == "Gemm") return numel_or_one(out) * std::max(dim_or_one(in(0), 0), dim_or_one(in(0), -1));
  if (op == "Einsum") {  // the kernel loops over every label combination: bounded by the inputs' product
    double product = numel_or_one(out);
    for (const fovea::Value* v : node.inputs) product *= numel_or_one(v);
    return product;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Every tensor, built at import or at run time, is capped at 16 MiB so that a model asking
  // for a huge but legal tensor gives a size error instead of tripping -rss_limit_mb.
  setenv("FOVEA_MAX_TENSOR_BYTES", "16777216", 1);
  fovea::log::set_level(fovea::log::Level::kOff);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fovea;
  auto graph = load_onnx_model_from_bytes(std::as_bytes(std::span(data, size)));
  if (!graph.is_ok() || graph->nodes().size() > kMaxNodesToRun) return 0;
  for (const auto& node : graph->nodes())
    if (estimated_macs(*node) > kMaxMacsPerNode) return 0;

  // Zero inputs of the declared shapes; symbolic or unknown dims become 1.
  std::map<std::string, Tensor> inputs;
  for (const Value* in : graph->inputs) {
    if (!in->shape) return 0;
    Dims dims;
    for (const Dim& d : *in->shape) dims.push_back(d.is_known() ? d.value : 1);
    auto count = checked_element_count(dims, dtype_size(in->dtype));
    if (!count.is_ok() || *count > kMaxInputElements) return 0;
    auto t = Tensor::allocate(in->dtype, dims);
    if (!t.is_ok()) return 0;
    inputs[in->name] = std::move(t).value();
  }
  auto executor = cpu::CpuExecutor::create(*graph);
  if (!executor.is_ok()) return 0;
  (void)(*executor)->run(inputs);
  return 0;
}
