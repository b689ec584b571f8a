#include "engine/model_import.h"

#include "backends/cpu/cpu_executor.h"
#include "ir/onnx/onnx_importer.h"
#include "ops/graph_checks.h"
#include "ops/legacy_opset_lowering.h"

namespace fovea {

Status prepare_graph(Graph& graph, const ModelImportOptions& options) {
  FOVEA_RETURN_IF_ERROR(lower_legacy_opset(graph));  // opset 1-6 models: old op forms rewritten first
  FOVEA_RETURN_IF_ERROR(check_supported_ops(graph));
  if (!options.infer_shapes) return Status::ok();
  ShapeInferenceOptions shape_options;
  if (options.evaluate_constants) shape_options.evaluate = cpu::run_node;
  return infer_shapes(graph, shape_options);
}

Result<Graph> load_onnx_model(const std::string& path, const ModelImportOptions& options) {
  FOVEA_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(path));
  Status s = prepare_graph(graph, options);
  if (!s.is_ok()) return s.with_context(path);
  return graph;
}

Result<Graph> load_onnx_model_from_bytes(std::span<const std::byte> bytes, const ModelImportOptions& options) {
  FOVEA_ASSIGN_OR_RETURN(Graph graph, import_onnx_bytes(bytes, ""));
  FOVEA_RETURN_IF_ERROR(prepare_graph(graph, options));
  return graph;
}

}  // namespace fovea
