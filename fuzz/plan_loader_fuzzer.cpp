// libFuzzer target for plan files (engine/plan_file.h). Every input is parsed twice: as a loader
// would (checksums first, so most mutations stop at the framing) and with checksums skipped, so
// mutated payloads reach the header / tactics JSON parsers and the ONNX importer behind them.
// Anything that parses must serialize and parse again: what the loader accepts, the writer can
// write. Any crash, sanitizer report or failed round trip is a bug.
//
// Seed corpus: `plan_loader_fuzzer --write-seeds DIR MODEL.onnx...` writes a small plan for each
// model fovea can load (the ONNX node test models are ideal) into DIR and exits; scripts/fuzz
// does this before fuzzing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>

#include "core/logging.h"
#include "engine/build_config.h"
#include "engine/model_import.h"
#include "engine/plan_file.h"

namespace {

// Seeds over this size are skipped: scripts/fuzz runs with -max_len=65536.
constexpr size_t kMaxSeedBytes = 65536;

// A plan as `fovea build` would write it, with made-up tactics for the first few nodes.
std::string seed_plan(const std::string& model_path) {
  using namespace fovea;
  std::ifstream in(model_path, std::ios::binary);
  const std::string onnx((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto graph = load_onnx_model(model_path);
  if (!graph.is_ok()) return "";
  Plan plan;
  plan.header.environment = {"NVIDIA H100 80GB HBM3", 9, 0, 13000, 91300, 130100};
  BuildConfig config;
  config.precision = Precision::kFp16;
  plan.header.build_options_json = config.to_json();
  plan.header.onnx_hash = hash_model_bytes(std::as_bytes(std::span(onnx.data(), onnx.size())));
  plan.header.source_model = std::filesystem::path(model_path).filename().string();
  plan.graph = std::move(graph).value();
  for (size_t i = 0; i < plan.graph.nodes().size() && i < 3; ++i)
    plan.tactics[plan.graph.nodes()[i]->name] = Tactic{"fovea:seed", static_cast<int64_t>(i), i * 256};
  plan.memory_report = "activations: 0 bytes\n";
  auto bytes = serialize_plan(plan);
  return bytes.is_ok() && bytes->size() <= kMaxSeedBytes ? *bytes : "";
}

int write_seeds(int argc, char** argv) {
  const std::filesystem::path dir = argv[2];
  std::filesystem::create_directories(dir);
  int written = 0;
  for (int i = 3; i < argc; ++i) {
    const std::string plan = seed_plan(argv[i]);
    if (plan.empty()) continue;
    // Node test models are all called model.onnx: name the seed after the folder.
    const std::filesystem::path model(argv[i]);
    const std::string stem = model.stem() == "model" ? model.parent_path().filename().string() : model.stem().string();
    std::ofstream(dir / (stem + ".plan"), std::ios::binary).write(plan.data(), static_cast<std::streamsize>(plan.size()));
    ++written;
  }
  std::printf("plan_loader_fuzzer: wrote %d seed plans from %d models to %s\n", written, argc - 3, dir.c_str());
  return written > 0 ? 0 : 1;
}

void check_round_trip(const fovea::Plan& plan) {
  auto bytes = fovea::serialize_plan(plan);
  if (!bytes.is_ok()) {
    std::fprintf(stderr, "a parsed plan does not serialize: %s\n", bytes.status().to_string().c_str());
    std::abort();
  }
  auto again = fovea::parse_plan(std::as_bytes(std::span(bytes->data(), bytes->size())), "round trip");
  if (!again.is_ok()) {
    std::fprintf(stderr, "a re-serialized plan does not parse: %s\n", again.status().to_string().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // As in onnx_import_fuzzer: huge but legal tensors give a size error, not an RSS-limit report.
  setenv("FOVEA_MAX_TENSOR_BYTES", "16777216", 1);
  fovea::log::set_level(fovea::log::Level::kOff);
  if (*argc >= 3 && std::strcmp((*argv)[1], "--write-seeds") == 0) std::exit(write_seeds(*argc, *argv));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  auto checked = fovea::parse_plan(bytes, "fuzz.plan");
  if (checked.is_ok()) check_round_trip(*checked);
  auto unchecked = fovea::parse_plan(bytes, "fuzz.plan", fovea::PlanParseOptions{.verify_checksums = false});
  if (unchecked.is_ok()) check_round_trip(*unchecked);
  return 0;
}
