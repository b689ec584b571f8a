// The CPU reference backend's kernel interface. A kernel receives its inputs and outputs already
// allocated with the shapes and dtypes the op's shape function computed; it fills the outputs
// (or replaces an output with a view of an input, for Reshape-like ops).
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea::cpu {

class CpuKernelContext {
 public:
  CpuKernelContext(const Node& node, int64_t opset, std::vector<const Tensor*> inputs, std::vector<Tensor>& outputs)
      : node_(node), opset_(opset), inputs_(std::move(inputs)), outputs_(outputs) {}

  const Node& node() const { return node_; }
  int64_t opset() const { return opset_; }
  size_t num_inputs() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i] != nullptr; }
  const Tensor& input(size_t i) const { return *inputs_[i]; }
  size_t num_outputs() const { return outputs_.size(); }
  // Output i; undefined (not allocated) when the node omits that optional output.
  Tensor& output(size_t i) { return outputs_[i]; }
  bool has_output(size_t i) const { return i < outputs_.size() && outputs_[i].defined(); }

  template <typename... Args>
  Status error(fmt::format_string<Args...> f, Args&&... args) const {
    return invalid_argument("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  Status unsupported_here(fmt::format_string<Args...> f, Args&&... args) const {
    return unsupported("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  // The standard error for an input dtype the kernel does not handle.
  Status unsupported_dtype(size_t input_index) const {
    return unsupported("{}: input {} has dtype {}, which the CPU kernel does not handle", node_.describe(),
                       input_index, dtype_name(inputs_[input_index]->dtype()));
  }

 private:
  const Node& node_;
  int64_t opset_;
  std::vector<const Tensor*> inputs_;
  std::vector<Tensor>& outputs_;
};

using CpuKernelFn = Status (*)(CpuKernelContext&);

struct CpuKernelEntry {
  std::string_view op_type;
  CpuKernelFn run;
  std::string_view domain = {};  // "" for the default ONNX domain; "fovea" for the fused ops
};

const std::vector<CpuKernelEntry>& cpu_kernel_table();
// The kernel of a default-domain op, or nullptr.
CpuKernelFn find_cpu_kernel(std::string_view op_type);
// The kernel of (domain, op_type), or nullptr. "" and "ai.onnx" are the default domain.
CpuKernelFn find_cpu_kernel(std::string_view domain, std::string_view op_type);

}  // namespace fovea::cpu
