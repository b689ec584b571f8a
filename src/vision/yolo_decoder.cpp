#include "vision/yolo_decoder.h"

#include <fmt/format.h>

namespace fovea::vision {
namespace {

// A [B, C, N] (channels_first) or [B, N, C] head output read as value(b, channel, anchor).
struct HeadView {
  const float* data = nullptr;
  int64_t batch = 0, channels = 0, anchors = 0;
  bool channels_first = true;

  float at(int64_t b, int64_t c, int64_t n) const {
    return channels_first ? data[(b * channels + c) * anchors + n] : data[(b * anchors + n) * channels + c];
  }
};

// Picks the channel dim of a rank-3 head: the dim equal to `expected_channels` when that is
// known (> 0), else the smaller one; a tie reads as channels-first.
Result<HeadView> resolve_head(const Tensor& t, const std::vector<float>& values, int64_t expected_channels,
                              int64_t min_channels, const std::string& name, const std::string& layouts) {
  const Dims& d = t.dims();
  auto bad = [&](const std::string& why) {
    return invalid_argument("tensor '{}' has shape {}: {}; expected {}", name, dims_to_string(d), why, layouts);
  };
  if (d.size() != 3) return bad("rank is not 3");
  HeadView v{values.data(), d[0], 0, 0, true};
  if (expected_channels > 0) {
    if (d[1] == expected_channels) {
      v.channels_first = true;
    } else if (d[2] == expected_channels) {
      v.channels_first = false;
    } else {
      return bad(fmt::format("neither non-batch dim is {}", expected_channels));
    }
  } else {
    v.channels_first = d[1] <= d[2];
  }
  v.channels = v.channels_first ? d[1] : d[2];
  v.anchors = v.channels_first ? d[2] : d[1];
  if (v.channels < min_channels) return bad(fmt::format("{} channels, fewer than {}", v.channels, min_channels));
  return v;
}

Detection box_from_center(float cx, float cy, float w, float h) {
  Detection d;
  d.x1 = cx - w / 2;
  d.y1 = cy - h / 2;
  d.x2 = cx + w / 2;
  d.y2 = cy + h / 2;
  return d;
}

// Best of `count` scores read by `score(c)`; ties keep the lower class id.
template <typename ScoreFn>
std::pair<int, float> best_class(int64_t count, ScoreFn score) {
  int best = 0;
  float best_score = score(0);
  for (int64_t c = 1; c < count; ++c) {
    float s = score(c);
    if (s > best_score) best = static_cast<int>(c), best_score = s;
  }
  return {best, best_score};
}

Status check_params(const DecoderParams& p) {
  FOVEA_RETURN_IF_ERROR(validate_nms_params(p.nms));
  if (p.num_classes == 0 || p.num_classes < -1)
    return invalid_argument("num_classes must be positive or -1 (inferred), got {}", p.num_classes);
  return Status::ok();
}

}  // namespace

Result<BatchDetections> decode_yolov8(const Tensor& output, const DecoderParams& params,
                                      const std::string& tensor_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params));
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> values, tensor_as_floats(output, tensor_name));
  const int64_t expected = params.num_classes > 0 ? 4 + params.num_classes : -1;
  FOVEA_ASSIGN_OR_RETURN(HeadView v, resolve_head(output, values, expected, 5, tensor_name,
                                                  "YOLOv8 layout [B, 4+nc, N] or [B, N, 4+nc]"));
  const int64_t nc = v.channels - 4;
  BatchDetections result(static_cast<size_t>(v.batch));
  for (int64_t b = 0; b < v.batch; ++b) {
    std::vector<Detection> candidates;
    for (int64_t n = 0; n < v.anchors; ++n) {
      auto [cls, score] = best_class(nc, [&](int64_t c) { return v.at(b, 4 + c, n); });
      if (!(score > params.nms.confidence_threshold)) continue;
      Detection d = box_from_center(v.at(b, 0, n), v.at(b, 1, n), v.at(b, 2, n), v.at(b, 3, n));
      d.score = score;
      d.class_id = cls;
      d.batch_index = static_cast<int>(b);
      candidates.push_back(std::move(d));
    }
    result[b] = select_detections(std::move(candidates), params.nms);
  }
  return result;
}

Result<BatchDetections> decode_yolov5(const Tensor& output, const DecoderParams& params,
                                      const std::string& tensor_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params));
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> values, tensor_as_floats(output, tensor_name));
  const Dims& d = output.dims();
  const std::string layout = "YOLOv5/v7 layout [B, N, 5+nc]";
  if (d.size() != 3 || d[2] < 6)
    return invalid_argument("tensor '{}' has shape {}; expected {} with nc >= 1", tensor_name, dims_to_string(d),
                            layout);
  if (params.num_classes > 0 && d[2] != 5 + params.num_classes)
    return invalid_argument("tensor '{}' has shape {}; expected {} with nc = {} (last dim {})", tensor_name,
                            dims_to_string(d), layout, params.num_classes, 5 + params.num_classes);
  HeadView v{values.data(), d[0], d[2], d[1], false};
  const int64_t nc = v.channels - 5;
  BatchDetections result(static_cast<size_t>(v.batch));
  for (int64_t b = 0; b < v.batch; ++b) {
    std::vector<Detection> candidates;
    for (int64_t n = 0; n < v.anchors; ++n) {
      const float objectness = v.at(b, 4, n);
      auto [cls, score] = best_class(nc, [&](int64_t c) { return objectness * v.at(b, 5 + c, n); });
      if (!(score > params.nms.confidence_threshold)) continue;
      Detection det = box_from_center(v.at(b, 0, n), v.at(b, 1, n), v.at(b, 2, n), v.at(b, 3, n));
      det.score = score;
      det.class_id = cls;
      det.batch_index = static_cast<int>(b);
      candidates.push_back(std::move(det));
    }
    result[b] = select_detections(std::move(candidates), params.nms);
  }
  return result;
}

Result<BatchDetections> decode_yolov8_pose(const Tensor& output, const DecoderParams& params, int num_keypoints,
                                           const std::string& tensor_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params));
  if (params.num_classes > 1)
    return unsupported("YOLOv8-pose decoding of tensor '{}' supports one class, num_classes is {}", tensor_name,
                       params.num_classes);
  if (num_keypoints == 0 || num_keypoints < -1)
    return invalid_argument("num_keypoints must be positive or -1 (inferred), got {}", num_keypoints);
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> values, tensor_as_floats(output, tensor_name));
  const int64_t expected = num_keypoints > 0 ? 5 + 3 * int64_t{num_keypoints} : -1;
  const std::string layouts = "YOLOv8-pose layout [B, 4+1+3K, N] or [B, N, 4+1+3K]";
  FOVEA_ASSIGN_OR_RETURN(HeadView v, resolve_head(output, values, expected, 8, tensor_name, layouts));
  if ((v.channels - 5) % 3 != 0)
    return invalid_argument("tensor '{}' has shape {}: {} channels is not 5 + 3K; expected {}", tensor_name,
                            dims_to_string(output.dims()), v.channels, layouts);
  const int64_t k = (v.channels - 5) / 3;
  BatchDetections result(static_cast<size_t>(v.batch));
  for (int64_t b = 0; b < v.batch; ++b) {
    std::vector<Detection> candidates;
    for (int64_t n = 0; n < v.anchors; ++n) {
      const float score = v.at(b, 4, n);
      if (!(score > params.nms.confidence_threshold)) continue;
      Detection d = box_from_center(v.at(b, 0, n), v.at(b, 1, n), v.at(b, 2, n), v.at(b, 3, n));
      d.score = score;
      d.class_id = 0;
      d.batch_index = static_cast<int>(b);
      d.keypoints.resize(static_cast<size_t>(3 * k));
      for (int64_t i = 0; i < 3 * k; ++i) d.keypoints[i] = v.at(b, 5 + i, n);
      candidates.push_back(std::move(d));
    }
    result[b] = select_detections(std::move(candidates), params.nms);
  }
  return result;
}

Result<BatchDetections> decode_ssd(const Tensor& boxes, const Tensor& scores, const SsdParams& params,
                                   const std::string& boxes_name, const std::string& scores_name) {
  FOVEA_RETURN_IF_ERROR(check_params(params.decoder));
  if (params.normalized_boxes && (params.input_width <= 0 || params.input_height <= 0))
    return invalid_argument("SSD normalized boxes need input_width and input_height > 0, got {}x{}",
                            params.input_width, params.input_height);
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> box_values, tensor_as_floats(boxes, boxes_name));
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> score_values, tensor_as_floats(scores, scores_name));
  const Dims& bd = boxes.dims();
  const Dims& sd = scores.dims();
  if (bd.size() != 3 || bd[2] != 4)
    return invalid_argument("tensor '{}' has shape {}; expected SSD boxes [B, N, 4] (x1, y1, x2, y2)", boxes_name,
                            dims_to_string(bd));
  if (sd.size() != 3 || sd[2] < 1 || sd[0] != bd[0] || sd[1] != bd[1])
    return invalid_argument("tensor '{}' has shape {}; expected SSD scores [B, N, nc] = [{}, {}, nc] to match '{}'",
                            scores_name, dims_to_string(sd), bd[0], bd[1], boxes_name);
  const int64_t nc = sd[2];
  if (params.decoder.num_classes > 0 && nc != params.decoder.num_classes)
    return invalid_argument("tensor '{}' has {} classes, num_classes is {}", scores_name, nc,
                            params.decoder.num_classes);
  if (params.background_class >= nc)
    return invalid_argument("background_class {} is not a class of tensor '{}' ({} classes)",
                            params.background_class, scores_name, nc);
  if (params.background_class >= 0 && nc == 1)
    return invalid_argument("tensor '{}' has only the background class", scores_name);
  const float sx = params.normalized_boxes ? static_cast<float>(params.input_width) : 1.0f;
  const float sy = params.normalized_boxes ? static_cast<float>(params.input_height) : 1.0f;
  const int64_t batch = bd[0], anchors = bd[1];
  BatchDetections result(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<Detection> candidates;
    for (int64_t n = 0; n < anchors; ++n) {
      const float* s = &score_values[(b * anchors + n) * nc];
      int cls = -1;
      float score = 0;
      for (int64_t c = 0; c < nc; ++c) {
        if (c == params.background_class) continue;
        if (cls < 0 || s[c] > score) cls = static_cast<int>(c), score = s[c];
      }
      if (!(score > params.decoder.nms.confidence_threshold)) continue;
      const float* box = &box_values[(b * anchors + n) * 4];
      Detection d;
      d.x1 = box[0] * sx;
      d.y1 = box[1] * sy;
      d.x2 = box[2] * sx;
      d.y2 = box[3] * sy;
      d.score = score;
      d.class_id = cls;
      d.batch_index = static_cast<int>(b);
      candidates.push_back(std::move(d));
    }
    result[b] = select_detections(std::move(candidates), params.decoder.nms);
  }
  return result;
}

}  // namespace fovea::vision
