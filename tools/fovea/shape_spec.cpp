#include "shape_spec.h"

#include <charconv>

namespace fovea::cli {
namespace {

Result<Dims> parse_dims(const std::string& text, const std::string& spec) {
  Dims dims;
  if (text.empty()) return dims;  // a scalar
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('x', start);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(start, end - start);
    int64_t v = -1;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || v < 0)
      return invalid_argument("--shapes '{}': '{}' is not a non-negative dimension (expected e.g. name:1x3x640x640)",
                              spec, part);
    dims.push_back(v);
    start = end + 1;
  }
  return dims;
}

}  // namespace

Result<ShapeOverrides> parse_shape_overrides(const std::vector<std::string>& specs) {
  ShapeOverrides out;
  for (const std::string& joined : specs) {
    size_t start = 0;
    while (start <= joined.size()) {
      size_t end = joined.find(',', start);
      if (end == std::string::npos) end = joined.size();
      const std::string spec = joined.substr(start, end - start);
      start = end + 1;
      if (spec.empty()) continue;
      const size_t colon = spec.rfind(':');
      if (colon == std::string::npos || colon == 0)
        return invalid_argument("--shapes '{}': expected NAME:DIMS, e.g. images:1x3x640x640", spec);
      FOVEA_ASSIGN_OR_RETURN(Dims dims, parse_dims(spec.substr(colon + 1), spec));
      const std::string name = spec.substr(0, colon);
      if (!out.emplace(name, std::move(dims)).second)
        return invalid_argument("--shapes: input '{}' is given twice", name);
    }
  }
  return out;
}

Status check_shape_overrides(const Graph& graph, const ShapeOverrides& overrides) {
  for (const auto& [name, dims] : overrides) {
    const Value* input = nullptr;
    for (const Value* in : graph.inputs)
      if (in->name == name) input = in;
    if (!input) {
      std::string names;
      for (const Value* in : graph.inputs) names += (names.empty() ? "'" : ", '") + in->name + "'";
      return not_found("--shapes names '{}', which is not a model input (inputs: {})", name, names);
    }
    if (!input->shape) continue;
    const Shape& s = *input->shape;
    bool ok = s.size() == dims.size();
    for (size_t i = 0; ok && i < s.size(); ++i) ok = !s[i].is_known() || s[i].value == dims[i];
    if (!ok)
      return invalid_argument("--shapes gives input '{}' the shape {}, the model declares {}", name,
                              dims_to_string(dims), shape_to_string(s));
  }
  return Status::ok();
}

Result<Dims> concrete_input_dims(const Value& input, const ShapeOverrides& overrides,
                                 std::vector<std::string>* assumptions) {
  auto it = overrides.find(input.name);
  if (it != overrides.end()) return it->second;
  if (!input.shape)
    return invalid_argument("input '{}' has no declared shape; give it with --shapes {}:DIMS", input.name, input.name);
  Dims dims;
  for (size_t i = 0; i < input.shape->size(); ++i) {
    const Dim& d = (*input.shape)[i];
    if (d.is_known()) {
      dims.push_back(d.value);
      continue;
    }
    dims.push_back(1);
    if (assumptions)
      assumptions->push_back(fmt::format("input '{}' dim {} ({}) = 1", input.name, i,
                                         d.is_symbolic() ? "'" + d.symbol + "'" : "unknown"));
  }
  return dims;
}

}  // namespace fovea::cli
