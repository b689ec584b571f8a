// libFuzzer target for the model path: ONNX import, op checks, shape inference with constant
// evaluation, then (for small graphs) one CPU run on zero-filled inputs. Any crash, sanitizer
// report, leak or timeout is a bug: malformed models must only ever produce an error Status.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <span>

#include "backends/cpu/cpu_executor.h"
#include "core/logging.h"
#include "engine/model_import.h"

namespace {

constexpr size_t kMaxNodesToRun = 64;
constexpr int64_t kMaxInputElements = 1 << 16;

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
