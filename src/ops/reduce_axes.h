// Axis handling shared by the reduction ops (Reduce*, ArgMax, ArgMin): which input axes are
// reduced, and the output shape that follows. Used by the shape functions and the CPU kernels.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/shape.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea {

struct ReduceAxes {
  std::vector<bool> reduced;  // one flag per input axis
  bool keepdims = true;
  bool identity = false;      // empty axes with noop_with_empty_axes=1: output = input
};

// True when this Reduce* op takes its axes as input 1 at `opset` (ReduceSum from 13, others from 18).
bool reduce_axes_from_input(std::string_view op_type, int64_t opset);

// The axes a Reduce* node reduces for an input of `rank`. `axes_input` is input 1's data when
// known (nullptr when omitted or not known yet; `axes_input_present` tells which). nullopt: the
// axes are not known yet (a non-constant axes input at build time).
Result<std::optional<ReduceAxes>> resolve_reduce_axes(const Node& node, int64_t opset, int64_t rank,
                                                      bool axes_input_present, const Tensor* axes_input);

// The single `axis` attribute of ArgMax/ArgMin (and keepdims), checked against `rank`.
Result<ReduceAxes> resolve_arg_reduce_axis(const Node& node, int64_t rank);

Shape reduced_shape(const Shape& input, const ReduceAxes& axes);
Dims reduced_dims(const Dims& input, const ReduceAxes& axes);

}  // namespace fovea
