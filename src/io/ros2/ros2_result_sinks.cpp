#include "io/ros2/ros2_result_sinks.h"

#include "io/result_sinks.h"
#include "io/ros2/frame_camera_info.h"
#include "io/ros2/ros_names.h"

namespace fovea::io::ros2 {

std::string label_info_topic_for(const std::string& topic) {
  const size_t slash = topic.rfind('/');
  if (slash == std::string::npos) return "label_info";
  return topic.substr(0, slash + 1) + "label_info";
}

Result<std::unique_ptr<Ros2ResultSink>> Ros2ResultSink::create(std::shared_ptr<Node> node,
                                                               const Ros2ResultSinkOptions& options) {
  if (node == nullptr) return invalid_argument("{}: no ROS 2 node", options.name);
  FOVEA_RETURN_IF_ERROR(validate_qos(options.qos));
  std::unique_ptr<Ros2ResultSink> sink(new Ros2ResultSink(node, options));
  switch (options.kind) {
    case ResultTopicKind::kDetections: {
      FOVEA_ASSIGN_OR_RETURN(sink->detections_, node->create_publisher<msg::Detection2DArray>(options.topic, options.qos));
      break;
    }
    case ResultTopicKind::kClassification: {
      FOVEA_ASSIGN_OR_RETURN(sink->classification_,
                             node->create_publisher<msg::Classification>(options.topic, options.qos));
      break;
    }
    case ResultTopicKind::kAnnotatedImage: {
      if (options.annotated_encoding != vision::PixelEncoding::kBgr8 &&
          options.annotated_encoding != vision::PixelEncoding::kRgb8)
        return invalid_argument("{}: the annotated image's encoding must be bgr8 or rgb8", options.name);
      // Same QoS as the image, as image_transport's CameraPublisher.
      FOVEA_ASSIGN_OR_RETURN(sink->camera_info_,
                             node->create_publisher<msg::CameraInfo>(camera_info_topic_for(options.topic), options.qos));
    }
      [[fallthrough]];
    case ResultTopicKind::kMask: {
      FOVEA_ASSIGN_OR_RETURN(sink->mask_, node->create_publisher<msg::Image>(options.topic, options.qos));
      break;
    }
  }
  // Masks carry class ids too, so their LabelInfo is as useful as a detector's; the annotated
  // image has its labels drawn in and needs none.
  if (options.label_info_topic != "none" && options.kind != ResultTopicKind::kAnnotatedImage) {
    const std::string topic =
        options.label_info_topic.empty() ? label_info_topic_for(options.topic) : options.label_info_topic;
    QosProfile latched = default_publisher_qos();
    latched.durability = Durability::kTransientLocal;
    latched.depth = 1;
    FOVEA_ASSIGN_OR_RETURN(sink->label_info_, node->create_publisher<msg::LabelInfo>(topic, latched));
  }
  return sink;
}

const std::string& Ros2ResultSink::topic() const {
  if (detections_) return detections_->endpoint().topic();
  if (classification_) return classification_->endpoint().topic();
  return mask_->endpoint().topic();
}

std::string Ros2ResultSink::label_info_topic() const {
  return label_info_ ? label_info_->endpoint().topic() : std::string();
}

std::string Ros2ResultSink::camera_info_topic() const {
  return camera_info_ ? camera_info_->endpoint().topic() : std::string();
}

Status Ros2ResultSink::publish_label_info(const pipeline::SinkItem& item) {
  if (!label_info_ || item.labels == nullptr || item.labels->empty() || labelled_models_.count(item.model)) return Status::ok();
  auto t = options_.model_thresholds.find(item.model);
  const float threshold = t == options_.model_thresholds.end() ? 0.0f : t->second;
  FOVEA_ASSIGN_OR_RETURN(msg::LabelInfo info, label_info_message(*item.labels, threshold, header_from_frame(item.result.header)));
  FOVEA_RETURN_IF_ERROR(label_info_->publish(info));
  labelled_models_.insert(item.model);
  return Status::ok();
}

// The frame with its results drawn, in the frame's header; drawing happens on an rgb8 copy (the
// file sink's renderer), so the frame the other sinks see is untouched.
Result<msg::Image> Ros2ResultSink::annotated_image(const pipeline::SinkItem& item) const {
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> rgb, render_annotated_rgb(item));
  const pipeline::Frame& frame = item.frame->frame;
  return image_from_rgb(rgb.data(), frame.image.width, frame.image.height, options_.annotated_encoding,
                        header_from_frame(frame.header));
}

Status Ros2ResultSink::write(const pipeline::SinkItem& item) {
  static const std::vector<std::string> kNoLabels;
  const std::vector<std::string>& labels = item.labels ? *item.labels : kNoLabels;
  FOVEA_RETURN_IF_ERROR(publish_label_info(item));
  if (detections_) {
    FOVEA_RETURN_IF_ERROR(detections_->publish(detections_to_message(item.result, labels, options_.class_id_format)));
  } else if (classification_) {
    FOVEA_RETURN_IF_ERROR(
        classification_->publish(classification_to_message(item.result, labels, options_.class_id_format)));
  } else if (options_.kind == ResultTopicKind::kAnnotatedImage) {
    Result<msg::Image> image = annotated_image(item);
    if (!image.is_ok()) return image.status().with_context(options_.name);
    FOVEA_RETURN_IF_ERROR(mask_->publish(*image));
    if (const FrameCameraInfo* c = camera_info_of(item.frame->pixels)) {
      msg::CameraInfo info = *c->info;
      info.header = image->header;
      FOVEA_RETURN_IF_ERROR(camera_info_->publish(info));
      ++camera_infos_published_;
    }
  } else {
    Result<msg::Image> mask = options_.color_mask ? mask_to_color_image(item.result) : mask_to_image(item.result);
    if (!mask.is_ok()) return mask.status().with_context(options_.name);
    FOVEA_RETURN_IF_ERROR(mask_->publish(*mask));
  }
  ++published_;
  return Status::ok();
}

}  // namespace fovea::io::ros2
