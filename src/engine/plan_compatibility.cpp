// Whether a plan may run here (docs/plan-format.md "Compatibility"), and the command that
// rebuilds it when not.
#include <vector>

#include <fmt/ranges.h>

#include "engine/build_config.h"
#include "engine/plan_file.h"

namespace fovea {
namespace {

// Library version numbers as their APIs report them, split into (major, readable text).
int cuda_major(int v) { return v / 1000; }
std::string cuda_text(int v) { return fmt::format("{}.{}", v / 1000, (v % 1000) / 10); }
// cuDNN 9+ reports major*10000 + minor*100 + patch; cuDNN 8 and older major*1000 + minor*100 + patch.
int cudnn_major(int v) { return v >= 90000 ? v / 10000 : v / 1000; }
std::string cudnn_text(int v) {
  const int major_scale = v >= 90000 ? 10000 : 1000;
  return fmt::format("{}.{}.{}", v / major_scale, (v % major_scale) / 100, v % 100);
}
// cuBLAS 12+ reports major*10000 + minor*100 + patch; cuBLAS 11 major*1000 + minor*100 + patch.
int cublas_major(int v) { return v >= 100000 ? v / 10000 : v / 1000; }
std::string cublas_text(int v) {
  const int major_scale = v >= 100000 ? 10000 : 1000;
  return fmt::format("{}.{}.{}", v / major_scale, (v % major_scale) / 100, v % 100);
}

std::string library_version(int v, std::string (*text)(int)) { return v == 0 ? std::string("none") : text(v); }

std::string gpu_text(const std::string& name) { return name.empty() ? std::string("no GPU") : "'" + name + "'"; }

std::vector<std::string> mismatches(const PlanHeader& plan, const PlanEnvironment& here) {
  std::vector<std::string> out;
  auto add = [&](const char* field, const std::string& in_plan, const std::string& current) {
    out.push_back(fmt::format("{}: plan {}, here {}", field, in_plan, current));
  };
  const PlanEnvironment& built = plan.environment;
  if (plan.format_version != kPlanFormatVersion)
    add("plan format version", std::to_string(plan.format_version), std::to_string(kPlanFormatVersion));
  if (plan.fovea_version != FOVEA_VERSION) add("fovea version", "'" + plan.fovea_version + "'", "'" FOVEA_VERSION "'");
  if (built.gpu_name != here.gpu_name) add("GPU", gpu_text(built.gpu_name), gpu_text(here.gpu_name));
  if (built.compute_major != here.compute_major || built.compute_minor != here.compute_minor)
    add("compute capability", fmt::format("{}.{}", built.compute_major, built.compute_minor),
        fmt::format("{}.{}", here.compute_major, here.compute_minor));
  if (cuda_major(built.cuda_runtime_version) != cuda_major(here.cuda_runtime_version))
    add("CUDA runtime major version", library_version(built.cuda_runtime_version, cuda_text),
        library_version(here.cuda_runtime_version, cuda_text));
  if (cudnn_major(built.cudnn_version) != cudnn_major(here.cudnn_version))
    add("cuDNN major version", library_version(built.cudnn_version, cudnn_text), library_version(here.cudnn_version, cudnn_text));
  if (cublas_major(built.cublas_version) != cublas_major(here.cublas_version))
    add("cuBLAS major version", library_version(built.cublas_version, cublas_text),
        library_version(here.cublas_version, cublas_text));
  return out;
}

std::string dims_flag_value(const std::map<std::string, ShapeRange>& shapes, Dims ShapeRange::*which) {
  std::string out;
  for (const auto& [name, range] : shapes) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}:{}", name, fmt::join(range.*which, "x"));
  }
  return out;
}

// trtexec-style flags for the options that have one; the rest are named after the command.
std::string build_flags(const std::string& build_options_json) {
  auto config = BuildConfig::from_json(build_options_json);
  if (!config.is_ok()) return "";
  std::string flags;
  if (config->precision == Precision::kFp16) flags += " --fp16";
  if (config->batch_min) flags += fmt::format(" --batch {}:{}:{}", *config->batch_min, *config->batch_opt, *config->batch_max);
  if (!config->input_shapes.empty()) {
    flags += " --minShapes=" + dims_flag_value(config->input_shapes, &ShapeRange::min);
    flags += " --optShapes=" + dims_flag_value(config->input_shapes, &ShapeRange::opt);
    flags += " --maxShapes=" + dims_flag_value(config->input_shapes, &ShapeRange::max);
  }
  const BuildConfig defaults;
  if (config->workspace_bytes != defaults.workspace_bytes || !config->layer_precision.empty() ||
      config->enable_cuda_graphs != defaults.enable_cuda_graphs)
    flags += " (and the plan's other build options: " + build_options_json + ")";
  return flags;
}

}  // namespace

std::string plan_rebuild_command(const PlanHeader& plan, const std::string& plan_path) {
  const std::string model = plan.source_model.empty() ? std::string("<model.onnx>") : plan.source_model;
  return fmt::format("fovea build {} -o {}{}", model, plan_path, build_flags(plan.build_options_json));
}

Status check_plan_compatible(const PlanHeader& plan, const PlanEnvironment& current, const std::string& plan_path) {
  const std::vector<std::string> diffs = mismatches(plan, current);
  if (diffs.empty()) return Status::ok();
  std::string list;
  for (const std::string& d : diffs) list += (list.empty() ? "" : "; ") + d;
  return unsupported("plan '{}' was built for another GPU or software version ({}). Rebuild it with: {}", plan_path, list,
                     plan_rebuild_command(plan, plan_path));
}

}  // namespace fovea
