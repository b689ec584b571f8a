#include "engine/cuda/engine.h"

#include <algorithm>

#include "core/logging.h"
#include "engine/shape_resolver.h"
#include "engine/cuda/execution_context.h"

namespace fovea::cuda {

namespace {
constexpr size_t kWeightAlignment = 256;
size_t align_up(size_t x, size_t a) { return (x + a - 1) / a * a; }
}  // namespace

Result<std::shared_ptr<Engine>> Engine::create(Graph graph, std::map<std::string, Tactic> tactics, BuildConfig config) {
  std::shared_ptr<Engine> e(new Engine());
  e->graph_ = std::move(graph);
  e->tactics_ = std::move(tactics);
  e->config_ = std::move(config);
  FOVEA_ASSIGN_OR_RETURN(e->profile_, resolve_input_profile(e->graph_, e->config_));
  FOVEA_ASSIGN_OR_RETURN(auto order, e->graph_.topological_order());
  std::string missing;
  for (const Node* n : order) {
    const GpuKernelEntry* k = find_gpu_kernel(n->domain, n->op_type);
    if (!k) missing += "\n  " + n->describe();
    e->order_.push_back(n);
    e->kernels_.push_back(k);
    auto t = e->tactics_.find(n->name);
    e->tactics_by_step_.push_back(t == e->tactics_.end() ? nullptr : &t->second);
    if (k && k->data_dependent) e->data_dependent_ = true;
  }
  if (!missing.empty()) return unsupported("no CUDA kernel for these nodes (nothing falls back to the CPU):{}", missing);

  // Graph inputs whose values shape inputs depend on (directly, or through small arithmetic
  // such as Cast/Mul/Range, but not through Shape/Size, which read only dims) are host inputs.
  std::set<const Value*> needed;
  std::vector<const Value*> work;
  for (const Node* n : order)
    for (size_t i = 0; i < n->inputs.size(); ++i)
      if (n->inputs[i] && !n->inputs[i]->constant && is_shape_input_slot(n->op_type, i) &&
          needed.insert(n->inputs[i]).second)
        work.push_back(n->inputs[i]);
  while (!work.empty()) {
    const Value* v = work.back();
    work.pop_back();
    if (!v->producer || v->producer->op_type == "Shape" || v->producer->op_type == "Size") continue;
    for (const Value* u : v->producer->inputs)
      if (u && !u->constant && needed.insert(u).second) work.push_back(u);
  }
  for (const Value* in : e->graph_.inputs)
    if (needed.count(in)) e->host_inputs_.insert(in->name);

  // Weights: every initializer a node reads or the graph outputs, in one device buffer.
  auto is_graph_output = [&](const Value* v) {
    return std::find(e->graph_.outputs.begin(), e->graph_.outputs.end(), v) != e->graph_.outputs.end();
  };
  size_t total = 0;
  std::vector<const Value*> weights;
  for (const auto& v : e->graph_.values()) {
    if (!v->constant || (v->consumers.empty() && !is_graph_output(v.get()))) continue;
    e->weight_offsets_[v.get()] = total;
    total = align_up(total + v->constant->nbytes(), kWeightAlignment);
    weights.push_back(v.get());
  }
  FOVEA_ASSIGN_OR_RETURN(e->weights_, DeviceBuffer::allocate(total, "weights"));
  for (const Value* v : weights) {
    const Tensor& t = *v->constant;
    if (t.nbytes() == 0) continue;
    FOVEA_CUDA_RETURN_IF_ERROR(
        cudaMemcpy(e->weights_.bytes_ptr() + e->weight_offsets_[v], t.raw_data(), t.nbytes(), cudaMemcpyHostToDevice));
  }
  log::debug("engine: {} nodes, {} weight tensors, {:.1f} MiB of weights on the GPU", e->order_.size(), weights.size(),
            total / 1048576.0);
  return e;
}

const void* Engine::weight(const Value* v) const {
  auto it = weight_offsets_.find(v);
  return it == weight_offsets_.end() ? nullptr : weights_.bytes_ptr() + it->second;
}

Result<Graph> Engine::into_graph(std::shared_ptr<Engine> engine) {
  if (engine.use_count() != 1) return internal_error("Engine::into_graph: the engine is still in use");
  return std::move(engine->graph_);
}

Result<std::unique_ptr<ExecutionContext>> Engine::create_execution_context() {
  return ExecutionContext::create(shared_from_this());
}

}  // namespace fovea::cuda
