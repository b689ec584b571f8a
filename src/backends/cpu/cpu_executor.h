// The CPU reference executor: runs a Graph node by node with the CPU kernels. It is the
// numerical specification every other backend is tested against.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea::cpu {

// Runs one node on known inputs (nullptr for omitted optional inputs): shape function, output
// allocation, kernel. Used by the executor and by build-time constant evaluation.
Result<std::vector<Tensor>> run_node(const Node& node, int64_t opset, const std::vector<const Tensor*>& inputs);

// Per-node time of the last run, in execution order.
struct NodeTiming {
  const Node* node;
  double milliseconds;
};

class CpuExecutor {
 public:
  // Fails, naming the nodes, if any op has no CPU kernel or the graph has a cycle.
  static Result<std::unique_ptr<CpuExecutor>> create(const Graph& graph);

  // Runs the graph. Inputs are by graph input name; each is checked against the declared dtype
  // and shape (symbolic dims must be consistent across inputs). Returns outputs in graph order.
  Result<std::vector<Tensor>> run(const std::map<std::string, Tensor>& inputs);

  const std::vector<NodeTiming>& last_timings() const { return timings_; }

 private:
  explicit CpuExecutor(const Graph& graph) : graph_(graph) {}
  Status check_inputs(const std::map<std::string, Tensor>& inputs) const;

  const Graph& graph_;
  std::vector<Node*> order_;
  std::map<const Value*, size_t> last_use_;  // index in order_ after which a value can be freed
  std::vector<NodeTiming> timings_;
};

}  // namespace fovea::cpu
