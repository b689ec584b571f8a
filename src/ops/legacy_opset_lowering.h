// Models of default-domain opset 1-6: rewrites the old op forms into the opset-7 forms that the
// shape functions and kernels implement, then marks the graph as opset 7 (every op that kept
// its meaning from opset 1..6 to 7 needs no rewrite). Rewrites, per the ONNX changelog:
//  - every op: consumed_inputs dropped (opset < 6 memory-reuse hint);
//  - Add/Sub/Mul/Div/Pow/And/Or/Xor/Equal/Greater/Less with broadcast/axis (< 7): broadcast=1 with
//    `axis` reshapes B to B.dims + [1]*(rank(A) - axis - rank(B)) (a constant B is reshaped in
//    place of an Unsqueeze node); B must match A's dims there (or be 1); broadcast=0 needs equal
//    shapes. The output always has A's shape;
//  - Gemm broadcast (< 7): dropped; broadcast=0 needs C of shape [M, N];
//  - PRelu (< 7): a 1-D slope of C > 1 elements is per channel (axis 1): reshaped to [C, 1, ...];
//  - BatchNormalization (< 7): is_test dropped (is_test=0, training mode, is refused);
//    spatial kept (opset 7 has it); Dropout (< 7): is_test dropped (inference: identity);
//  - Reshape (< 5): the `shape` attribute becomes a constant input;
//  - Concat (< 4): a missing axis means 1; Pad (< 2): `paddings` is renamed `pads`;
//  - Split (< 2): a constant `split` input becomes the attribute;
//  - Tile (< 6): (input, tiles, axis) becomes (input, repeats) with repeats 1 except at axis;
//  - Cast (< 6): the `to` string ("FLOAT") becomes the data type number;
//  - Upsample (< 7): height_scale/width_scale become scales [1, 1, h, w]; "bilinear" is "linear".
// Forms that cannot be lowered (a non-constant Split/Tile input, an unknown rank where legacy
// broadcasting needs it) give an error naming the node. Ranks come from declared shapes and from
// running the shape functions over the graph as it is lowered, in topological order.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// The opset a lowered graph runs at.
inline constexpr int64_t kLoweredLegacyOpset = 7;

// No-op for graphs of opset >= 7. Ops of other domains and ops fovea lacks are left alone (the
// op check reports those).
Status lower_legacy_opset(Graph& graph);

}  // namespace fovea
