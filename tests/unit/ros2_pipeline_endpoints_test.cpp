// The pipeline's ROS 2 ends: `ros2_image` sources and `ros2_*` sinks in the pipeline YAML, the
// image source over a real subscription (a second node publishes good and malformed Images: each
// becomes a frame or one counted drop), and the detections sink (header copied through, boxes in
// original pixels, LabelInfo delivered transient-local to a subscriber that comes later).
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"
#include "io/ros2/ros2_image_source.h"
#include "io/ros2/ros2_result_sinks.h"
#include "pipeline/pipeline_config.h"

namespace fovea::io::ros2 {
namespace {

using namespace std::chrono_literals;

int test_domain() { return 90 + static_cast<int>(getpid() % 50); }
std::string unique_topic(const std::string& base) { return "/fovea_ep_" + std::to_string(getpid()) + "/" + base; }

std::shared_ptr<Node> make_node(const std::string& name) {
  NodeOptions o;
  o.name = name;
  o.domain_id = test_domain();
  Result<std::unique_ptr<Node>> n = Node::create(o);
  EXPECT_TRUE(n.is_ok()) << n.status().to_string();
  return n.is_ok() ? std::shared_ptr<Node>(std::move(n).value()) : nullptr;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

const char* kMinimalModel = R"(
models:
  - {name: det, model_file_path: m.onnx}
)";

TEST(Ros2PipelineConfig, ParsesRos2SourceAndSinks) {
  const std::string yaml = std::string(R"(
sources:
  - {name: cam, type: ros2_image, topic: /camera/image_raw, compressed: true, qos: sensor_data, frame_id: cam_link}
sinks:
  - {name: d, type: ros2_detections, topic: /fovea/detections, qos: {reliability: best_effort, depth: 3}, class_id_format: label}
  - {type: ros2_mask, topic: /fovea/mask, color: true, label_info_topic: none}
)") + kMinimalModel;
  Result<pipeline::PipelineConfig> c = pipeline::parse_pipeline_config(yaml, "/base");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->sources.size(), 1u);
  const pipeline::SourceConfig& s = c->sources[0];
  EXPECT_EQ(s.kind, pipeline::SourceKind::kRos2Image);
  EXPECT_EQ(s.topic, "/camera/image_raw");
  EXPECT_TRUE(s.compressed);
  EXPECT_EQ(s.frame_id, "cam_link");
  EXPECT_NE(s.qos_yaml.find("profile: sensor_data"), std::string::npos) << s.qos_yaml;
  ASSERT_EQ(c->sinks.size(), 2u);
  EXPECT_EQ(c->sinks[0].kind, pipeline::SinkKind::kRos2Detections);
  EXPECT_EQ(c->sinks[0].class_id_format, "label");
  EXPECT_NE(c->sinks[0].qos_yaml.find("depth: 3"), std::string::npos);
  EXPECT_EQ(c->sinks[1].kind, pipeline::SinkKind::kRos2Mask);
  EXPECT_EQ(c->sinks[1].name, "ros2_mask_1");
  EXPECT_TRUE(c->sinks[1].color);
  EXPECT_EQ(c->sinks[1].label_info_topic, "none");
  EXPECT_EQ(pipeline::source_kind_name(s.kind), "ros2_image");
}

TEST(Ros2PipelineConfig, ErrorsNameTheKey) {
  auto error_of = [](const std::string& entry) {
    Result<pipeline::PipelineConfig> c = pipeline::parse_pipeline_config(entry + kMinimalModel, "/base");
    return c.is_ok() ? std::string("ok") : c.status().message();
  };
  EXPECT_NE(error_of("sources:\n  - {name: c, type: ros2_image}\n").find("sources[0].topic: missing"), std::string::npos);
  EXPECT_NE(error_of("sources:\n  - {name: c, type: ros2_image, topic: /x, path: y}\n").find("sources[0].path: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("sources:\n  - {name: c, type: ros2_image, topic: /x, qos: [1]}\n").find("sources[0].qos"),
            std::string::npos);
  const std::string sink_error = error_of(
      "sources:\n  - {name: c, type: ros2_image, topic: /x}\nsinks:\n  - {type: ros2_detections, topic: /d, color: true}\n");
  EXPECT_NE(sink_error.find("sinks[0].color: applies to ros2_mask sinks only"), std::string::npos) << sink_error;
}

msg::Image rgb_image(int w, int h, const std::string& frame_id, int64_t stamp_ns) {
  std::vector<uint8_t> rgb(size_t(w) * h * 3, 77);
  Result<msg::Image> m = image_from_rgb(rgb.data(), w, h, vision::PixelEncoding::kRgb8, {time_from_ns(stamp_ns), frame_id});
  EXPECT_TRUE(m.is_ok());
  return m.is_ok() ? *m : msg::Image{};
}

TEST(Ros2ImageSource, EveryMessageIsAFrameOrACountedDrop) {
  std::shared_ptr<Node> fovea = make_node("ep_source");
  std::shared_ptr<Node> camera = make_node("ep_camera");
  ASSERT_TRUE(fovea && camera);
  const std::string topic = unique_topic("image");
  Ros2ImageSourceOptions o;
  o.name = "cam";
  o.topic = topic;
  o.qos.reliability = Reliability::kReliable;
  Result<std::unique_ptr<Ros2ImageSource>> source = Ros2ImageSource::create(fovea, o);
  ASSERT_TRUE(source.is_ok()) << source.status().to_string();
  auto pub = camera->create_publisher<msg::Image>(topic);
  ASSERT_TRUE(pub.is_ok());
  ASSERT_TRUE(eventually([&] { return (*pub)->matched_subscriptions() == 1; }));

  msg::Image bad = rgb_image(8, 4, "cam_link", 1'000'000'123);
  bad.step = 5;  // less than one row (24 bytes)
  ASSERT_TRUE((*pub)->publish(bad).is_ok());
  ASSERT_TRUE((*pub)->publish(rgb_image(8, 4, "cam_link", 2'000'000'456)).is_ok());

  Result<std::optional<pipeline::SourceFrame>> first = (*source)->next();
  ASSERT_FALSE(first.is_ok());
  EXPECT_NE(first.status().message().find("image.step"), std::string::npos) << first.status().message();
  EXPECT_EQ((*source)->drops().dropped(), 1u);
  Result<std::optional<pipeline::SourceFrame>> second = (*source)->next();
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  ASSERT_TRUE(second->has_value());
  const pipeline::Frame& f = (*second)->frame;
  EXPECT_EQ(f.image.width, 8);
  EXPECT_EQ(f.image.height, 4);
  EXPECT_EQ(f.header.stamp_ns, 2'000'000'456);
  EXPECT_EQ(f.header.frame_id, "cam_link");
  EXPECT_EQ(f.image.data[0], 77);
  EXPECT_EQ((*source)->received(), 2u);
  EXPECT_TRUE((*source)->live());

  // A blocked next() returns "ended" once asked to stop.
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    (*source)->request_stop();
  });
  Result<std::optional<pipeline::SourceFrame>> ended = (*source)->next();
  stopper.join();
  ASSERT_TRUE(ended.is_ok());
  EXPECT_FALSE(ended->has_value());
}

TEST(Ros2ResultSink, PublishesDetectionsAndLatchedLabelInfo) {
  std::shared_ptr<Node> fovea = make_node("ep_sink");
  std::shared_ptr<Node> consumer = make_node("ep_consumer");
  ASSERT_TRUE(fovea && consumer);
  const std::string topic = unique_topic("detections");
  Ros2ResultSinkOptions o;
  o.name = "det_sink";
  o.topic = topic;
  o.model_thresholds["det"] = 0.4f;
  Result<std::unique_ptr<Ros2ResultSink>> sink = Ros2ResultSink::create(fovea, o);
  ASSERT_TRUE(sink.is_ok()) << sink.status().to_string();
  EXPECT_EQ((*sink)->label_info_topic(), unique_topic("label_info"));
  QosProfile reliable = default_subscription_qos();
  reliable.reliability = Reliability::kReliable;
  auto sub = consumer->create_subscription<msg::Detection2DArray>(topic, reliable);
  ASSERT_TRUE(sub.is_ok());
  ASSERT_TRUE(eventually([&] { return (*sub)->matched_publications() == 1; }));

  const std::vector<std::string> labels{"cat", "dog"};
  pipeline::SinkItem item;
  item.model = "det";
  item.labels = &labels;
  item.result.header = {1'234'000'000'567, "cam_link"};
  item.result.image_width = 1280;
  item.result.image_height = 720;
  vision::Detection d;
  d.x1 = 100;
  d.y1 = 200;
  d.x2 = 300;
  d.y2 = 260;
  d.score = 0.9f;
  d.class_id = 1;
  item.result.detections.push_back(d);
  ASSERT_TRUE((*sink)->write(item).is_ok());

  std::vector<Received<msg::Detection2DArray>> got;
  ASSERT_TRUE(eventually([&] {
    if ((*sub)->wait(50ms)) {
      auto r = (*sub)->take();
      if (r.is_ok()) for (auto& m : *r) got.push_back(std::move(m));
    }
    return !got.empty();
  }));
  const msg::Detection2DArray& a = got[0].msg;
  EXPECT_EQ(time_to_ns(a.header.stamp), 1'234'000'000'567);
  EXPECT_EQ(a.header.frame_id, "cam_link");
  ASSERT_EQ(a.detections.size(), 1u);
  EXPECT_DOUBLE_EQ(a.detections[0].bbox.center.position.x, 200.0);
  EXPECT_DOUBLE_EQ(a.detections[0].bbox.center.position.y, 230.0);
  EXPECT_DOUBLE_EQ(a.detections[0].bbox.size_x, 200.0);
  EXPECT_DOUBLE_EQ(a.detections[0].bbox.size_y, 60.0);
  ASSERT_EQ(a.detections[0].results.size(), 1u);
  EXPECT_EQ(a.detections[0].results[0].hypothesis.class_id, "1");
  EXPECT_EQ((*sink)->published(), 1u);

  // A late transient-local subscriber still gets the label map.
  QosProfile latched = reliable;
  latched.durability = Durability::kTransientLocal;
  auto labels_sub = consumer->create_subscription<msg::LabelInfo>(unique_topic("label_info"), latched);
  ASSERT_TRUE(labels_sub.is_ok());
  std::vector<Received<msg::LabelInfo>> info;
  ASSERT_TRUE(eventually([&] {
    if ((*labels_sub)->wait(50ms)) {
      auto r = (*labels_sub)->take();
      if (r.is_ok()) for (auto& m : *r) info.push_back(std::move(m));
    }
    return !info.empty();
  }));
  ASSERT_EQ(info[0].msg.class_map.size(), 2u);
  EXPECT_EQ(info[0].msg.class_map[1].class_name, "dog");
  EXPECT_FLOAT_EQ(info[0].msg.threshold, 0.4f);

  // A mask sink refuses a result without a mask (an error the pipeline counts), no crash.
  Ros2ResultSinkOptions mo;
  mo.name = "mask_sink";
  mo.kind = ResultTopicKind::kMask;
  mo.topic = unique_topic("mask");
  mo.label_info_topic = "none";
  auto mask_sink = Ros2ResultSink::create(fovea, mo);
  ASSERT_TRUE(mask_sink.is_ok());
  EXPECT_EQ((*mask_sink)->label_info_topic(), "");
  EXPECT_FALSE((*mask_sink)->write(item).is_ok());
}

TEST(Ros2ResultSink, LabelInfoTopicBesideTheResultTopic) {
  EXPECT_EQ(label_info_topic_for("/fovea/detections"), "/fovea/label_info");
  EXPECT_EQ(label_info_topic_for("detections"), "label_info");
  EXPECT_EQ(label_info_topic_for("/detections"), "/label_info");
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
