// CPU reference decoders for detector heads: Ultralytics YOLOv8/v11 (anchor-free), YOLOv5/v7
// (objectness), YOLOv8-pose (keypoints) and SSD-style (separate boxes and scores outputs).
// The anchor count always comes from the output shape, so any network input size works. Every
// decoder returns per-image detections in network-input pixels after score threshold and NMS.
#pragma once

#include <string>

#include "core/status.h"
#include "core/tensor.h"
#include "vision/detection.h"
#include "vision/nms.h"

namespace fovea::vision {

struct DecoderParams {
  NmsParams nms;         // confidence_threshold, nms_threshold, top_k, max_detections, class_agnostic
  int num_classes = -1;  // -1: inferred from the output shape
};

// Ultralytics v8/v11 detect head: [B, 4+nc, N] or its transpose [B, N, 4+nc]; rows are cx, cy,
// w, h then nc class scores (already sigmoided). Layout: if num_classes is given, the dim that
// equals 4+nc is the channel dim; otherwise the smaller non-batch dim is. A tie (N == 4+nc)
// reads as [B, 4+nc, N], Ultralytics' export layout. Each anchor gets its best class (ties: the
// lower class id).
Result<BatchDetections> decode_yolov8(const Tensor& output, const DecoderParams& params,
                                      const std::string& tensor_name = "output");

// YOLOv5/v7 head: [B, N, 5+nc] with cx, cy, w, h, objectness, nc class scores (sigmoided);
// score = objectness * class score, best class per anchor.
Result<BatchDetections> decode_yolov5(const Tensor& output, const DecoderParams& params,
                                      const std::string& tensor_name = "output");

// YOLOv8-pose head: [B, 4+1+3K, N] (or transposed, same rule as decode_yolov8 with nc = 1):
// cx, cy, w, h, person score, then K keypoints as x, y, conf (decoded, network pixels).
// num_keypoints = -1 infers K from the shape ((C - 5) / 3); class_id is always 0.
Result<BatchDetections> decode_yolov8_pose(const Tensor& output, const DecoderParams& params,
                                           int num_keypoints = -1, const std::string& tensor_name = "output");

struct SsdParams {
  DecoderParams decoder;
  bool normalized_boxes = true;  // boxes in [0, 1]; scaled by the network input size below
  int input_width = 0;           // network input size, needed when normalized_boxes
  int input_height = 0;
  int background_class = -1;     // a score column to ignore (e.g. 0 for TF-style SSD); -1: none
};

// SSD-style outputs: boxes [B, N, 4] (x1, y1, x2, y2) and scores [B, N, nc] (probabilities).
Result<BatchDetections> decode_ssd(const Tensor& boxes, const Tensor& scores, const SsdParams& params,
                                   const std::string& boxes_name = "boxes",
                                   const std::string& scores_name = "scores");

}  // namespace fovea::vision
