// The plan file: a compiled engine on disk (DESIGN.md rule 6). A versioned container of
// checksummed sections (header JSON, graph as ONNX, tactics JSON, memory report), documented in
// docs/plan-format.md; it is never a dump of raw structs. Loading validates everything: framing
// and checksums first, then the graph goes through the same importer and op checks as an ONNX
// model, and every tactic must name a node of the graph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "backends/tactic.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Bump on any change to the layout or the meaning of a field, and add a line to the history in
// docs/plan-format.md.
inline constexpr uint32_t kPlanFormatVersion = 1;

// What a plan was built for, or what this process runs on.
struct PlanEnvironment {
  std::string gpu_name;                    // e.g. "NVIDIA H100 80GB HBM3"; empty without a GPU
  int compute_major = 0, compute_minor = 0;
  int cuda_runtime_version = 0;            // cudaRuntimeGetVersion: 1000*major + 10*minor; 0: none
  int cudnn_version = 0;                   // cudnnGetVersion (9.1.0 is 90100); 0: none
  int cublas_version = 0;                  // cublasLtGetVersion (13.1.0 is 130100); 0: none

  bool operator==(const PlanEnvironment&) const = default;
};

struct PlanHeader {
  uint32_t format_version = kPlanFormatVersion;
  std::string fovea_version = FOVEA_VERSION;  // the producer
  PlanEnvironment environment;
  std::string build_options_json;            // BuildConfig::to_json(), kept byte for byte
  std::string onnx_hash;                     // hash_model_bytes() of the source ONNX file
  std::string source_model;                  // its file name, for messages

  bool operator==(const PlanHeader&) const = default;
};

struct Plan {
  PlanHeader header;
  Graph graph;                               // optimized graph; weights as initializers in their
                                             // final dtype (float16 in fp16 plans)
  std::map<std::string, Tactic> tactics;     // by node name
  std::string memory_report;                 // free text, shown by `fovea inspect model.plan`
};

Result<std::string> serialize_plan(const Plan& plan);
// `source_name` (usually the file path) prefixes error messages.
Result<Plan> parse_plan(std::span<const std::byte> bytes, const std::string& source_name);

struct PlanParseOptions {
  // False only to fuzz the section parsers behind the checksums (fuzz/plan_loader_fuzzer.cpp).
  bool verify_checksums = true;
};
Result<Plan> parse_plan(std::span<const std::byte> bytes, const std::string& source_name, const PlanParseOptions& options);

// Atomic: writes `<path>.tmp.<pid>` and renames it over `path`, so readers never see half a plan.
Status write_plan_file(const std::string& path, const Plan& plan);
Result<Plan> read_plan_file(const std::string& path);
// Reads the header section only (not the graph): cheap, for compatibility checks and the engine
// cache. Works for plans of any format version, since every version starts the same way.
Result<PlanHeader> read_plan_header(const std::string& path);

// Ok, or an error naming each mismatched field with both values and the command that rebuilds
// the plan. Must match: format version, fovea version, GPU name, compute capability and the
// major versions of CUDA, cuDNN and cuBLAS.
Status check_plan_compatible(const PlanHeader& plan, const PlanEnvironment& current, const std::string& plan_path);
// "fovea build <source_model> -o <plan_path> <flags from the build options>".
std::string plan_rebuild_command(const PlanHeader& plan, const std::string& plan_path);

// Content hash of a model file: "xxh3-128:<32 hex digits>".
std::string hash_model_bytes(std::span<const std::byte> bytes);

}  // namespace fovea
