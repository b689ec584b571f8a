#include "io/ros2/ros2_result_sinks.h"

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
    case ResultTopicKind::kMask: {
      FOVEA_ASSIGN_OR_RETURN(sink->mask_, node->create_publisher<msg::Image>(options.topic, options.qos));
      break;
    }
  }
  // Masks carry class ids too, so their LabelInfo is as useful as a detector's.
  if (options.label_info_topic != "none") {
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

Status Ros2ResultSink::publish_label_info(const pipeline::SinkItem& item) {
  if (!label_info_ || item.labels == nullptr || item.labels->empty() || labelled_models_.count(item.model)) return Status::ok();
  auto t = options_.model_thresholds.find(item.model);
  const float threshold = t == options_.model_thresholds.end() ? 0.0f : t->second;
  FOVEA_ASSIGN_OR_RETURN(msg::LabelInfo info, label_info_message(*item.labels, threshold, header_from_frame(item.result.header)));
  FOVEA_RETURN_IF_ERROR(label_info_->publish(info));
  labelled_models_.insert(item.model);
  return Status::ok();
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
  } else {
    Result<msg::Image> mask = options_.color_mask ? mask_to_color_image(item.result) : mask_to_image(item.result);
    if (!mask.is_ok()) return mask.status().with_context(options_.name);
    FOVEA_RETURN_IF_ERROR(mask_->publish(*mask));
  }
  ++published_;
  return Status::ok();
}

}  // namespace fovea::io::ros2
