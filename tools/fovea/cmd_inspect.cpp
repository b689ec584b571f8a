// `fovea inspect model.onnx [--json] [--shapes name:1x3x640x640]`: what a model is, without running it.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "engine/model_import.h"
#include <map>

#include "engine/plan_file.h"
#include "model_summary.h"
#include "passes/optimize_graph.h"

namespace fovea::cli {
namespace {

struct InspectOptions {
  std::string model;
  bool json = false;
  bool dump_graph = false;
  bool optimize = false;
  std::vector<std::string> shapes;
};

// si(3157200, "") -> "3.16 M", si(60, "FLOPs") -> "60 FLOPs".
std::string si(double v, const char* unit) {
  const char* prefixes[] = {"", "K", "M", "G", "T", "P"};
  int p = 0;
  while (v >= 1000 && p < 5) {
    v /= 1000;
    ++p;
  }
  return p == 0 ? fmt::format("{:.0f}{}{}", v, *unit ? " " : "", unit) : fmt::format("{:.2f} {}{}", v, prefixes[p], unit);
}

std::string shape_text(const std::optional<Shape>& s) { return s ? shape_to_string(*s) : "(unknown rank)"; }

nlohmann::ordered_json shape_json(const std::optional<Shape>& s) {
  if (!s) return nullptr;
  nlohmann::ordered_json dims = nlohmann::ordered_json::array();
  for (const Dim& d : *s) {
    if (d.is_known()) dims.push_back(d.value);
    else if (d.is_symbolic()) dims.push_back(d.symbol);
    else dims.push_back(nullptr);
  }
  return dims;
}

nlohmann::ordered_json tensors_json(const std::vector<TensorDesc>& ts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const TensorDesc& t : ts) {
    nlohmann::ordered_json j = {{"name", t.name}, {"dtype", dtype_name(t.dtype)}, {"shape", shape_json(t.shape)}};
    if (t.inferred_shape && t.inferred_shape != t.shape) j["inferred_shape"] = shape_json(t.inferred_shape);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json to_json(const ModelSummary& s) {
  nlohmann::ordered_json ops = nlohmann::ordered_json::array();
  for (const OpCount& c : s.op_histogram) ops.push_back({{"op_type", c.op_type}, {"count", c.count}, {"flops", c.flops}});
  nlohmann::ordered_json uncounted = nlohmann::ordered_json::array();
  for (const UncountedNode& u : s.uncounted) uncounted.push_back({{"node", u.node}, {"reason", u.reason}});
  nlohmann::ordered_json j = {
      {"model", s.path},
      {"graph_name", s.graph_name},
      {"producer", s.producer},
      {"ir_version", s.ir_version},
      {"opset", s.opset},
      {"inputs", tensors_json(s.inputs)},
      {"outputs", tensors_json(s.outputs)},
      {"node_count", s.node_count},
      {"op_histogram", ops},
      {"initializer_count", s.initializer_count},
      {"constant_node_tensors", s.constant_node_tensors},
      {"parameter_count", s.parameter_count},
      {"parameter_bytes", s.parameter_bytes},
      {"unsupported_ops", s.unsupported_ops.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.unsupported_ops)},
      {"shapes_inferred", s.shapes_inferred},
      {"shape_inference_error", s.shape_error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.shape_error)},
      {"assumptions", s.assumptions},
      {"flops", s.flops_computed ? nlohmann::ordered_json(s.flops) : nlohmann::ordered_json(nullptr)},
      {"flops_note", "multiply-add = 2 FLOPs; elementwise = 1 per output element; folded constants excluded"},
      {"folded_nodes", s.folded_nodes},
      {"uncounted_nodes", uncounted},
  };
  return j;
}

void print_tensors(const char* title, const std::vector<TensorDesc>& ts) {
  std::printf("%s\n", title);
  size_t width = 4;
  for (const TensorDesc& t : ts) width = std::max(width, t.name.size());
  for (const TensorDesc& t : ts) {
    std::string line = fmt::format("  {:<{}}  {:<8} {}", t.name, width, dtype_name(t.dtype), shape_text(t.shape));
    if (t.inferred_shape && t.inferred_shape != t.shape) line += "  (inferred: " + shape_text(t.inferred_shape) + ")";
    std::printf("%s\n", line.c_str());
  }
}

void print_text(const ModelSummary& s) {
  std::printf("model        %s\n", s.path.c_str());
  if (!s.graph_name.empty()) std::printf("graph        %s\n", s.graph_name.c_str());
  std::printf("producer     %s\n", s.producer.empty() ? "(none)" : s.producer.c_str());
  std::printf("ir version   %lld, opset %lld\n", static_cast<long long>(s.ir_version), static_cast<long long>(s.opset));
  print_tensors("inputs", s.inputs);
  print_tensors("outputs", s.outputs);
  std::printf("nodes        %lld (%zu op types)\n", static_cast<long long>(s.node_count), s.op_histogram.size());
  size_t width = 4;
  for (const OpCount& c : s.op_histogram) width = std::max(width, c.op_type.size());
  for (const OpCount& c : s.op_histogram) {
    std::string line = fmt::format("  {:<{}} {:>6}", c.op_type, width, c.count);
    if (c.flops > 0) line += "   " + si(c.flops, "FLOPs");
    std::printf("%s\n", line.c_str());
  }
  std::printf("parameters   %s (%lld) in %lld initializers%s, %s\n", si(static_cast<double>(s.parameter_count), "").c_str(),
              static_cast<long long>(s.parameter_count), static_cast<long long>(s.initializer_count),
              s.constant_node_tensors
                  ? fmt::format(" and {} Constant nodes", s.constant_node_tensors).c_str()
                  : "",
              si(static_cast<double>(s.parameter_bytes), "B").c_str());
  if (!s.unsupported_ops.empty()) {
    std::printf("unsupported  %s\n", s.unsupported_ops.c_str());
    std::printf("FLOPs        not computed (shape inference needs every op supported)\n");
    return;
  }
  if (!s.shapes_inferred) std::printf("shapes       inference stopped: %s\n", s.shape_error.c_str());
  std::printf("FLOPs        %s (%.0f; multiply-add = 2, elementwise = 1 per output element)\n",
              si(s.flops, "FLOPs").c_str(), s.flops);
  for (const std::string& a : s.assumptions) std::printf("  assumed %s\n", a.c_str());
  if (!s.assumptions.empty()) std::printf("  (give --shapes NAME:1x3x640x640 for the FLOPs at your input size)\n");
  if (s.folded_nodes)
    std::printf("  %lld node%s folded at build time (not counted)\n", static_cast<long long>(s.folded_nodes),
                s.folded_nodes == 1 ? "" : "s");
  if (!s.uncounted.empty()) {
    std::printf("  %zu node%s not counted:\n", s.uncounted.size(), s.uncounted.size() == 1 ? "" : "s");
    for (size_t i = 0; i < s.uncounted.size() && i < 10; ++i)
      std::printf("    %s: %s\n", s.uncounted[i].node.c_str(), s.uncounted[i].reason.c_str());
    if (s.uncounted.size() > 10) std::printf("    ... (%zu more; --json lists all)\n", s.uncounted.size() - 10);
  }
  std::printf("unsupported  none\n");
}

// A plan: its header (what it was built for and from), tactics and memory report; the graph with
// --dumpGraph. Reading it checks the checksums and the graph, not the GPU.
int inspect_plan(const InspectOptions& o) {
  auto plan = read_plan_file(o.model);
  if (!plan.is_ok()) return report_error(plan.status().message());
  const PlanHeader& h = plan->header;
  std::printf("plan         %s (format %u, fovea %s)\n", o.model.c_str(), h.format_version, h.fovea_version.c_str());
  std::printf("built from   %s (%s)\n", h.source_model.c_str(), h.onnx_hash.c_str());
  std::printf("built for    %s sm_%d%d, CUDA %d, cuDNN %d, cuBLAS %d\n", h.environment.gpu_name.c_str(),
              h.environment.compute_major, h.environment.compute_minor, h.environment.cuda_runtime_version,
              h.environment.cudnn_version, h.environment.cublas_version);
  std::printf("options      %s\n", h.build_options_json.c_str());
  std::printf("graph        %zu nodes, %zu inputs, %zu outputs\n", plan->graph.nodes().size(), plan->graph.inputs.size(),
              plan->graph.outputs.size());
  for (const Value* v : plan->graph.inputs)
    std::printf("  input  %s %s %s\n", v->name.c_str(), std::string(dtype_name(v->dtype)).c_str(),
                v->shape ? shape_to_string(*v->shape).c_str() : "?");
  for (const Value* v : plan->graph.outputs)
    std::printf("  output %s %s %s\n", v->name.c_str(), std::string(dtype_name(v->dtype)).c_str(),
                v->shape ? shape_to_string(*v->shape).c_str() : "?");
  std::map<std::string, int> by_tactic;
  for (const auto& [node, t] : plan->tactics) ++by_tactic[t.name];
  std::printf("tactics      %zu layers\n", plan->tactics.size());
  for (const auto& [name, n] : by_tactic) std::printf("  %4d x %s\n", n, name.c_str());
  std::printf("memory       %s\n", plan->memory_report.c_str());
  if (o.dump_graph) std::printf("\n%s", plan->graph.dump().c_str());
  return 0;
}

int run_inspect(const InspectOptions& o) {
  if (o.model.size() > 5 && o.model.ends_with(".plan")) return inspect_plan(o);
  auto overrides = parse_shape_overrides(o.shapes);
  if (!overrides.is_ok()) return report_error(overrides.status().message());
  auto summary = summarize_model(o.model, *overrides);
  if (!summary.is_ok()) return report_error(summary.status().message());
  if (o.json) std::printf("%s\n", to_json(*summary).dump(2).c_str());
  else print_text(*summary);
  if (o.dump_graph || (o.optimize && !o.json)) {
    auto graph = load_onnx_model(o.model);
    if (!graph.is_ok()) return report_error(graph.status().message());
    if (o.optimize) {
      auto report = optimize_graph(*graph);
      if (!report.is_ok()) return report_error(report.status().message());
      std::printf("\noptimized graph (rewrites per pass):\n%s", report->to_string().c_str());
    }
    if (o.dump_graph) std::printf("\n%s", graph->dump().c_str());
  }
  return 0;
}

}  // namespace

void add_inspect_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Describe a model: I/O, ops, parameters, FLOPs, unsupported ops");
  cmd->add_option("model", opts->model, "ONNX model file, or a .plan (prints its header, tactics and memory)")->required();
  cmd->add_flag("--json", opts->json, "Print the summary as JSON");
  cmd->add_flag("--dumpGraph", opts->dump_graph, "Also print the graph: every node with its inputs and typed outputs");
  cmd->add_flag("--optimize", opts->optimize,
                "Run the optimization passes (folding, fusion) and print their report; with --dumpGraph the graph printed is the optimized one");
  cmd->add_option("--shapes", opts->shapes,
                  "Input shapes for FLOP counting, NAME:1x3x640x640 (symbolic dims default to 1)");
  cmd->callback([opts, &exit_code] { exit_code = run_inspect(*opts); });
}

}  // namespace fovea::cli
