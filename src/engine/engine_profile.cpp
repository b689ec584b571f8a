#include "engine/engine_profile.h"

namespace fovea {

Result<InputProfile> resolve_input_profile(const Graph& graph, const BuildConfig& config) {
  InputProfile profile;
  for (const auto& [name, r] : config.input_shapes) {
    const Value* v = graph.find_value(name);
    bool is_input = false;
    for (const Value* in : graph.inputs) is_input |= in == v;
    if (!is_input) return not_found("shape range given for '{}', which is not a graph input", name);
  }
  for (const Value* in : graph.inputs) {
    if (!in->shape) return invalid_argument("graph input '{}' has no declared shape; give --minShapes/--optShapes/--maxShapes", in->name);
    const Shape& s = *in->shape;
    ShapeRange r;
    auto it = config.input_shapes.find(in->name);
    if (it != config.input_shapes.end()) {
      r = it->second;
      if (r.min.size() != s.size() || r.opt.size() != s.size() || r.max.size() != s.size())
        return invalid_argument("input '{}': shape range rank differs from the model's {}", in->name, shape_to_string(s));
    } else {
      for (size_t d = 0; d < s.size(); ++d) {
        if (s[d].is_known()) {
          r.min.push_back(s[d].value), r.opt.push_back(s[d].value), r.max.push_back(s[d].value);
        } else if (d == 0) {
          r.min.push_back(config.batch_min.value_or(1));
          r.opt.push_back(config.batch_opt.value_or(1));
          r.max.push_back(config.batch_max.value_or(1));
        } else {
          return invalid_argument("input '{}' dim {} is dynamic ({}); give its range with --minShapes/--optShapes/--maxShapes",
                                  in->name, d, shape_to_string(s));
        }
      }
    }
    for (size_t d = 0; d < s.size(); ++d) {
      if (s[d].is_known() && (r.min[d] != s[d].value || r.max[d] != s[d].value))
        return invalid_argument("input '{}' dim {} is fixed to {} in the model, the range says {}..{}", in->name, d,
                                s[d].value, r.min[d], r.max[d]);
      if (r.min[d] < 0 || r.min[d] > r.opt[d] || r.opt[d] > r.max[d])
        return invalid_argument("input '{}' dim {}: range {}:{}:{} is not min <= opt <= max", in->name, d, r.min[d],
                                r.opt[d], r.max[d]);
    }
    profile[in->name] = r;
  }
  return profile;
}

std::map<std::string, Dims> profile_dims(const InputProfile& profile, ProfilePoint point) {
  std::map<std::string, Dims> out;
  for (const auto& [name, r] : profile)
    out[name] = point == ProfilePoint::kMin ? r.min : point == ProfilePoint::kOpt ? r.opt : r.max;
  return out;
}

Status check_within_profile(const InputProfile& profile, const std::string& name, const Dims& dims) {
  auto it = profile.find(name);
  if (it == profile.end()) return not_found("the engine has no input named '{}'", name);
  const ShapeRange& r = it->second;
  bool ok = dims.size() == r.min.size();
  for (size_t d = 0; ok && d < dims.size(); ++d) ok = dims[d] >= r.min[d] && dims[d] <= r.max[d];
  if (ok) return Status::ok();
  return out_of_range("input '{}' shape {} is outside the engine's profile {} .. {}; rebuild the plan with a wider "
                      "range (fovea build --batch MIN:OPT:MAX or --minShapes/--maxShapes)",
                      name, dims_to_string(dims), dims_to_string(r.min), dims_to_string(r.max));
}

}  // namespace fovea
