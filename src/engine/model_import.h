// Loading a model for execution: ONNX import, op support check, shape inference with build-time
// evaluation of constant subgraphs (shape arithmetic) on the CPU reference kernels.
#pragma once

#include <string>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

struct ModelImportOptions {
  bool infer_shapes = true;
  bool evaluate_constants = true;
};

Result<Graph> load_onnx_model(const std::string& path, const ModelImportOptions& options = {});
// Same for bytes already in memory (the fuzz target); external data is not allowed.
Result<Graph> load_onnx_model_from_bytes(std::span<const std::byte> bytes, const ModelImportOptions& options = {});
// The checks and inference on an imported graph.
Status prepare_graph(Graph& graph, const ModelImportOptions& options = {});

}  // namespace fovea
