// What `fovea build` is asked for: precision, the optimization profile for dynamic dims, the
// workspace limit, per-layer precision overrides and the timing cache. Serialized canonically
// (to_json) into plan headers and engine-cache keys.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/shape.h"
#include "core/status.h"
#include "ir/precision.h"

namespace fovea {

const char* precision_name(Precision p);              // "fp32", "fp16"
Result<Precision> parse_precision(const std::string& s);

// min:opt:max dims of one input; builds are tuned at opt and accept anything in [min, max].
struct ShapeRange {
  Dims min, opt, max;
  bool operator==(const ShapeRange&) const = default;
};

struct BuildConfig {
  Precision precision = Precision::kFp32;
  // Per input name. Inputs not listed must have static shapes, or take `batch` for their
  // symbolic first dim.
  std::map<std::string, ShapeRange> input_shapes;
  // --batch min:opt:max: the range of every input's symbolic first dim (unset: 1:1:1).
  std::optional<int64_t> batch_min, batch_opt, batch_max;
  size_t workspace_bytes = size_t{1} << 30;
  // Per-layer precision overrides, by node name (e.g. keep a sensitive head in fp32).
  std::map<std::string, Precision> layer_precision;
  bool enable_cuda_graphs = true;

  // Canonical JSON (sorted keys) of everything that changes the built engine.
  std::string to_json() const;
  static Result<BuildConfig> from_json(const std::string& json);
  bool operator==(const BuildConfig&) const = default;
};

}  // namespace fovea
