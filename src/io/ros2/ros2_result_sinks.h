// The pipeline's ROS 2 outputs (pipeline YAML sinks `ros2_detections`, `ros2_classification`,
// `ros2_mask`, `ros2_annotated_image`): each result is published on one topic, with the input frame's header (stamp and
// frame_id) copied through, so a consumer can match results to images and measure latency.
// Detections are in original-image pixels (vision_msgs/Detection2DArray); classification is the
// top-k (vision_msgs/Classification); masks are sensor_msgs/Image, mono8 class ids or rgb8 VOC
// colours; the annotated image is the frame with its results drawn (vision/draw_results.h, as the
// annotated_images file sink), bgr8 or rgb8, and when the frame carries a CameraInfo (a ros2_image
// source with camera_info_topic), that CameraInfo with the image's header on `camera_info` beside the
// image topic, as image_transport's CameraPublisher does, so rviz can show it. When a model has labels, a vision_msgs/LabelInfo (class id -> name, the detector's
// threshold) goes out transient-local and keep-last 1, as Isaac ROS does, so a subscriber that
// comes later still gets it: once per model, before that model's first result.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/status.h"
#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"
#include "pipeline/frame_source.h"

namespace fovea::io::ros2 {

enum class ResultTopicKind { kDetections, kClassification, kMask, kAnnotatedImage };

struct Ros2ResultSinkOptions {
  std::string name;   // the sink's name in the pipeline
  ResultTopicKind kind = ResultTopicKind::kDetections;
  std::string topic;  // ROS topic
  QosProfile qos = default_publisher_qos();
  // "": "label_info" next to `topic` (/fovea/detections -> /fovea/label_info); "none": no LabelInfo.
  std::string label_info_topic;
  ClassIdFormat class_id_format = ClassIdFormat::kIndex;
  bool color_mask = false;                      // kMask: rgb8 colours instead of mono8 class ids
  vision::PixelEncoding annotated_encoding = vision::PixelEncoding::kBgr8;  // kAnnotatedImage: bgr8 | rgb8
  std::map<std::string, float> model_thresholds;  // model name -> confidence threshold (LabelInfo)
};

// "label_info" beside a topic's last name ("/a/b" -> "/a/label_info", "b" -> "label_info").
std::string label_info_topic_for(const std::string& topic);

class Ros2ResultSink : public pipeline::FrameSink {
 public:
  // Creates the publishers at once (so discovery lists them before the first result).
  static Result<std::unique_ptr<Ros2ResultSink>> create(std::shared_ptr<Node> node, const Ros2ResultSinkOptions& options);

  const std::string& name() const override { return options_.name; }
  Status write(const pipeline::SinkItem& item) override;

  const std::string& topic() const;
  // "" when no LabelInfo is published.
  std::string label_info_topic() const;
  // The annotated image's CameraInfo topic; "" for other sinks.
  std::string camera_info_topic() const;
  uint64_t published() const { return published_; }
  uint64_t camera_infos_published() const { return camera_infos_published_; }

 private:
  Ros2ResultSink(std::shared_ptr<Node> node, Ros2ResultSinkOptions options) : node_(std::move(node)), options_(std::move(options)) {}
  Status publish_label_info(const pipeline::SinkItem& item);
  Result<msg::Image> annotated_image(const pipeline::SinkItem& item) const;

  std::shared_ptr<Node> node_;
  Ros2ResultSinkOptions options_;
  std::unique_ptr<Publisher<msg::Detection2DArray>> detections_;
  std::unique_ptr<Publisher<msg::Classification>> classification_;
  std::unique_ptr<Publisher<msg::Image>> mask_;  // also the annotated image
  std::unique_ptr<Publisher<msg::LabelInfo>> label_info_;
  std::unique_ptr<Publisher<msg::CameraInfo>> camera_info_;  // kAnnotatedImage
  std::set<std::string> labelled_models_;  // models whose LabelInfo went out
  uint64_t published_ = 0;
  uint64_t camera_infos_published_ = 0;
};

}  // namespace fovea::io::ros2
