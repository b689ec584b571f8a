// What `fovea inspect` reports about a model: metadata, I/O, op histogram, parameters and a FLOP
// estimate. Computed without running the model, so it also works on models with unsupported ops
// (those skip shape inference and FLOPs) and when some op implementations are missing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"
#include "shape_spec.h"

namespace fovea::cli {

struct TensorDesc {
  std::string name;
  DType dtype = DType::kUndefined;
  std::optional<Shape> shape;           // as declared in the model
  std::optional<Shape> inferred_shape;  // outputs: after shape inference with the assumed input dims
};

struct OpCount {
  std::string op_type;  // "Conv", or "domain::Op" outside the default domain
  int64_t count = 0;
  double flops = 0;     // FLOPs of the counted nodes of this op
};

struct UncountedNode {
  std::string node;    // "node 'x' (Conv)"
  std::string reason;  // "dynamic shape", "no FLOP formula for this op"
};

struct ModelSummary {
  std::string path;
  std::string graph_name;
  std::string producer;
  int64_t ir_version = 0;
  int64_t opset = 0;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  int64_t node_count = 0;
  std::vector<OpCount> op_histogram;  // sorted by count, most frequent first

  int64_t initializer_count = 0;
  int64_t parameter_count = 0;   // elements of all initializers and Constant-node tensors
  int64_t constant_node_tensors = 0;
  uint64_t parameter_bytes = 0;

  std::string unsupported_ops;   // check_supported_ops' message; empty when every op is known
  bool shapes_inferred = false;  // shape inference ran to the end
  std::string shape_error;       // why it stopped or did not run
  std::vector<std::string> assumptions;  // "input 'images' dim 0 ('batch') = 1"

  bool flops_computed = false;
  double flops = 0;              // sum over counted nodes
  int64_t folded_nodes = 0;      // nodes evaluated at build time (no runtime FLOPs)
  std::vector<UncountedNode> uncounted;
};

// Imports and summarizes the model. Symbolic or unknown input dims without an override are taken
// as 1 and recorded in `assumptions`. Fails only when the file cannot be imported at all.
Result<ModelSummary> summarize_model(const std::string& path, const ShapeOverrides& overrides);

// FLOPs of one node from the inferred shapes of its values (a multiply-add counts 2), or the
// reason it cannot be counted. Exposed for tests.
Result<double> node_flops(const Node& node);

}  // namespace fovea::cli
