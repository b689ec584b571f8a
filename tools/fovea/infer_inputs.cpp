#include "infer_inputs.h"

#include <algorithm>
#include <random>

#include "core/npy.h"

namespace fovea::cli {
namespace {

std::string input_names(const Graph& graph) {
  std::string names;
  for (const Value* in : graph.inputs) names += (names.empty() ? "'" : ", '") + in->name + "'";
  return names.empty() ? "(none)" : names;
}

// The tensor from `file` must fit the declared dtype and shape; symbols it binds are recorded.
Status check_against_declared(const Value& input, const Tensor& t, const std::string& file,
                              const ShapeOverrides& overrides, std::map<std::string, int64_t>& symbols) {
  if (t.dtype() != input.dtype)
    return invalid_argument("input '{}': {} holds {}, the model expects {}", input.name, file, dtype_name(t.dtype()),
                            dtype_name(input.dtype));
  auto it = overrides.find(input.name);
  if (it != overrides.end() && it->second != t.dims())
    return invalid_argument("input '{}': {} has shape {}, but --shapes gives {}", input.name, file,
                            dims_to_string(t.dims()), dims_to_string(it->second));
  if (!input.shape) return Status::ok();
  const Shape& s = *input.shape;
  bool ok = s.size() == t.rank();
  for (size_t i = 0; ok && i < s.size(); ++i) ok = !s[i].is_known() || s[i].value == t.dim(i);
  if (!ok)
    return invalid_argument("input '{}': {} has shape {}, the model expects {}", input.name, file,
                            dims_to_string(t.dims()), shape_to_string(s));
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i].is_symbolic()) symbols.emplace(s[i].symbol, t.dim(i));
  return Status::ok();
}

Result<Tensor> random_tensor(const Value& input, const Dims& dims, std::mt19937_64& rng) {
  FOVEA_ASSIGN_OR_RETURN(Tensor t, Tensor::allocate(input.dtype, dims));
  const int64_t n = t.numel();
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  if (input.dtype == DType::kFloat16) {
    for (int64_t i = 0; i < n; ++i) t.data<Half>()[i] = float_to_half(static_cast<float>(unit(rng)));
    return t;
  }
  if (input.dtype == DType::kBool) {
    for (int64_t i = 0; i < n; ++i) t.data<bool>()[i] = small(rng) % 2 == 1;
    return t;
  }
  if (dtype_is_float(input.dtype) || dtype_is_integer(input.dtype)) {
    FOVEA_SWITCH_NUMERIC(input.dtype, T, {
      T* p = t.data<T>();
      for (int64_t i = 0; i < n; ++i)
        p[i] = dtype_is_float(input.dtype) ? static_cast<T>(unit(rng)) : static_cast<T>(small(rng));
      return t;
    });
  }
  return unsupported("input '{}': cannot make random data of dtype {}; give a .npy file", input.name,
                     dtype_name(input.dtype));
}

}  // namespace

Result<std::vector<InputSpec>> parse_input_specs(const std::vector<std::string>& specs) {
  std::vector<InputSpec> out;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return invalid_argument("--input '{}': expected NAME=FILE.npy or NAME=random", spec);
    out.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
  }
  return out;
}

Result<std::map<std::string, BuiltInput>> build_inputs(const Graph& graph, const std::vector<InputSpec>& specs,
                                                       const ShapeOverrides& overrides, uint64_t seed,
                                                       std::vector<std::string>* notes) {
  std::map<std::string, const InputSpec*> by_name;
  for (const InputSpec& s : specs) {
    if (!graph.find_value(s.name) || std::find_if(graph.inputs.begin(), graph.inputs.end(), [&](const Value* v) {
          return v->name == s.name;
        }) == graph.inputs.end())
      return not_found("--input names '{}', which is not a model input (inputs: {})", s.name, input_names(graph));
    if (!by_name.emplace(s.name, &s).second) return invalid_argument("--input '{}' is given twice", s.name);
  }
  std::string missing;
  for (const Value* in : graph.inputs)
    if (!by_name.count(in->name)) missing += (missing.empty() ? "'" : ", '") + in->name + "'";
  if (!missing.empty())
    return not_found("no --input for model input(s) {}; give NAME=FILE.npy or NAME=random", missing);

  std::map<std::string, BuiltInput> out;
  std::map<std::string, int64_t> symbols;  // symbolic dims bound by --shapes and .npy inputs
  for (const Value* in : graph.inputs) {
    auto it = overrides.find(in->name);
    if (it == overrides.end() || !in->shape || in->shape->size() != it->second.size()) continue;
    for (size_t i = 0; i < in->shape->size(); ++i)
      if ((*in->shape)[i].is_symbolic()) symbols.emplace((*in->shape)[i].symbol, it->second[i]);
  }
  for (const Value* in : graph.inputs) {
    const InputSpec& s = *by_name.at(in->name);
    if (s.source == "random") continue;
    FOVEA_ASSIGN_OR_RETURN(Tensor t, read_npy_file(s.source));
    FOVEA_RETURN_IF_ERROR(check_against_declared(*in, t, s.source, overrides, symbols));
    out[in->name] = {std::move(t), s.source};
  }
  std::mt19937_64 rng(seed);
  for (const Value* in : graph.inputs) {
    const InputSpec& s = *by_name.at(in->name);
    if (s.source != "random") continue;
    ShapeOverrides bound = overrides;
    if (!bound.count(in->name) && in->shape) {  // reuse symbols bound by .npy inputs
      Dims dims;
      bool all = true;
      for (const Dim& d : *in->shape) {
        if (d.is_known()) dims.push_back(d.value);
        else if (d.is_symbolic() && symbols.count(d.symbol)) dims.push_back(symbols.at(d.symbol));
        else all = false;
      }
      if (all) bound[in->name] = dims;
    }
    FOVEA_ASSIGN_OR_RETURN(Dims dims, concrete_input_dims(*in, bound, notes));
    FOVEA_ASSIGN_OR_RETURN(Tensor t, random_tensor(*in, dims, rng));
    out[in->name] = {std::move(t), fmt::format("random (seed {})", seed)};
  }
  return out;
}

}  // namespace fovea::cli
