// One ONNX backend test: a folder with model.onnx and test_data_set_*/{input,output}_N.pb.
#pragma once

#include <string>

namespace fovea::conformance {

enum class Outcome { kPassed, kFailed, kUnsupported, kExcluded };

const char* outcome_name(Outcome o);

struct CaseResult {
  Outcome outcome = Outcome::kFailed;
  std::string detail;  // why it failed / is unsupported / is excluded; empty when passed
};

// Loads the model, runs every data set on the CPU executor and compares the outputs. Never
// throws or aborts on a bad model or a failing op: every problem becomes the result's detail.
// kUnsupported: the load or run reported StatusCode::kUnsupported (op missing from the op table,
// opset < 7, a dtype fovea refuses), except "not implemented yet" placeholders, which fail.
// `device` is "cpu" or "gpu" (the CUDA backend: an engine built without passes in FP32 for each
// data set's exact input shapes, run through an ExecutionContext).
CaseResult run_case(const std::string& test_dir, const std::string& device = "cpu");

}  // namespace fovea::conformance
