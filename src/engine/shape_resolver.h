// Concrete shapes for one set of input dims, plus the small values the host computes itself
// (shape arithmetic: Shape -> Gather -> Concat -> Reshape), for running a graph on a device.
// Each node is classified: evaluated on the host, run on the device with known output dims, or
// run on the device with data-dependent output dims (known only after it ran).
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea {

enum class NodePlacement { kHost, kDevice, kDeviceDataDependent };

class ShapeResolver {
 public:
  // Host evaluation is limited to outputs of at most this many elements.
  static constexpr int64_t kMaxHostElements = 1 << 14;

  explicit ShapeResolver(const Graph& graph) : graph_(graph) {}

  // Starts over with these graph input dims, checked against the declared shapes (rank, fixed
  // dims, one value per symbolic name), and the host values of shape inputs (see
  // is_shape_input_slot), which must match their dims.
  Status set_inputs(const std::map<std::string, Dims>& input_dims,
                    const std::map<std::string, Tensor>& host_input_values = {});

  // Classifies `node` and records its outputs' dims (and values, for host nodes). Inputs must
  // be resolved. `device_data_dependent` says whether the device kernel is data-dependent.
  Result<NodePlacement> resolve(const Node& node, bool device_data_dependent);

  // Records the dims of a data-dependent output once its kernel ran.
  void set_dims(const Value* v, Dims dims) { dims_[v] = std::move(dims); }

  // Dims of a resolved value (initializers included), or nullptr.
  const Dims* dims(const Value* v) const;
  // Host data of an initializer or host-computed value, or nullptr.
  const Tensor* host_value(const Value* v) const;
  const std::unordered_map<const Value*, Tensor>& host_values() const { return host_values_; }

 private:
  const Graph& graph_;
  std::unordered_map<const Value*, Dims> dims_;
  std::unordered_map<const Value*, Tensor> host_values_;
};

// Whether input `index` of an op is read on the host (shapes, axes, pads, k, scales, ...), like
// TensorRT's shape tensors: a graph input feeding such a slot must be given as a host tensor.
bool is_shape_input_slot(const std::string& op_type, size_t index);

// Dims of every graph input for a shape signature, as text ("images:1x3x640x640;...").
std::string shape_signature(const std::map<std::string, Dims>& input_dims);

}  // namespace fovea
