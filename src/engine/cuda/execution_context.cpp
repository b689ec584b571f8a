#include "engine/cuda/execution_context.h"

#include <cublasLt.h>
#include <cudnn.h>

#include <algorithm>
#include <cstring>

#include "core/logging.h"
#include "engine/shape_resolver.h"
#include "planner/memory_plan.h"

namespace fovea::cuda {

namespace {
constexpr size_t kAlignment = 256;
size_t align_up(size_t x) { return (x + kAlignment - 1) / kAlignment * kAlignment; }
// Floor for the shared kernel workspace (reductions, TopK, ... use it too).
constexpr size_t kMinWorkspace = size_t{32} << 20;

// Stream-ordered allocations for eager runs; memory stays in the pool between runs.
class PoolAllocator final : public DeviceAllocator {
 public:
  explicit PoolAllocator(std::vector<void*>& owned) : owned_(owned) {}
  Result<void*> allocate(size_t bytes, cudaStream_t stream) override {
    void* p = nullptr;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMallocAsync(&p, std::max<size_t>(bytes, 1), stream));
    owned_.push_back(p);
    return p;
  }

 private:
  std::vector<void*>& owned_;
};
}  // namespace

struct ExecutionContext::ShapeSetup {
  std::map<std::string, Dims> input_dims;
  std::unique_ptr<ShapeResolver> resolver;
  planner::GraphMemoryPlan plan;
  struct Step {
    size_t index;
    GpuKernelContext::Args args;
  };
  std::vector<Step> steps;
  DeviceBuffer uploads;  // host-computed values that device nodes read
  std::map<std::string, DeviceTensor> inputs, outputs;
  int direct_runs = 0;
  bool graph_failed = false;
  cudaGraphExec_t graph_exec = nullptr;
  std::map<std::string, const void*> graph_bound_inputs;
  std::map<std::string, void*> graph_bound_outputs;
  ~ShapeSetup() {
    if (graph_exec) cudaGraphExecDestroy(graph_exec);
  }
};

ExecutionContext::ExecutionContext(std::shared_ptr<const Engine> engine) : engine_(std::move(engine)) {}

ExecutionContext::~ExecutionContext() {
  setups_.clear();
  for (void* p : eager_allocations_) cudaFree(p);
  if (cudnn_) cudnnDestroy(cudnn_);
  if (cublaslt_) cublasLtDestroy(cublaslt_);
}

Result<std::unique_ptr<ExecutionContext>> ExecutionContext::create(std::shared_ptr<const Engine> engine) {
  std::unique_ptr<ExecutionContext> c(new ExecutionContext(std::move(engine)));
  FOVEA_RETURN_IF_ERROR(c->init());
  return c;
}

Status ExecutionContext::init() {
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnCreate(&cudnn_));
  FOVEA_CUBLAS_RETURN_IF_ERROR(cublasLtCreate(&cublaslt_));
  node_states_.resize(engine_->order().size());
  use_graphs_ = engine_->config().enable_cuda_graphs;

  size_t workspace = kMinWorkspace;
  for (size_t i = 0; i < engine_->order().size(); ++i)
    if (const Tactic* t = engine_->tactic(i)) workspace = std::max(workspace, align_up(t->workspace_bytes));
  workspace = std::min(workspace, std::max(engine_->config().workspace_bytes, kMinWorkspace));
  FOVEA_ASSIGN_OR_RETURN(workspace_, DeviceBuffer::allocate(workspace, "the kernel workspace"));

  if (engine_->has_data_dependent_nodes()) {
    // Eager mode: the arena holds only the graph inputs, at the profile's max dims.
    cudaMemPool_t pool;
    int device = 0;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaDeviceGetDefaultMemPool(&pool, device));
    uint64_t keep = UINT64_MAX;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
    size_t bytes = 0;
    const auto max_dims = profile_dims(engine_->profile(), ProfilePoint::kMax);
    for (const Value* in : engine_->graph().inputs)
      bytes += align_up(static_cast<size_t>(element_count(max_dims.at(in->name))) * dtype_size(in->dtype));
    FOVEA_ASSIGN_OR_RETURN(arena_, DeviceBuffer::allocate(bytes, "the input buffers"));
    log::info("execution context: data-dependent ops present, running eagerly (no CUDA graph)");
  } else {
    // Size the arena for the largest shapes once, so no later shape allocates.
    // (Not possible when shape inputs come from the host: then the first run sizes it.)
    if (engine_->host_inputs().empty()) {
      input_dims_ = profile_dims(engine_->profile(), ProfilePoint::kMax);
      FOVEA_ASSIGN_OR_RETURN(auto max_setup, make_setup(input_dims_));
      setups_[setup_key()] = std::move(max_setup);
    }
  }
  input_dims_ = profile_dims(engine_->profile(), ProfilePoint::kOpt);
  return Status::ok();
}

Status ExecutionContext::set_input_value(const std::string& name, const Tensor& value) {
  if (!engine_->host_inputs().count(name))
    return invalid_argument("input '{}' is not read on the host; bind it as a device buffer", name);
  FOVEA_RETURN_IF_ERROR(set_input_shape(name, value.dims()));
  host_input_values_[name] = value.clone();
  return Status::ok();
}

std::string ExecutionContext::setup_key() const {
  std::string key = shape_signature(input_dims_);
  for (const auto& [name, t] : host_input_values_) {
    key += name + "=";
    for (int64_t i = 0; i < t.numel(); ++i) key += fmt::format("{},", t.double_at(i));
    key += ";";
  }
  return key;
}

Status ExecutionContext::set_input_shape(const std::string& name, const Dims& dims) {
  FOVEA_RETURN_IF_ERROR(check_within_profile(engine_->profile(), name, dims));
  input_dims_[name] = dims;
  return Status::ok();
}

Result<std::unique_ptr<ExecutionContext::ShapeSetup>> ExecutionContext::make_setup(
    const std::map<std::string, Dims>& dims) {
  const Engine& e = *engine_;
  const Graph& g = e.graph();
  auto s = std::make_unique<ShapeSetup>();
  s->input_dims = dims;
  s->resolver = std::make_unique<ShapeResolver>(g);
  ShapeResolver& r = *s->resolver;
  for (const std::string& name : e.host_inputs())
    if (!host_input_values_.count(name))
      return invalid_argument("input '{}' is read on the host (it feeds a shape input): give it with set_input_value",
                              name);
  FOVEA_RETURN_IF_ERROR(r.set_inputs(dims, host_input_values_));

  std::vector<const Node*> device_order;
  std::vector<size_t> device_steps;
  for (size_t i = 0; i < e.order().size(); ++i) {
    FOVEA_ASSIGN_OR_RETURN(NodePlacement p, r.resolve(*e.order()[i], e.kernel(i).data_dependent));
    if (p == NodePlacement::kHost) continue;
    device_order.push_back(e.order()[i]);
    device_steps.push_back(i);
  }

  // Device values: graph inputs and the outputs of device nodes. Host-computed values that the
  // device reads (or that are graph outputs) are uploaded once per shape.
  std::map<const Value*, Dims> device_dims;
  for (const Value* in : g.inputs) device_dims[in] = *r.dims(in);
  for (const Node* n : device_order)
    for (const Value* o : n->outputs)
      if (o) device_dims[o] = *r.dims(o);
  std::vector<const Value*> uploads;
  auto needs_upload = [&](const Value* v) {
    return v && !v->constant && !device_dims.count(v) && r.host_value(v) &&
           std::find(uploads.begin(), uploads.end(), v) == uploads.end();
  };
  for (const Node* n : device_order)
    for (const Value* v : n->inputs)
      if (needs_upload(v)) uploads.push_back(v);
  for (const Value* o : g.outputs)
    if (needs_upload(o)) uploads.push_back(o);

  FOVEA_ASSIGN_OR_RETURN(s->plan, planner::plan_graph_memory(g, device_order, device_dims));
  if (s->plan.arena_bytes > arena_.size()) {
    if (arena_.size() > 0)
      log::warn("execution context: shapes {} need a {} MiB arena, more than the {} MiB planned at the profile's "
                "max; growing it", shape_signature(dims), s->plan.arena_bytes >> 20, arena_.size() >> 20);
    setups_.clear();  // their pointers refer to the old arena
    arena_.reset();
    FOVEA_ASSIGN_OR_RETURN(arena_, DeviceBuffer::allocate(s->plan.arena_bytes, "the activation arena"));
  }

  std::map<const Value*, void*> upload_ptr;
  size_t upload_bytes = 0;
  for (const Value* v : uploads) upload_bytes += align_up(r.host_value(v)->nbytes());
  FOVEA_ASSIGN_OR_RETURN(s->uploads, DeviceBuffer::allocate(upload_bytes, "shape-dependent constants"));
  size_t off = 0;
  for (const Value* v : uploads) {
    const Tensor& t = *r.host_value(v);
    upload_ptr[v] = s->uploads.bytes_ptr() + off;
    if (t.nbytes()) FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpy(upload_ptr[v], t.raw_data(), t.nbytes(), cudaMemcpyHostToDevice));
    off += align_up(t.nbytes());
  }

  auto device_tensor = [&](const Value* v) -> Result<DeviceTensor> {
    DeviceTensor t;
    t.dtype = v->dtype;
    t.dims = *r.dims(v);
    if (v->constant) {
      t.data = const_cast<void*>(e.weight(v));
    } else if (auto it = upload_ptr.find(v); it != upload_ptr.end()) {
      t.data = it->second;
    } else if (auto pl = s->plan.placement.find(v); pl != s->plan.placement.end()) {
      t.data = arena_.bytes_ptr() + pl->second.offset;
    } else {
      return internal_error("value '{}' has no device memory", v->name);
    }
    return t;
  };

  for (size_t k = 0; k < device_order.size(); ++k) {
    const Node* n = device_order[k];
    if (s->plan.skipped_nodes.count(n)) continue;
    ShapeSetup::Step step;
    step.index = device_steps[k];
    step.args.node = n;
    step.args.opset = g.opset;
    step.args.tactic = e.tactic(step.index);
    step.args.state = &node_states_[step.index];
    for (const Value* v : n->inputs) {
      if (!v) {
        step.args.inputs.emplace_back();
        step.args.host_inputs.push_back(nullptr);
        continue;
      }
      FOVEA_ASSIGN_OR_RETURN(DeviceTensor t, device_tensor(v));
      step.args.inputs.push_back(t);
      step.args.host_inputs.push_back(r.host_value(v));
    }
    for (const Value* v : n->outputs) {
      if (!v) {
        step.args.outputs.emplace_back();
        continue;
      }
      FOVEA_ASSIGN_OR_RETURN(DeviceTensor t, device_tensor(v));
      step.args.outputs.push_back(t);
    }
    s->steps.push_back(std::move(step));
  }
  for (const Value* in : g.inputs) {
    FOVEA_ASSIGN_OR_RETURN(s->inputs[in->name], device_tensor(in));
  }
  for (const Value* out : g.outputs) {
    FOVEA_ASSIGN_OR_RETURN(s->outputs[out->name], device_tensor(out));
  }
  log::debug("execution context: shapes {}: {} device steps, {} skipped (views), arena {:.1f} MiB (naive {:.1f} MiB)",
             shape_signature(dims), s->steps.size(), s->plan.skipped_nodes.size(), s->plan.arena_bytes / 1048576.0,
             s->plan.naive_bytes / 1048576.0);
  return s;
}

Result<ExecutionContext::ShapeSetup*> ExecutionContext::current_setup() {
  const std::string key = setup_key();
  auto it = setups_.find(key);
  if (it != setups_.end()) return it->second.get();
  FOVEA_ASSIGN_OR_RETURN(auto s, make_setup(input_dims_));
  ShapeSetup* raw = s.get();
  setups_[key] = std::move(s);
  return raw;
}

Result<DeviceTensor> ExecutionContext::input_tensor(const std::string& name) {
  if (engine_->has_data_dependent_nodes()) {
    size_t off = 0;
    for (const Value* in : engine_->graph().inputs) {
      const Dims& d = input_dims_.at(in->name);
      if (in->name == name) return DeviceTensor{arena_.bytes_ptr() + off, in->dtype, d};
      const auto max_dims = profile_dims(engine_->profile(), ProfilePoint::kMax);
      off += align_up(static_cast<size_t>(element_count(max_dims.at(in->name))) * dtype_size(in->dtype));
    }
    return not_found("the engine has no input named '{}'", name);
  }
  FOVEA_ASSIGN_OR_RETURN(ShapeSetup * s, current_setup());
  auto it = s->inputs.find(name);
  if (it == s->inputs.end()) return not_found("the engine has no input named '{}'", name);
  return it->second;
}

Result<DeviceTensor> ExecutionContext::output_tensor(const std::string& name) {
  if (engine_->has_data_dependent_nodes()) {
    auto it = eager_outputs_.find(name);
    if (it == eager_outputs_.end()) return not_found("no output named '{}' from a previous run", name);
    return it->second;
  }
  FOVEA_ASSIGN_OR_RETURN(ShapeSetup * s, current_setup());
  auto it = s->outputs.find(name);
  if (it == s->outputs.end()) return not_found("the engine has no output named '{}'", name);
  return it->second;
}

Status ExecutionContext::bind_input(const std::string& name, const void* device_ptr) {
  bool known = false;
  for (const Value* in : engine_->graph().inputs) known |= in->name == name;
  if (!known) return not_found("the engine has no input named '{}'", name);
  if (device_ptr) bound_inputs_[name] = device_ptr; else bound_inputs_.erase(name);
  return Status::ok();
}

Status ExecutionContext::bind_output(const std::string& name, void* device_ptr) {
  bool known = false;
  for (const Value* out : engine_->graph().outputs) known |= out->name == name;
  if (!known) return not_found("the engine has no output named '{}'", name);
  if (device_ptr) bound_outputs_[name] = device_ptr; else bound_outputs_.erase(name);
  return Status::ok();
}

Status ExecutionContext::bind_stream(cudaStream_t stream) {
  if (stream != bound_stream_) {
    FOVEA_CUDNN_RETURN_IF_ERROR(cudnnSetStream(cudnn_, stream));
    bound_stream_ = stream;
  }
  return Status::ok();
}

Status ExecutionContext::enqueue_copies_in(ShapeSetup& s, cudaStream_t stream) {
  for (const auto& [name, ptr] : bound_inputs_) {
    const DeviceTensor& t = s.inputs.at(name);
    if (ptr != t.data && t.nbytes())
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(t.data, ptr, t.nbytes(), cudaMemcpyDeviceToDevice, stream));
  }
  return Status::ok();
}

Status ExecutionContext::enqueue_copies_out(ShapeSetup& s, cudaStream_t stream) {
  for (const auto& [name, ptr] : bound_outputs_) {
    const DeviceTensor& t = s.outputs.at(name);
    if (ptr != t.data && t.nbytes())
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(ptr, t.data, t.nbytes(), cudaMemcpyDeviceToDevice, stream));
  }
  return Status::ok();
}

Status ExecutionContext::enqueue_steps(ShapeSetup& s, cudaStream_t stream, std::vector<cudaEvent_t>* events) {
  GpuResources res{stream, cudnn_, cublaslt_, workspace_.get(), workspace_.size()};
  for (size_t k = 0; k < s.steps.size(); ++k) {
    GpuKernelContext::Args args = s.steps[k].args;
    args.resources = res;
    GpuKernelContext ctx(std::move(args));
    Status st = engine_->kernel(s.steps[k].index).run(ctx);
    if (!st.is_ok()) return st;
    cudaError_t launch = cudaPeekAtLastError();
    if (launch != cudaSuccess) {
      cudaGetLastError();
      return internal_error("{}: kernel launch failed: {}", ctx.node().describe(), cudaGetErrorString(launch));
    }
    if (events) FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord((*events)[k + 1], stream));
  }
  return Status::ok();
}

Status ExecutionContext::enqueue(cudaStream_t stream) {
  FOVEA_RETURN_IF_ERROR(bind_stream(stream));
  if (engine_->has_data_dependent_nodes()) return run_eager(stream);
  FOVEA_ASSIGN_OR_RETURN(ShapeSetup * s, current_setup());
  // The first run of a shape is direct (libraries initialize lazily); later runs replay a graph.
  const bool graphs = use_graphs_ && stream != nullptr && !s->graph_failed && s->direct_runs > 0;
  if (!graphs) {
    FOVEA_RETURN_IF_ERROR(enqueue_copies_in(*s, stream));
    FOVEA_RETURN_IF_ERROR(enqueue_steps(*s, stream, nullptr));
    FOVEA_RETURN_IF_ERROR(enqueue_copies_out(*s, stream));
    ++s->direct_runs;
    return Status::ok();
  }
  if (s->graph_exec && (s->graph_bound_inputs != bound_inputs_ || s->graph_bound_outputs != bound_outputs_)) {
    cudaGraphExecDestroy(s->graph_exec);
    s->graph_exec = nullptr;
  }
  if (!s->graph_exec) {
    FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    Status st = enqueue_copies_in(*s, stream);
    if (st.is_ok()) st = enqueue_steps(*s, stream, nullptr);
    if (st.is_ok()) st = enqueue_copies_out(*s, stream);
    cudaGraph_t graph = nullptr;
    cudaError_t end = cudaStreamEndCapture(stream, &graph);
    if (!st.is_ok() || end != cudaSuccess || !graph) {
      cudaGetLastError();
      if (graph) cudaGraphDestroy(graph);
      s->graph_failed = true;
      log::warn("CUDA graph capture failed for shapes {} ({}); running without a graph",
                shape_signature(s->input_dims), st.is_ok() ? cudaGetErrorString(end) : st.message());
      return enqueue(stream);
    }
    cudaError_t inst = cudaGraphInstantiate(&s->graph_exec, graph, 0);
    cudaGraphDestroy(graph);
    if (inst != cudaSuccess) {
      cudaGetLastError();
      s->graph_exec = nullptr;
      s->graph_failed = true;
      log::warn("CUDA graph instantiation failed ({}); running without a graph", cudaGetErrorString(inst));
      return enqueue(stream);
    }
    s->graph_bound_inputs = bound_inputs_;
    s->graph_bound_outputs = bound_outputs_;
  }
  FOVEA_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(s->graph_exec, stream));
  return Status::ok();
}

bool ExecutionContext::cuda_graphs_active() const {
  auto it = setups_.find(setup_key());
  return it != setups_.end() && it->second->graph_exec != nullptr;
}

Status ExecutionContext::run_eager(cudaStream_t stream) {
  const Engine& e = *engine_;
  const Graph& g = e.graph();
  for (void* p : eager_allocations_) cudaFreeAsync(p, stream);
  eager_allocations_.clear();
  eager_outputs_.clear();
  ShapeResolver r(g);
  FOVEA_RETURN_IF_ERROR(r.set_inputs(input_dims_, host_input_values_));
  std::map<const Value*, DeviceTensor> live;
  for (const Value* in : g.inputs) {
    FOVEA_ASSIGN_OR_RETURN(DeviceTensor t, input_tensor(in->name));
    if (auto b = bound_inputs_.find(in->name); b != bound_inputs_.end() && t.nbytes())
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(t.data, b->second, t.nbytes(), cudaMemcpyDeviceToDevice, stream));
    live[in] = t;
  }
  PoolAllocator pool(eager_allocations_);
  auto device_value = [&](const Value* v) -> Result<DeviceTensor> {
    if (auto it = live.find(v); it != live.end()) return it->second;
    DeviceTensor t{nullptr, v->dtype, *r.dims(v)};
    if (v->constant) {
      t.data = const_cast<void*>(e.weight(v));
    } else if (const Tensor* h = r.host_value(v)) {
      FOVEA_ASSIGN_OR_RETURN(t.data, pool.allocate(h->nbytes(), stream));
      if (h->nbytes())
        FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(t.data, h->raw_data(), h->nbytes(), cudaMemcpyHostToDevice, stream));
      // The host tensor lives in `r` until the end of this function; make the copy finish first.
      FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    } else {
      return internal_error("value '{}' was not computed", v->name);
    }
    live[v] = t;
    return t;
  };
  GpuResources res{stream, cudnn_, cublaslt_, workspace_.get(), workspace_.size()};
  for (size_t i = 0; i < e.order().size(); ++i) {
    const Node* n = e.order()[i];
    FOVEA_ASSIGN_OR_RETURN(NodePlacement p, r.resolve(*n, e.kernel(i).data_dependent));
    if (p == NodePlacement::kHost) continue;
    GpuKernelContext::Args args;
    args.node = n;
    args.opset = g.opset;
    args.tactic = e.tactic(i);
    args.state = &node_states_[i];
    args.resources = res;
    args.allocator = &pool;
    for (const Value* v : n->inputs) {
      if (!v) { args.inputs.emplace_back(); args.host_inputs.push_back(nullptr); continue; }
      FOVEA_ASSIGN_OR_RETURN(DeviceTensor t, device_value(v));
      args.inputs.push_back(t);
      args.host_inputs.push_back(r.host_value(v));
    }
    for (const Value* v : n->outputs) {
      if (!v) { args.outputs.emplace_back(); continue; }
      DeviceTensor t{nullptr, v->dtype, {}};
      if (p == NodePlacement::kDevice) {
        t.dims = *r.dims(v);
        FOVEA_ASSIGN_OR_RETURN(t.data, pool.allocate(t.nbytes(), stream));
      }
      args.outputs.push_back(t);
    }
    GpuKernelContext ctx(std::move(args));
    FOVEA_RETURN_IF_ERROR(e.kernel(i).run(ctx));
    cudaError_t launch = cudaPeekAtLastError();
    if (launch != cudaSuccess) {
      cudaGetLastError();
      return internal_error("{}: kernel launch failed: {}", n->describe(), cudaGetErrorString(launch));
    }
    for (size_t k = 0; k < n->outputs.size(); ++k) {
      if (!n->outputs[k]) continue;
      if (p == NodePlacement::kDeviceDataDependent) {
        if (!ctx.output(k).data && ctx.output(k).numel() > 0)
          return internal_error("{}: data-dependent kernel left output {} unallocated", n->describe(), k);
        r.set_dims(n->outputs[k], ctx.output(k).dims);
      }
      live[n->outputs[k]] = ctx.output(k);
    }
  }
  for (const Value* out : g.outputs) {
    FOVEA_ASSIGN_OR_RETURN(DeviceTensor t, device_value(out));
    eager_outputs_[out->name] = t;
    if (auto b = bound_outputs_.find(out->name); b != bound_outputs_.end() && t.nbytes())
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(b->second, t.data, t.nbytes(), cudaMemcpyDeviceToDevice, stream));
  }
  return Status::ok();
}

Result<std::vector<Tensor>> ExecutionContext::run(const std::map<std::string, Tensor>& inputs, cudaStream_t stream) {
  const Graph& g = engine_->graph();
  for (const Value* in : g.inputs) {
    auto it = inputs.find(in->name);
    if (it == inputs.end()) return not_found("no tensor given for input '{}'", in->name);
    if (it->second.dtype() != in->dtype)
      return invalid_argument("input '{}' has dtype {}, the engine expects {}", in->name,
                              dtype_name(it->second.dtype()), dtype_name(in->dtype));
    if (engine_->host_inputs().count(in->name)) {
      FOVEA_RETURN_IF_ERROR(set_input_value(in->name, it->second));
    } else {
      FOVEA_RETURN_IF_ERROR(set_input_shape(in->name, it->second.dims()));
    }
  }
  for (const auto& [name, t] : inputs)
    if (!input_dims_.count(name)) return not_found("the engine has no input named '{}'", name);
  if (!bound_inputs_.empty()) return invalid_argument("run() takes host tensors; unbind the device inputs first");
  size_t in_bytes = 0;
  for (const auto& [name, t] : inputs) in_bytes += align_up(t.nbytes());
  FOVEA_RETURN_IF_ERROR(staging_.reserve(std::max<size_t>(in_bytes, 1)));
  size_t off = 0;
  for (const Value* in : g.inputs) {
    const Tensor& t = inputs.at(in->name);
    FOVEA_ASSIGN_OR_RETURN(DeviceTensor d, input_tensor(in->name));
    if (t.nbytes()) {
      std::memcpy(staging_.data() + off, t.raw_data(), t.nbytes());
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(d.data, staging_.data() + off, t.nbytes(), cudaMemcpyHostToDevice, stream));
    }
    off += align_up(t.nbytes());
  }
  FOVEA_RETURN_IF_ERROR(enqueue(stream));
  std::vector<DeviceTensor> outs;
  size_t out_bytes = 0;
  for (const Value* out : g.outputs) {
    FOVEA_ASSIGN_OR_RETURN(DeviceTensor d, output_tensor(out->name));
    outs.push_back(d);
    out_bytes += align_up(d.nbytes());
  }
  // The inputs' staging may still be read by the copies above: synchronize before reusing it.
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  FOVEA_RETURN_IF_ERROR(staging_.reserve(std::max<size_t>(out_bytes, 1)));
  off = 0;
  for (const DeviceTensor& d : outs) {
    if (d.nbytes())
      FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(staging_.data() + off, d.data, d.nbytes(), cudaMemcpyDeviceToHost, stream));
    off += align_up(d.nbytes());
  }
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  std::vector<Tensor> result;
  off = 0;
  for (const DeviceTensor& d : outs) {
    FOVEA_ASSIGN_OR_RETURN(Tensor t, Tensor::from_bytes(d.dtype, d.dims, {staging_.data() + off, d.nbytes()}));
    result.push_back(std::move(t));
    off += align_up(d.nbytes());
  }
  return result;
}

Result<std::vector<LayerTime>> ExecutionContext::profile_layers(cudaStream_t stream) {
  if (engine_->has_data_dependent_nodes()) return unsupported("per-layer profiles of data-dependent graphs are not supported");
  FOVEA_RETURN_IF_ERROR(bind_stream(stream));
  FOVEA_ASSIGN_OR_RETURN(ShapeSetup * s, current_setup());
  std::vector<cudaEvent_t> events(s->steps.size() + 1);
  for (auto& ev : events) FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreate(&ev));
  Status st = [&]() -> Status {
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[0], stream));
    FOVEA_RETURN_IF_ERROR(enqueue_steps(*s, stream, &events));
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(events.back()));
    return Status::ok();
  }();
  std::vector<LayerTime> times;
  if (st.is_ok()) {
    for (size_t k = 0; k < s->steps.size(); ++k) {
      float ms = 0;
      cudaEventElapsedTime(&ms, events[k], events[k + 1]);
      times.push_back({s->steps[k].args.node, ms});
    }
  }
  for (auto& ev : events) cudaEventDestroy(ev);
  if (!st.is_ok()) return st;
  return times;
}

Result<std::vector<std::pair<size_t, GpuKernelContext::Args>>> ExecutionContext::step_args(cudaStream_t stream) {
  if (engine_->has_data_dependent_nodes()) return unsupported("step arguments of data-dependent graphs");
  FOVEA_RETURN_IF_ERROR(bind_stream(stream));
  FOVEA_ASSIGN_OR_RETURN(ShapeSetup * s, current_setup());
  std::vector<std::pair<size_t, GpuKernelContext::Args>> out;
  for (const auto& step : s->steps) {
    GpuKernelContext::Args a = step.args;
    a.resources = GpuResources{stream, cudnn_, cublaslt_, workspace_.get(), workspace_.size()};
    out.emplace_back(step.index, std::move(a));
  }
  return out;
}

Result<std::pair<size_t, size_t>> ExecutionContext::activation_bytes() {
  if (engine_->has_data_dependent_nodes()) return std::pair<size_t, size_t>{0, 0};
  FOVEA_ASSIGN_OR_RETURN(ShapeSetup * s, current_setup());
  return std::pair<size_t, size_t>{s->plan.arena_bytes, s->plan.naive_bytes};
}

std::string ExecutionContext::memory_report() {
  auto s = current_setup();
  if (!s.is_ok()) return s.status().message();
  return s.value()->plan.report();
}

}  // namespace fovea::cuda
