#include "io/result_sinks.h"

#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "io/detection_json.h"
#include "io/image_file.h"
#include "io/ros2/frame_camera_info.h"
#include "io/video_file.h"
#include "vision/draw_results.h"
#include "vision/result_mapping.h"

namespace fovea::io {
namespace {

namespace fs = std::filesystem;

Status make_folder(const std::string& folder, const std::string& sink) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder, ec)) return io_error("sink '{}': {}: cannot create the folder", sink, folder);
  return Status::ok();
}

// A chained model's item: each detection's classes from the chained classifier, as
// "classes": [{"class_id", "label", "score"}] (empty: its crop failed), and the upstream's name.
void add_detection_classes(const pipeline::SinkItem& item, nlohmann::json& j) {
  j["crops_from"] = item.crops_from;
  nlohmann::json& dets = j["detections"];
  for (size_t i = 0; i < dets.size() && i < item.result.detection_classes.size(); ++i) {
    nlohmann::json classes = nlohmann::json::array();
    for (const vision::ClassScore& c : item.result.detection_classes[i])
      classes.push_back({{"class_id", c.class_id},
                         {"label", vision::label_of(*item.detection_class_labels, c.class_id)},
                         {"score", std::isfinite(c.score) ? std::round(c.score * 1e6) / 1e6 : 0.0}});
    dets[i]["classes"] = std::move(classes);
  }
}

// A chained model's item: the top class of each detection's crop, inside the box's bottom-left.
void draw_detection_top_classes(const vision::MutableImageView& canvas, const pipeline::SinkItem& item) {
  cv::Mat mat(canvas.height, canvas.width, CV_8UC3, canvas.data, canvas.step);
  const double scale = std::clamp(std::min(canvas.width, canvas.height) / 1000.0, 0.35, 1.5);
  const int thickness = std::max(1, static_cast<int>(std::lround(scale * 1.5)));
  for (size_t i = 0; i < item.result.detections.size() && i < item.result.detection_classes.size(); ++i) {
    if (item.result.detection_classes[i].empty()) continue;
    const vision::ClassScore& top = item.result.detection_classes[i].front();
    const std::string text =
        fmt::format("{} {:.2f}", vision::label_of(*item.detection_class_labels, top.class_id), top.score);
    int baseline = 0;
    const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
    const vision::Detection& d = item.result.detections[i];
    const int h = size.height + baseline + 2;
    const int x = std::clamp(static_cast<int>(d.x1), 0, std::max(0, canvas.width - size.width - 2));
    const int y = std::clamp(static_cast<int>(d.y2) - h, 0, std::max(0, canvas.height - h));
    cv::rectangle(mat, cv::Rect(x, y, size.width + 2, h), cv::Scalar(40, 40, 40), cv::FILLED);
    cv::putText(mat, text, cv::Point(x + 1, y + size.height + 1), cv::FONT_HERSHEY_SIMPLEX, scale,
                cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
  }
}

}  // namespace

std::string file_name_safe(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  return out.empty() ? "_" : out;
}

Result<std::unique_ptr<JsonLinesSink>> JsonLinesSink::create(const std::string& name, const std::string& path) {
  std::unique_ptr<JsonLinesSink> s(new JsonLinesSink());
  s->name_ = name;
  s->path_ = path;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) FOVEA_RETURN_IF_ERROR(make_folder(parent.string(), name));
  s->out_.open(path, std::ios::binary | std::ios::trunc);
  if (!s->out_) return io_error("sink '{}': {}: cannot open for writing", name, path);
  return s;
}

Status JsonLinesSink::write(const pipeline::SinkItem& item) {
  static const std::vector<std::string> kNoLabels;
  ImageTiming timing;
  timing.stages = item.times;
  nlohmann::json j = frame_result_to_json(item.result, item.labels ? *item.labels : kNoLabels, &timing);
  j["model"] = item.model;
  j["stream"] = item.stream;
  j["batch_size"] = item.batch_size;
  j["end_to_end_ms"] = item.end_to_end_ms;
  if (item.detection_class_labels) add_detection_classes(item, j);
  // The CameraInfo a ros2_image source paired with the frame (docs/ros2.md), when there is one.
  if (item.frame != nullptr)
    if (const ros2::FrameCameraInfo* c = ros2::camera_info_of(item.frame->pixels))
      j["camera_info"] = {{"width", c->info->width},
                          {"height", c->info->height},
                          {"distortion_model", c->info->distortion_model},
                          {"k", c->info->k},
                          {"same_stamp", c->same_stamp}};
  out_ << j.dump() << '\n';
  out_.flush();  // consumers tail the file live
  if (!out_) return io_error("{}: write failed", path_);
  return Status::ok();
}

Status JsonLinesSink::close() {
  out_.close();
  if (out_.fail()) return io_error("{}: closing failed", path_);
  return Status::ok();
}

Result<std::vector<uint8_t>> render_annotated_rgb(const pipeline::SinkItem& item) {
  if (!item.frame) return invalid_argument("sink item without a frame");
  const vision::ImageView& v = item.frame->frame.image;
  FOVEA_RETURN_IF_ERROR(vision::validate_image_view(v).with_context(item.frame->frame.source));
  std::vector<uint8_t> rgb(static_cast<size_t>(v.width) * v.height * 3);
  for (int y = 0; y < v.height; ++y) {
    uint8_t* dst = rgb.data() + static_cast<size_t>(y) * v.width * 3;
    if (v.encoding == vision::PixelEncoding::kRgb8) {
      std::copy_n(v.data + static_cast<size_t>(y) * v.step, static_cast<size_t>(v.width) * 3, dst);
      continue;
    }
    for (int x = 0; x < v.width; ++x) {  // any other encoding through the encoder's own conversion
      const std::array<float, 3> p = vision::read_pixel_rgb(v, x, y);
      for (int c = 0; c < 3; ++c) dst[3 * x + c] = static_cast<uint8_t>(std::clamp(p[c] + 0.5f, 0.0f, 255.0f));
    }
  }
  static const std::vector<std::string> kNoLabels;
  const vision::MutableImageView canvas{rgb.data(), v.width, v.height, static_cast<size_t>(v.width) * 3,
                                        vision::PixelEncoding::kRgb8};
  FOVEA_RETURN_IF_ERROR(vision::draw_results(canvas, item.result.detections, item.result.classes, item.result.mask,
                                             item.labels ? *item.labels : kNoLabels));
  if (item.detection_class_labels) draw_detection_top_classes(canvas, item);
  return rgb;
}

Result<std::unique_ptr<AnnotatedImageSink>> AnnotatedImageSink::create(const std::string& name, const std::string& folder,
                                                                       const std::string& format) {
  if (format != "jpg" && format != "png") return invalid_argument("sink '{}': format '{}' is not jpg or png", name, format);
  FOVEA_RETURN_IF_ERROR(make_folder(folder, name));
  std::unique_ptr<AnnotatedImageSink> s(new AnnotatedImageSink());
  s->name_ = name;
  s->folder_ = folder;
  s->extension_ = format;
  return s;
}

Status AnnotatedImageSink::write(const pipeline::SinkItem& item) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> rgb, render_annotated_rgb(item));
  const vision::ImageView& v = item.frame->frame.image;
  const fs::path dir = fs::path(folder_) / file_name_safe(item.model);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string file = fmt::format("{}_{:06d}", file_name_safe(item.stream), item.result.sequence);
  if (item.frame->frame.source != item.stream) {  // an image folder: keep the file's name too
    file += '_';
    file += file_name_safe(fs::path(item.frame->frame.source).stem().string());
  }
  const std::string path = (dir / (file + "." + extension_)).string();
  const vision::ImageView view{rgb.data(), rgb.size(), v.width, v.height, static_cast<size_t>(v.width) * 3,
                               vision::PixelEncoding::kRgb8};
  return write_image_file(path, view);
}

Result<std::unique_ptr<AnnotatedVideoSink>> AnnotatedVideoSink::create(const std::string& name, const std::string& folder,
                                                                       double fps) {
  if (!video_support_available())
    return unsupported("sink '{}': annotated_video, but this fovea was built without video support", name);
  if (!(fps > 0)) return invalid_argument("sink '{}': fps {} must be > 0", name, fps);
  FOVEA_RETURN_IF_ERROR(make_folder(folder, name));
  std::unique_ptr<AnnotatedVideoSink> s(new AnnotatedVideoSink());
  s->name_ = name;
  s->folder_ = folder;
  s->fps_ = fps;
  return s;
}

AnnotatedVideoSink::~AnnotatedVideoSink() = default;

Status AnnotatedVideoSink::write(const pipeline::SinkItem& item) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> rgb, render_annotated_rgb(item));
  const vision::ImageView& v = item.frame->frame.image;
  const std::string key = file_name_safe(item.model) + "_" + file_name_safe(item.stream);
  auto it = writers_.find(key);
  if (it == writers_.end()) {
    const std::string path = (fs::path(folder_) / (key + ".mp4")).string();
    FOVEA_ASSIGN_OR_RETURN(std::unique_ptr<VideoFileWriter> writer, VideoFileWriter::open(path, v.width, v.height, fps_));
    it = writers_.emplace(key, std::move(writer)).first;
  }
  const vision::ImageView view{rgb.data(), rgb.size(), v.width, v.height, static_cast<size_t>(v.width) * 3,
                               vision::PixelEncoding::kRgb8};
  return it->second->write(view);
}

Status AnnotatedVideoSink::close() {
  for (auto& [key, writer] : writers_) writer->close();
  writers_.clear();
  return Status::ok();
}

}  // namespace fovea::io
