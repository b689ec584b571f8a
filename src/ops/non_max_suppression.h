// ONNX NonMaxSuppression selection, shared by the shape function (which needs the exact output
// row count at run time, the shape being data-dependent) and the CPU kernel.
#pragma once

#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea {

// Validates the inputs and returns the selected indices as an int64 [num_selected, 3] tensor of
// (batch, class, box) rows, ordered by batch, class, then decreasing score. Optional scalar
// inputs are nullptr when omitted.
Result<Tensor> select_non_max_suppression(const Node& node, const Tensor& boxes, const Tensor& scores,
                                          const Tensor* max_output_boxes_per_class, const Tensor* iou_threshold,
                                          const Tensor* score_threshold);

}  // namespace fovea
