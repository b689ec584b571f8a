// ONNX export: a fovea Graph as a serialized onnx::ModelProto, the inverse of onnx_importer.h.
// Importing the bytes again gives a graph with the same dump(): nodes (domain, every attribute
// type), initializers (raw_data, any dtype), inputs, outputs and value_info with dtypes and
// (symbolic) shapes. Plans store their graph this way (engine/plan_file.h).
#pragma once

#include <string>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Opset version written for the fused-op domain "fovea" (docs/fused-ops.md) and any other
// non-default domain a node uses; the IR keeps only the default-domain opset.
inline constexpr int64_t kFoveaDomainOpsetVersion = 1;

// Serialized ModelProto bytes. Nodes are written in topological order; values computed at build
// time (constant but produced by a node) stay node outputs. Errors name the value or node at
// fault: a cycle, a node input nothing defines, a graph over protobuf's 2 GiB limit.
Result<std::string> export_onnx_model(const Graph& graph);

}  // namespace fovea
