// The inputs of `fovea infer`: `--input NAME=FILE.npy` or `--input NAME=random`, checked against
// the model's declared inputs before anything runs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"
#include "shape_spec.h"

namespace fovea::cli {

struct InputSpec {
  std::string name;
  std::string source;  // a .npy path, or "random"
};

// Splits "NAME=SOURCE" at the first '='.
Result<std::vector<InputSpec>> parse_input_specs(const std::vector<std::string>& specs);

struct BuiltInput {
  Tensor tensor;
  std::string source;  // for the console: the file, or "random (seed 0)"
};

// One tensor per graph input. Every graph input must be given exactly once and every given name
// must be a graph input. .npy data must match the declared dtype and shape. Random tensors use
// the --shapes override, else the dims other inputs bound to the same symbol, else 1 for symbolic
// dims (noted in `notes`); floats are uniform in [0, 1), integers in [0, 10), bools 0 or 1.
Result<std::map<std::string, BuiltInput>> build_inputs(const Graph& graph, const std::vector<InputSpec>& specs,
                                                       const ShapeOverrides& overrides, uint64_t seed,
                                                       std::vector<std::string>* notes);

}  // namespace fovea::cli
