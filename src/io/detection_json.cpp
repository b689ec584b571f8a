#include "io/detection_json.h"

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "vision/result_mapping.h"

namespace fovea::io {
namespace {

// COCO's 80 training classes -> the original category ids (Ultralytics' coco80_to_coco91_class).
constexpr std::array<int, 80> kCoco80To91 = {
    1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
    60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90};

// Floats as JSON numbers without float noise (0.1f -> 0.1, not 0.10000000149).
double round_to(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::isfinite(v) ? std::round(v * f) / f : 0.0;
}

}  // namespace

nlohmann::ordered_json frame_result_to_json(const pipeline::FrameResult& result, const std::vector<std::string>& labels,
                                    const ImageTiming* timing) {
  nlohmann::ordered_json j;
  j["source"] = result.source;
  j["sequence"] = result.sequence;
  j["width"] = result.image_width;
  j["height"] = result.image_height;
  j["header"] = {{"stamp_ns", result.header.stamp_ns}, {"frame_id", result.header.frame_id}};
  nlohmann::ordered_json dets = nlohmann::ordered_json::array();
  for (const vision::Detection& d : result.detections) {
    nlohmann::ordered_json o = {{"class_id", d.class_id},
                        {"label", vision::label_of(labels, d.class_id)},
                        {"score", round_to(d.score, 5)},
                        {"box", {round_to(d.x1, 2), round_to(d.y1, 2), round_to(d.x2, 2), round_to(d.y2, 2)}}};
    if (!d.keypoints.empty()) {
      nlohmann::ordered_json kps = nlohmann::ordered_json::array();
      for (size_t k = 0; k + 2 < d.keypoints.size(); k += 3)
        kps.push_back({round_to(d.keypoints[k], 2), round_to(d.keypoints[k + 1], 2), round_to(d.keypoints[k + 2], 4)});
      o["keypoints"] = std::move(kps);
    }
    dets.push_back(std::move(o));
  }
  j["detections"] = std::move(dets);
  if (!result.classes.empty()) {
    nlohmann::ordered_json cls = nlohmann::ordered_json::array();
    for (const vision::ClassScore& c : result.classes)
      cls.push_back({{"class_id", c.class_id}, {"label", vision::label_of(labels, c.class_id)},
                     {"score", round_to(c.score, 6)}});
    j["classes"] = std::move(cls);
  }
  if (result.mask.defined() && result.mask.dtype() == DType::kUInt8 && result.mask.rank() == 2) {
    std::array<bool, 256> present{};
    for (uint8_t v : result.mask.values<uint8_t>()) present[v] = true;
    nlohmann::ordered_json ids = nlohmann::ordered_json::array();
    for (int i = 0; i < 256; ++i)
      if (present[static_cast<size_t>(i)]) ids.push_back(i);
    j["mask"] = {{"width", result.mask.dim(1)}, {"height", result.mask.dim(0)}, {"class_ids", std::move(ids)}};
  }
  if (timing) {
    const pipeline::StageTimes& s = timing->stages;
    j["timing_ms"] = {{"read", round_to(timing->read_ms, 3)}, {"upload", round_to(s.upload_ms, 3)},
                      {"encode", round_to(s.encode_ms, 3)},   {"infer", round_to(s.infer_ms, 3)},
                      {"decode", round_to(s.decode_ms, 3)},   {"download", round_to(s.download_ms, 3)}};
  }
  return j;
}

Result<CocoCategoryIds> parse_coco_category_ids(const std::string& name) {
  if (name == "classid") return CocoCategoryIds::kClassId;
  if (name == "plus1") return CocoCategoryIds::kClassIdPlusOne;
  if (name == "coco91") return CocoCategoryIds::kCoco91;
  return invalid_argument("COCO category ids '{}': expected classid, plus1 or coco91", name);
}

int64_t coco_image_id(const std::string& source, int64_t fallback) {
  const std::string stem = std::filesystem::path(source).stem().string();
  if (stem.empty() || stem.size() > 18) return fallback;
  int64_t v = 0;
  for (char c : stem) {
    if (c < '0' || c > '9') return fallback;
    v = v * 10 + (c - '0');
  }
  return v;
}

Status append_coco_results(const pipeline::FrameResult& result, int64_t image_id, CocoCategoryIds ids,
                           nlohmann::ordered_json& results_array) {
  for (const vision::Detection& d : result.detections) {
    int64_t category = d.class_id;
    if (ids == CocoCategoryIds::kClassIdPlusOne) category = d.class_id + 1;
    if (ids == CocoCategoryIds::kCoco91) {
      if (d.class_id < 0 || d.class_id >= static_cast<int>(kCoco80To91.size()))
        return invalid_argument("{}: class id {} has no COCO-91 category (coco91 maps the 80 COCO classes)",
                                result.source, d.class_id);
      category = kCoco80To91[static_cast<size_t>(d.class_id)];
    }
    nlohmann::ordered_json o = {{"image_id", image_id},
                        {"category_id", category},
                        {"bbox", {round_to(d.x1, 3), round_to(d.y1, 3), round_to(d.x2 - d.x1, 3), round_to(d.y2 - d.y1, 3)}},
                        {"score", round_to(d.score, 5)}};
    if (!d.keypoints.empty()) {
      nlohmann::ordered_json kps = nlohmann::ordered_json::array();
      for (float v : d.keypoints) kps.push_back(round_to(v, 3));
      o["keypoints"] = std::move(kps);
    }
    results_array.push_back(std::move(o));
  }
  return Status::ok();
}

namespace {

// Writes `text` to `path` through a temporary file and a rename, so readers never see half a file.
Status write_text_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return io_error("{}: cannot open for writing", tmp);
    out << text;
    if (!out) return io_error("{}: write failed", tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return io_error("{}: cannot rename {} into place ({})", path, tmp, ec.message());
  return Status::ok();
}

std::string dump(const nlohmann::ordered_json& j, int indent) {
  // Invalid UTF-8 (file names) is replaced, never thrown.
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

Status write_json_file(const std::string& path, const nlohmann::ordered_json& json, int indent) {
  return write_text_atomically(path, dump(json, indent) + "\n");
}

Status write_json_lines_array(const std::string& path, const nlohmann::ordered_json& array) {
  if (!array.is_array()) return invalid_argument("{}: not a JSON array", path);
  std::string text = "[";
  for (size_t i = 0; i < array.size(); ++i) text += (i ? ",\n " : "\n ") + dump(array[i], -1);
  text += array.empty() ? "]\n" : "\n]\n";
  return write_text_atomically(path, text);
}

}  // namespace fovea::io
