// Sliding-window parameters shared by Conv, ConvTranspose, MaxPool and AveragePool: attribute
// parsing and the output-size / padding arithmetic, used by both the shape functions and the CPU
// kernels so that the pads and strides logic exists once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

inline constexpr int64_t kMaxSpatialRank = 8;

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

// Window attributes, validated but not yet resolved against an input size.
struct WindowAttrs {
  int64_t spatial_rank = 0;
  Dims kernel;        // kernel_shape
  Dims strides;       // all >= 1
  Dims dilations;     // all >= 1
  Dims pads;          // explicit pads: begins then ends (2 * spatial_rank), all >= 0
  AutoPad auto_pad = AutoPad::kNotSet;
  bool ceil_mode = false;
  // ConvTranspose only.
  Dims output_padding;  // per spatial dim, >= 0
  Dims output_shape;    // empty when absent; spatial dims only
};

// Resolved window for concrete (or partially known, -1) input spatial dims.
struct ResolvedWindow {
  Dims out;    // output spatial dims; -1 when unknown (input dim unknown)
  Dims pads;   // begins then ends; entries for unknown dims are 0
};

enum class WindowKind { kConv, kConvTranspose, kPool };

// Parses kernel_shape (from the weight's spatial dims when `kernel_from_weight` is non-empty and
// the attribute is absent), strides, dilations, pads, auto_pad, ceil_mode and, for
// ConvTranspose, output_padding and output_shape. `kernel_from_weight` entries may be -1
// (unknown at build time). Errors name the node.
Result<WindowAttrs> parse_window_attrs(const Node& node, WindowKind kind, int64_t spatial_rank,
                                       const Dims& kernel_from_weight);

// Output spatial dims and pads for input spatial dims `in` (-1 = unknown). Conv and pooling use
// the same formula (pooling may use ceil_mode); ConvTranspose inverts it.
Result<ResolvedWindow> resolve_window(const Node& node, WindowKind kind, const WindowAttrs& attrs, const Dims& in);

// Effective (dilated) kernel extent.
inline int64_t dilated_extent(int64_t k, int64_t d) { return (k - 1) * d + 1; }

// Input dims of a Shape as Dims with -1 for unknown dims.
Dims known_dims_or_minus_one(const Shape& s);

}  // namespace fovea
