#include "build_flags.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "shape_spec.h"

namespace fovea::cli {
namespace {

Result<int64_t> parse_positive(const std::string& s, const std::string& flag) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 1)
    return invalid_argument("{} '{}': expected a positive integer", flag, s);
  return v;
}

}  // namespace

void add_build_flags(CLI::App* cmd, BuildFlags& f, bool with_batch_range) {
  cmd->add_flag("--fp16", f.fp16, "Build with FP16 kernels (tensor cores, FP32 accumulation)");
  if (with_batch_range)
    cmd->add_option("--batch", f.batch, "Batch range MIN:OPT:MAX for the first (symbolic) dim, or one value");
  cmd->add_option("--minShapes", f.min_shapes, "Smallest input shapes, NAME:1x3x640x640");
  cmd->add_option("--optShapes", f.opt_shapes, "Shapes tactics are timed at, NAME:8x3x640x640");
  cmd->add_option("--maxShapes", f.max_shapes, "Largest input shapes, NAME:32x3x640x640");
  cmd->add_option("--workspace", f.workspace_mib, "Kernel workspace limit in MiB")->capture_default_str();
  cmd->add_option("--timingCacheFile", f.timing_cache_file, "Timing cache to read and update");
  cmd->add_option("--layerPrecisions", f.layer_precisions, "Per-layer precision NODE:fp32|fp16 (repeatable)");
  cmd->add_flag("--noCudaGraph", f.no_cuda_graph, "Build engines that never capture CUDA graphs");
  cmd->add_option("--layout", f.layout, "FP16 conv layout: auto (time NCHW and NHWC, keep the faster), nchw, nhwc")
      ->check(CLI::IsMember({"auto", "nchw", "nhwc"}))
      ->capture_default_str();
  cmd->add_option("--engineCacheDir", f.engine_cache_dir,
                  "For an ONNX model: reuse the matching plan in this folder, or build and store one");
  cmd->add_flag("--forceEngineUpdate", f.force_engine_update, "With --engineCacheDir: rebuild even if a plan matches");
}

Result<BuildConfig> build_config_from_flags(const BuildFlags& f) {
  BuildConfig c;
  c.precision = f.fp16 ? Precision::kFp16 : Precision::kFp32;
  if (!f.batch.empty()) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t colon = f.batch.find(':', start);
      parts.push_back(f.batch.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() != 1 && parts.size() != 3)
      return invalid_argument("--batch '{}': expected MIN:OPT:MAX or one value", f.batch);
    std::vector<int64_t> v;
    for (const auto& p : parts) {
      FOVEA_ASSIGN_OR_RETURN(int64_t x, parse_positive(p, "--batch"));
      v.push_back(x);
    }
    if (v.size() == 1) v = {v[0], v[0], v[0]};
    if (!(v[0] <= v[1] && v[1] <= v[2])) return invalid_argument("--batch '{}': needs MIN <= OPT <= MAX", f.batch);
    c.batch_min = v[0], c.batch_opt = v[1], c.batch_max = v[2];
  }
  const bool any_shapes = !f.min_shapes.empty() || !f.opt_shapes.empty() || !f.max_shapes.empty();
  if (any_shapes) {
    FOVEA_ASSIGN_OR_RETURN(auto mins, parse_shape_overrides(f.min_shapes));
    FOVEA_ASSIGN_OR_RETURN(auto opts, parse_shape_overrides(f.opt_shapes));
    FOVEA_ASSIGN_OR_RETURN(auto maxs, parse_shape_overrides(f.max_shapes));
    for (const auto& [name, d] : opts) {
      if (!mins.count(name) || !maxs.count(name))
        return invalid_argument("input '{}' needs all three of --minShapes, --optShapes and --maxShapes", name);
      c.input_shapes[name] = ShapeRange{mins.at(name), d, maxs.at(name)};
    }
    for (const auto& m : {mins, maxs})
      for (const auto& [name, d] : m)
        if (!opts.count(name))
          return invalid_argument("input '{}' needs all three of --minShapes, --optShapes and --maxShapes", name);
  }
  if (!(f.workspace_mib > 0)) return invalid_argument("--workspace must be positive");
  c.workspace_bytes = static_cast<size_t>(f.workspace_mib * 1048576.0);
  for (const auto& spec : f.layer_precisions) {
    const size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return invalid_argument("--layerPrecisions '{}': expected NODE:fp32 or NODE:fp16", spec);
    FOVEA_ASSIGN_OR_RETURN(c.layer_precision[spec.substr(0, colon)], parse_precision(spec.substr(colon + 1)));
  }
  c.enable_cuda_graphs = !f.no_cuda_graph;
  return c;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace fovea::cli
