// A GPU engine: an optimized graph whose weights live on the device, with the tactic chosen for
// each node. Shared (read-only) by any number of ExecutionContexts, each with its own
// activation arena, so several camera streams can run one engine concurrently.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/cuda/gpu_kernel.h"
#include "core/status.h"
#include "engine/build_config.h"
#include "engine/cuda/device_buffer.h"
#include "engine/engine_profile.h"
#include "ir/graph.h"

namespace fovea::cuda {

class ExecutionContext;

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  // Takes the optimized graph (initializers in their final dtype), the tactics by node name and
  // the build options; uploads the weights. Fails naming every node without a CUDA kernel.
  static Result<std::shared_ptr<Engine>> create(Graph graph, std::map<std::string, Tactic> tactics, BuildConfig config);

  const Graph& graph() const { return graph_; }
  const std::vector<const Node*>& order() const { return order_; }
  const GpuKernelEntry& kernel(size_t step) const { return *kernels_[step]; }
  // The tactic chosen for the node at `step`, or nullptr for the kernel's default.
  const Tactic* tactic(size_t step) const { return tactics_by_step_[step]; }
  const std::map<std::string, Tactic>& tactics() const { return tactics_; }
  // Device copy of an initializer, or nullptr.
  const void* weight(const Value* v) const;
  size_t weights_bytes() const { return weights_.size(); }
  const BuildConfig& config() const { return config_; }
  const InputProfile& profile() const { return profile_; }
  bool has_data_dependent_nodes() const { return data_dependent_; }
  // Graph inputs read on the host (they feed shape inputs: Reshape's shape, Slice's starts...):
  // give them with ExecutionContext::set_input_value, or as host tensors to run().
  const std::set<std::string>& host_inputs() const { return host_inputs_; }

  Result<std::unique_ptr<ExecutionContext>> create_execution_context();

  // Takes the graph back out of an engine nobody else holds (the builder, once timing is done).
  static Result<Graph> into_graph(std::shared_ptr<Engine> engine);

 private:
  Engine() = default;

  Graph graph_;
  std::vector<const Node*> order_;
  std::vector<const GpuKernelEntry*> kernels_;
  std::map<std::string, Tactic> tactics_;
  std::vector<const Tactic*> tactics_by_step_;
  BuildConfig config_;
  InputProfile profile_;
  DeviceBuffer weights_;
  std::unordered_map<const Value*, size_t> weight_offsets_;
  bool data_dependent_ = false;
  std::set<std::string> host_inputs_;
};

}  // namespace fovea::cuda
