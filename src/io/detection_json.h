// Results as JSON (keys in the order written, nlohmann::ordered_json): one document per image (source, size, header, detections with label names and
// boxes in original pixels, keypoints, classes, per-stage milliseconds) and the COCO results format
// for a whole run ([{"image_id", "category_id", "bbox": [x, y, w, h], "score"}], what pycocotools'
// loadRes and Ultralytics' val --save-json read).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "pipeline/vision_model.h"

namespace fovea::io {

// Per-stage milliseconds of one image; read_ms is the file read + image decode (0 if unknown).
struct ImageTiming {
  double read_ms = 0;
  pipeline::StageTimes stages;  // of the run() call this image was part of (a batch shares them)
};

// {"source", "sequence", "width", "height", "header": {"stamp_ns", "frame_id"},
//  "detections": [{"class_id", "label", "score", "box": [x1, y1, x2, y2], "keypoints": [[x, y, conf], ...]}],
//  "classes": [{"class_id", "label", "score"}], "mask": {"width", "height", "class_ids": [...]},
//  "timing_ms": {"read", "upload", "encode", "infer", "decode", "download"}}
// "keypoints", "classes" and "mask" appear only when present; "timing_ms" only with `timing`.
nlohmann::ordered_json frame_result_to_json(const pipeline::FrameResult& result, const std::vector<std::string>& labels,
                                    const ImageTiming* timing = nullptr);

// How COCO results number categories: kClassId writes class_id as is (a 0-based dataset, what
// Ultralytics' YOLO datasets use); kClassIdPlusOne writes class_id + 1 (1-based category lists);
// kCoco91 maps the 80 COCO training classes to the original COCO category ids 1..90 (with gaps),
// as Ultralytics' coco80_to_coco91_class does for COCO val2017; class ids >= 80 are an error.
enum class CocoCategoryIds { kClassId, kClassIdPlusOne, kCoco91 };
Result<CocoCategoryIds> parse_coco_category_ids(const std::string& name);  // "classid", "plus1", "coco91"

// The image_id of a source: the file stem's integer value when the stem is all digits (COCO's
// "000000000139.jpg" is image 139), otherwise `fallback` (fovea detect passes the 1-based index of
// the image in the run's input order).
int64_t coco_image_id(const std::string& source, int64_t fallback);

// Appends result's detections to a COCO results array: bbox = [x1, y1, x2 - x1, y2 - y1] in
// original pixels, score rounded to 5 decimals, keypoints (if any) as COCO's flat [x, y, v, ...]
// with v = the keypoint confidence.
Status append_coco_results(const pipeline::FrameResult& result, int64_t image_id, CocoCategoryIds ids,
                           nlohmann::ordered_json& results_array);

// Writes `json` to `path` (indented with `indent` spaces, -1: compact) atomically; errors name the path.
Status write_json_file(const std::string& path, const nlohmann::ordered_json& json, int indent = 2);
// Writes a JSON array with one compact element per line (COCO results: large, still diffable).
Status write_json_lines_array(const std::string& path, const nlohmann::ordered_json& array);

}  // namespace fovea::io
