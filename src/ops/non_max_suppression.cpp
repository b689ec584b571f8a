// Shape function and selection of NonMaxSuppression (ONNX semantics, as in ONNX Runtime: a
// candidate needs score > score_threshold; it is suppressed by a kept box with IoU >
// iou_threshold; equal scores keep the lower box index first).
#include "ops/non_max_suppression.h"

#include <algorithm>
#include <cmath>

#include "ops/shape_functions.h"

namespace fovea {
namespace {

struct Corners {
  double x_min, y_min, x_max, y_max;
};

template <typename T>
Corners corners_of(const T* b, bool center_point_box) {
  if (center_point_box) {
    const double hw = b[2] / 2.0, hh = b[3] / 2.0;
    return {b[0] - hw, b[1] - hh, b[0] + hw, b[1] + hh};
  }
  // [y1, x1, y2, x2], corners in either order.
  return {std::min<double>(b[1], b[3]), std::min<double>(b[0], b[2]), std::max<double>(b[1], b[3]),
          std::max<double>(b[0], b[2])};
}

bool suppresses(const Corners& a, const Corners& b, double iou_threshold) {
  const double ix = std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min);
  const double iy = std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min);
  if (ix <= 0 || iy <= 0) return false;
  const double inter = ix * iy;
  const double area_a = (a.x_max - a.x_min) * (a.y_max - a.y_min);
  const double area_b = (b.x_max - b.x_min) * (b.y_max - b.y_min);
  const double uni = area_a + area_b - inter;
  if (area_a <= 0 || area_b <= 0 || uni <= 0) return false;
  return inter / uni > iou_threshold;
}

Status check_scalar(const Node& node, const Tensor* t, const char* name, bool integer) {
  if (!t) return Status::ok();
  if (t->numel() != 1 || t->rank() > 1)
    return invalid_argument("{}: {} must be a scalar, got shape {}", node.describe(), name, dims_to_string(t->dims()));
  if (integer ? t->dtype() != DType::kInt64 : !dtype_is_float(t->dtype()) || t->dtype() == DType::kFloat16)
    return invalid_argument("{}: {} has dtype {}", node.describe(), name, dtype_name(t->dtype()));
  return Status::ok();
}

template <typename T>
std::vector<int64_t> select_typed(const Tensor& boxes, const Tensor& scores, bool center_point_box,
                                  int64_t max_per_class, double iou_threshold, bool has_score_threshold,
                                  double score_threshold) {
  const int64_t batches = scores.dim(0), classes = scores.dim(1), n = scores.dim(2);
  const T* box_data = boxes.data<T>();
  const T* score_data = scores.data<T>();
  std::vector<int64_t> rows;
  std::vector<int64_t> candidates;
  std::vector<Corners> kept;
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<Corners> corners(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) corners[i] = corners_of(box_data + (b * n + i) * 4, center_point_box);
    for (int64_t c = 0; c < classes; ++c) {
      const T* s = score_data + (b * classes + c) * n;
      candidates.clear();
      for (int64_t i = 0; i < n; ++i)
        if (!has_score_threshold || static_cast<double>(s[i]) > score_threshold) candidates.push_back(i);
      std::stable_sort(candidates.begin(), candidates.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
      kept.clear();
      for (int64_t i : candidates) {
        if (static_cast<int64_t>(kept.size()) >= max_per_class) break;
        bool drop = false;
        for (const Corners& k : kept) drop = drop || suppresses(k, corners[i], iou_threshold);
        if (drop) continue;
        kept.push_back(corners[i]);
        rows.insert(rows.end(), {b, c, i});
      }
    }
  }
  return rows;
}

}  // namespace

Result<Tensor> select_non_max_suppression(const Node& node, const Tensor& boxes, const Tensor& scores,
                                          const Tensor* max_output_boxes_per_class, const Tensor* iou_threshold,
                                          const Tensor* score_threshold) {
  FOVEA_ASSIGN_OR_RETURN(int64_t center_point_box, node.attr_int("center_point_box", 0));
  if (center_point_box != 0 && center_point_box != 1)
    return invalid_argument("{}: center_point_box must be 0 or 1, got {}", node.describe(), center_point_box);
  if (boxes.rank() != 3 || boxes.dim(2) != 4)
    return invalid_argument("{}: boxes must be [batch, boxes, 4], got {}", node.describe(), dims_to_string(boxes.dims()));
  if (scores.rank() != 3 || scores.dim(0) != boxes.dim(0) || scores.dim(2) != boxes.dim(1))
    return invalid_argument("{}: scores must be [batch, classes, boxes] matching boxes {}, got {}", node.describe(),
                            dims_to_string(boxes.dims()), dims_to_string(scores.dims()));
  if (boxes.dtype() != scores.dtype())
    return invalid_argument("{}: boxes and scores dtypes differ", node.describe());
  FOVEA_RETURN_IF_ERROR(check_scalar(node, max_output_boxes_per_class, "max_output_boxes_per_class", true));
  FOVEA_RETURN_IF_ERROR(check_scalar(node, iou_threshold, "iou_threshold", false));
  FOVEA_RETURN_IF_ERROR(check_scalar(node, score_threshold, "score_threshold", false));
  const int64_t max_per_class = max_output_boxes_per_class ? std::max<int64_t>(max_output_boxes_per_class->int_at(0), 0) : 0;
  const double iou = iou_threshold ? iou_threshold->double_at(0) : 0.0;
  if (!(iou >= 0.0 && iou <= 1.0)) return invalid_argument("{}: iou_threshold must be in [0, 1], got {}", node.describe(), iou);
  const double score_thr = score_threshold ? score_threshold->double_at(0) : 0.0;
  std::vector<int64_t> rows;
  if (max_per_class > 0) {
    if (boxes.dtype() == DType::kFloat32)
      rows = select_typed<float>(boxes, scores, center_point_box == 1, max_per_class, iou, score_threshold, score_thr);
    else if (boxes.dtype() == DType::kFloat64)
      rows = select_typed<double>(boxes, scores, center_point_box == 1, max_per_class, iou, score_threshold, score_thr);
    else
      return unsupported("{}: boxes have dtype {}, only float32/float64 are handled", node.describe(),
                         dtype_name(boxes.dtype()));
  }
  const int64_t count = static_cast<int64_t>(rows.size() / 3);
  return Tensor::from_vector<int64_t>(rows, {count, 3});
}

Status infer_non_max_suppression(InferContext& ctx) {
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs boxes and scores are required");
  for (size_t i = 0; i < 2; ++i) {
    const DType t = ctx.input_dtype(i);
    if (t != DType::kUndefined && t != DType::kFloat32 && t != DType::kFloat64)
      return ctx.unsupported_here("input {} has dtype {}; boxes and scores must be float32 or float64", i, dtype_name(t));
    if (ctx.input_shape(i) && ctx.input_shape(i)->size() != 3)
      return ctx.error("input {} must have rank 3, got {}", i, shape_to_string(*ctx.input_shape(i)));
  }
  if (ctx.input_shape(0) && (*ctx.input_shape(0))[2].is_known() && (*ctx.input_shape(0))[2].value != 4)
    return ctx.error("boxes must be [batch, boxes, 4], got {}", shape_to_string(*ctx.input_shape(0)));
  bool all_known = ctx.input_value(0) && ctx.input_value(1);
  for (size_t i = 2; i < ctx.num_inputs(); ++i) all_known = all_known && (!ctx.has_input(i) || ctx.input_value(i));
  if (!all_known) {
    ctx.set_output(0, DType::kInt64, Shape{Dim::unknown(), Dim::known(3)});
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(Tensor selected, select_non_max_suppression(ctx.node(), *ctx.input_value(0), *ctx.input_value(1),
                                                                      ctx.input_value(2), ctx.input_value(3),
                                                                      ctx.input_value(4)));
  ctx.set_output_value(0, std::move(selected));
  return Status::ok();
}

}  // namespace fovea
