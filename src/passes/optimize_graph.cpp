#include "passes/optimize_graph.h"

#include <functional>

#include "backends/cpu/cpu_executor.h"
#include "ops/graph_checks.h"
#include "passes/batchnorm_folding.h"
#include "passes/constant_folding.h"
#include "passes/conv_fusion.h"
#include "passes/dead_node_elimination.h"
#include "passes/elementwise_fusion.h"
#include "passes/gemm_fusion.h"
#include "passes/shape_folding.h"

namespace fovea {
namespace {

Status reinfer_shapes(Graph& graph) {
  ShapeInferenceOptions options;
  options.evaluate = cpu::run_node;
  return infer_shapes(graph, options);
}

// Runs one pass and adds its count to the report.
Result<int> run_pass(PassReport& report, const char* name, const std::function<Result<int>(Graph&)>& pass,
                     Graph& graph) {
  auto r = pass(graph);
  if (!r.is_ok()) return r.status().with_context(std::string("pass ") + name);
  PassStat* stat = nullptr;
  for (PassStat& s : report.passes)
    if (s.pass == name) stat = &s;
  if (!stat) {
    report.passes.push_back({name, 0});
    stat = &report.passes.back();
  }
  stat->rewrites += *r;
  return *r;
}

}  // namespace

int PassReport::rewrites(const std::string& pass) const {
  for (const PassStat& s : passes)
    if (s.pass == pass) return s.rewrites;
  return 0;
}

std::string PassReport::to_string() const {
  std::string out;
  for (const PassStat& s : passes) out += fmt::format("  {:<28} {:>6}\n", s.pass, s.rewrites);
  out += fmt::format("  nodes {} -> {}\n", nodes_before, nodes_after);
  return out;
}

Result<PassReport> optimize_graph(Graph& graph, const PassOptions& options) {
  PassReport report;
  report.nodes_before = graph.nodes().size();
  FOVEA_RETURN_IF_ERROR(reinfer_shapes(graph));
  ConstantFoldingOptions fold_options;
  fold_options.max_output_bytes = options.max_folded_constant_bytes;
  auto fold = [&](Graph& g) { return fold_constants(g, fold_options); };

  auto fold_until_stable = [&]() -> Status {
    if (!options.fold) return Status::ok();
    for (int round = 0; round < options.max_fold_rounds; ++round) {
      int changed = 0;
      FOVEA_ASSIGN_OR_RETURN(int shapes, run_pass(report, "shape_folding", fold_static_shapes, graph));
      FOVEA_ASSIGN_OR_RETURN(int constants, run_pass(report, "constant_folding", fold, graph));
      FOVEA_ASSIGN_OR_RETURN(int dead, run_pass(report, "dead_node_elimination", eliminate_dead_nodes, graph));
      changed = shapes + constants + dead;
      if (changed == 0) break;
      FOVEA_RETURN_IF_ERROR(reinfer_shapes(graph));
    }
    return Status::ok();
  };

  FOVEA_RETURN_IF_ERROR(fold_until_stable());
  if (options.fuse) {
    // BN folding makes conv + bias, which the conv fusion then takes with the activation.
    FOVEA_RETURN_IF_ERROR(run_pass(report, "batchnorm_folding", fold_batchnorm_into_conv, graph).status());
    FOVEA_RETURN_IF_ERROR(reinfer_shapes(graph));
    FOVEA_RETURN_IF_ERROR(run_pass(report, "conv_fusion", fuse_conv_bias_activation, graph).status());
    FOVEA_RETURN_IF_ERROR(run_pass(report, "gemm_fusion", fuse_gemm_matmul_bias_activation, graph).status());
    FOVEA_RETURN_IF_ERROR(reinfer_shapes(graph));
    FOVEA_RETURN_IF_ERROR(run_pass(report, "elementwise_fusion", fuse_elementwise_chains, graph).status());
    FOVEA_RETURN_IF_ERROR(reinfer_shapes(graph));
    FOVEA_RETURN_IF_ERROR(fold_until_stable());  // fusion can leave constants nothing reads
  }
  FOVEA_RETURN_IF_ERROR(reinfer_shapes(graph));
  report.nodes_after = graph.nodes().size();
  return report;
}

}  // namespace fovea
