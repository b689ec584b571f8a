#include "io/ros2/ros2_pipeline_endpoints.h"

#include <yaml-cpp/yaml.h>

#include "io/ros2/ros2_image_source.h"
#include "io/ros2/ros2_result_sinks.h"

namespace fovea::io::ros2 {
namespace {

// The YAML text pipeline_config kept for a `qos` block, over `defaults`.
Result<QosProfile> qos_of(const std::string& yaml_text, const QosProfile& defaults, const std::string& key) {
  Result<QosProfile> qos = defaults;
  if (!yaml_text.empty()) {
    try {
      qos = qos_from_yaml(YAML::Load(yaml_text), defaults);
    } catch (const YAML::Exception& e) {
      return invalid_argument("{}.qos: {}", key, e.what());
    }
  }
  if (!qos.is_ok()) return qos.status().with_context(key);
  if (const Status st = validate_qos(*qos); !st.is_ok()) return st.with_context(key + ".qos");
  return qos;
}

}  // namespace

Result<std::shared_ptr<Node>> Ros2PipelineEndpoints::ensure_node() {
  if (!node_) {
    Result<std::unique_ptr<Node>> made = Node::create(options_);
    if (!made.is_ok()) return made.status().with_context("ros2 node");
    node_ = std::shared_ptr<Node>(std::move(made).value());
  }
  return node_;
}

std::function<std::vector<std::string>()> Ros2PipelineEndpoints::summary_reporter() const {
  return [sources = sources_] {
    std::vector<std::string> lines;
    for (const Ros2ImageSource* s : sources)
      if (std::string line = s->camera_info_summary(); !line.empty()) lines.push_back(std::move(line));
    return lines;
  };
}

Result<std::unique_ptr<pipeline::FrameSource>> Ros2PipelineEndpoints::make_source(const pipeline::SourceConfig& config,
                                                                                  const std::string& key) {
  Ros2ImageSourceOptions o;
  o.name = config.name;
  o.topic = config.topic;
  o.compressed = config.compressed;
  o.frame_id = config.frame_id;
  o.camera_info_topic = config.camera_info_topic;
  o.camera_info_wait = std::chrono::milliseconds(static_cast<int64_t>(config.camera_info_wait_ms));
  FOVEA_ASSIGN_OR_RETURN(o.qos, qos_of(config.qos_yaml, default_subscription_qos(), key));
  FOVEA_ASSIGN_OR_RETURN(std::shared_ptr<Node> node, ensure_node());
  Result<std::unique_ptr<Ros2ImageSource>> source = Ros2ImageSource::create(node, o);
  if (!source.is_ok()) return source.status().with_context(key);
  descriptions_.push_back(fmt::format("subscribes {} ({}, {}) as source '{}'", (*source)->topic(),
                                      config.compressed ? "sensor_msgs/msg/CompressedImage" : "sensor_msgs/msg/Image",
                                      describe_qos(o.qos), config.name));
  if (const std::string ci = (*source)->camera_info_topic(); !ci.empty())
    descriptions_.push_back(fmt::format("subscribes {} (sensor_msgs/msg/CameraInfo, {}) paired with source '{}'", ci,
                                        describe_qos(o.qos), config.name));
  sources_.push_back(source->get());
  return std::unique_ptr<pipeline::FrameSource>(std::move(source).value());
}

Result<std::unique_ptr<pipeline::FrameSink>> Ros2PipelineEndpoints::make_sink(const pipeline::SinkConfig& config,
                                                                              const pipeline::PipelineConfig& pipeline,
                                                                              const std::string& key) {
  Ros2ResultSinkOptions o;
  o.name = config.name;
  o.topic = config.topic;
  o.label_info_topic = config.label_info_topic;
  o.color_mask = config.color;
  const char* type = "vision_msgs/msg/Detection2DArray";
  switch (config.kind) {
    case pipeline::SinkKind::kRos2Detections: o.kind = ResultTopicKind::kDetections; break;
    case pipeline::SinkKind::kRos2Classification:
      o.kind = ResultTopicKind::kClassification;
      type = "vision_msgs/msg/Classification";
      break;
    case pipeline::SinkKind::kRos2Mask:
      o.kind = ResultTopicKind::kMask;
      type = "sensor_msgs/msg/Image";
      break;
    case pipeline::SinkKind::kRos2AnnotatedImage: {
      o.kind = ResultTopicKind::kAnnotatedImage;
      type = "sensor_msgs/msg/Image";
      Result<vision::PixelEncoding> encoding = vision::parse_encoding(config.image_encoding);
      if (!encoding.is_ok()) return encoding.status().with_context(key + ".encoding");
      o.annotated_encoding = *encoding;
      break;
    }
    default: return internal_error("{}: not a ROS 2 sink", key);
  }
  Result<ClassIdFormat> format = parse_class_id_format(config.class_id_format);
  if (!format.is_ok()) return format.status().with_context(key + ".class_id_format");
  o.class_id_format = *format;
  for (const pipeline::ModelConfig& m : pipeline.models)
    o.model_thresholds[m.name] = m.vision.detection.nms.confidence_threshold;
  FOVEA_ASSIGN_OR_RETURN(o.qos, qos_of(config.qos_yaml, default_publisher_qos(), key));
  FOVEA_ASSIGN_OR_RETURN(std::shared_ptr<Node> node, ensure_node());
  Result<std::unique_ptr<Ros2ResultSink>> sink = Ros2ResultSink::create(node, o);
  if (!sink.is_ok()) return sink.status().with_context(key);
  descriptions_.push_back(
      fmt::format("publishes {} ({}, {}) as sink '{}'", (*sink)->topic(), type, describe_qos(o.qos), config.name));
  if (const std::string li = (*sink)->label_info_topic(); !li.empty())
    descriptions_.push_back(fmt::format("publishes {} (vision_msgs/msg/LabelInfo, transient_local) for sink '{}'", li,
                                        config.name));
  if (const std::string ci = (*sink)->camera_info_topic(); !ci.empty())
    descriptions_.push_back(fmt::format("publishes {} (sensor_msgs/msg/CameraInfo, {}) for sink '{}' when frames carry one",
                                        ci, describe_qos(o.qos), config.name));
  return std::unique_ptr<pipeline::FrameSink>(std::move(sink).value());
}

}  // namespace fovea::io::ros2
