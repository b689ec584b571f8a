// The `ros2_annotated_image` sink: config parsing (encoding bgr8 | rgb8, keys that do not apply
// are errors naming them), and a real publish -> subscribe in process: the received Image has
// the frame's header and size, the asked encoding, the box's edge drawn, the rest of the frame's
// pixels as they were (channels swapped for bgr8), and the input frame left untouched.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"
#include "io/ros2/ros2_pipeline_endpoints.h"
#include "pipeline/pipeline_config.h"

namespace fovea::io::ros2 {
namespace {

using namespace std::chrono_literals;

const char* kModel = R"(
models:
  - {name: det, model_file_path: m.onnx}
)";

std::string error_of(const std::string& sinks) {
  Result<pipeline::PipelineConfig> c =
      pipeline::parse_pipeline_config("sources:\n  - {name: c, type: ros2_image, topic: /x}\nsinks:\n" + sinks + kModel, "/b");
  return c.is_ok() ? std::string("ok") : c.status().message();
}

TEST(Ros2AnnotatedSinkConfig, ParsesEncodingAndDefaults) {
  Result<pipeline::PipelineConfig> c = pipeline::parse_pipeline_config(std::string(R"(
sources:
  - {name: cam, type: ros2_image, topic: /camera/image_raw}
sinks:
  - {type: ros2_annotated_image, topic: /fovea/annotated}
  - {name: a, type: ros2_annotated_image, topic: /fovea/annotated_rgb, encoding: rgb8, qos: {depth: 2}}
)") + kModel, "/b");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->sinks.size(), 2u);
  EXPECT_EQ(c->sinks[0].kind, pipeline::SinkKind::kRos2AnnotatedImage);
  EXPECT_EQ(c->sinks[0].name, "ros2_annotated_image_0");
  EXPECT_EQ(c->sinks[0].image_encoding, "bgr8");
  EXPECT_EQ(c->sinks[0].label_info_topic, "none");
  EXPECT_EQ(c->sinks[1].image_encoding, "rgb8");
  EXPECT_NE(c->sinks[1].qos_yaml.find("depth: 2"), std::string::npos);
  EXPECT_EQ(pipeline::sink_kind_name(c->sinks[0].kind), "ros2_annotated_image");
}

TEST(Ros2AnnotatedSinkConfig, ErrorsNameTheKey) {
  std::string e = error_of("  - {type: ros2_annotated_image, topic: /a, encoding: mono8}\n");
  EXPECT_NE(e.find("sinks[0].encoding: 'mono8' is not bgr8 or rgb8"), std::string::npos) << e;
  e = error_of("  - {type: ros2_detections, topic: /d, encoding: rgb8}\n");
  EXPECT_NE(e.find("sinks[0].encoding: applies to ros2_annotated_image sinks only"), std::string::npos) << e;
  e = error_of("  - {type: ros2_annotated_image, topic: /a, class_id_format: label}\n");
  EXPECT_NE(e.find("sinks[0].class_id_format: does not apply"), std::string::npos) << e;
  e = error_of("  - {type: ros2_annotated_image}\n");
  EXPECT_NE(e.find("sinks[0].topic: missing"), std::string::npos) << e;
  e = error_of("  - {type: ros2_annotated_image, topic: /a, color: true}\n");
  EXPECT_NE(e.find("sinks[0].color: applies to ros2_mask sinks only"), std::string::npos) << e;
}

TEST(Ros2AnnotatedSink, PublishesTheFrameWithItsBoxDrawn) {
  const int domain = 140 + static_cast<int>(getpid() % 50);
  const std::string topic = "/fovea_annot_" + std::to_string(getpid()) + "/annotated";
  Result<pipeline::PipelineConfig> config = pipeline::parse_pipeline_config(
      "sources:\n  - {name: c, type: ros2_image, topic: /x}\nsinks:\n  - {type: ros2_annotated_image, topic: " + topic +
          ", qos: {reliability: reliable}}\n" + kModel,
      "/b");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();

  NodeOptions fovea_options;
  fovea_options.name = "annot_sink";
  fovea_options.domain_id = domain;
  Ros2PipelineEndpoints endpoints(fovea_options);
  Result<std::unique_ptr<pipeline::FrameSink>> sink = endpoints.make_sink(config->sinks[0], *config, "sinks[0]");
  ASSERT_TRUE(sink.is_ok()) << sink.status().to_string();
  // No LabelInfo for an annotated image; its CameraInfo topic (used when frames carry one).
  ASSERT_EQ(endpoints.descriptions().size(), 2u);
  EXPECT_NE(endpoints.descriptions()[0].find("sensor_msgs/msg/Image"), std::string::npos);
  EXPECT_NE(endpoints.descriptions()[1].find("/camera_info (sensor_msgs/msg/CameraInfo"), std::string::npos)
      << endpoints.descriptions()[1];

  NodeOptions consumer_options;
  consumer_options.name = "annot_consumer";
  consumer_options.domain_id = domain;
  Result<std::unique_ptr<Node>> consumer = Node::create(consumer_options);
  ASSERT_TRUE(consumer.is_ok()) << consumer.status().to_string();
  QosProfile reliable = default_subscription_qos();
  reliable.reliability = Reliability::kReliable;
  auto sub = (*consumer)->create_subscription<msg::Image>(topic, reliable);
  ASSERT_TRUE(sub.is_ok()) << sub.status().to_string();
  const auto matched_by = std::chrono::steady_clock::now() + 5s;
  while ((*sub)->matched_publications() < 1 && std::chrono::steady_clock::now() < matched_by)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ((*sub)->matched_publications(), 1u);

  // A 96x64 rgb8 frame of one colour whose channels differ, so a missed R/B swap shows.
  const int w = 96, h = 64;
  auto pixels = std::make_shared<std::vector<uint8_t>>(size_t(w) * h * 3);
  for (size_t i = 0; i < pixels->size(); i += 3) {
    (*pixels)[i] = 30;
    (*pixels)[i + 1] = 90;
    (*pixels)[i + 2] = 150;
  }
  const std::vector<uint8_t> original = *pixels;
  auto frame = std::make_shared<pipeline::PipelineFrame>();
  frame->frame.image = {pixels->data(), pixels->size(), w, h, size_t(w) * 3, vision::PixelEncoding::kRgb8};
  frame->frame.header = {1'700'000'000'123'456'789, "cam_optical"};
  frame->frame.source = "cam";
  frame->pixels = pixels;

  const std::vector<std::string> labels{"cat", "dog"};
  pipeline::SinkItem item;
  item.model = "det";
  item.stream = "cam";
  item.labels = &labels;
  item.frame = frame;
  item.result.header = frame->frame.header;
  item.result.image_width = w;
  item.result.image_height = h;
  vision::Detection d;
  d.x1 = 20;
  d.y1 = 24;
  d.x2 = 70;
  d.y2 = 56;
  d.score = 0.9f;
  d.class_id = 1;
  item.result.detections.push_back(d);
  const Status written = (*sink)->write(item);
  ASSERT_TRUE(written.is_ok()) << written.to_string();

  std::vector<Received<msg::Image>> got;
  const auto received_by = std::chrono::steady_clock::now() + 5s;
  while (got.empty() && std::chrono::steady_clock::now() < received_by) {
    if (!(*sub)->wait(50ms)) continue;
    auto r = (*sub)->take();
    if (r.is_ok()) for (auto& m : *r) got.push_back(std::move(m));
  }
  ASSERT_EQ(got.size(), 1u);
  const msg::Image& img = got[0].msg;
  EXPECT_EQ(time_to_ns(img.header.stamp), 1'700'000'000'123'456'789);
  EXPECT_EQ(img.header.frame_id, "cam_optical");
  EXPECT_EQ(img.width, uint32_t(w));
  EXPECT_EQ(img.height, uint32_t(h));
  EXPECT_EQ(img.encoding, "bgr8");
  ASSERT_EQ(img.step, uint32_t(w) * 3);
  ASSERT_EQ(img.data.size(), size_t(w) * h * 3);
  auto bgr_at = [&](int x, int y) {
    const uint8_t* p = img.data.data() + (size_t(y) * w + x) * 3;
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  const std::array<int, 3> untouched{150, 90, 30};  // the input's RGB as BGR
  // The box's left, right and bottom edges (the label sits on the top edge) are drawn over.
  for (const auto& [x, y] : std::vector<std::pair<int, int>>{{20, 40}, {70, 40}, {45, 56}})
    EXPECT_NE(bgr_at(x, y), untouched) << "edge pixel " << x << "," << y << " not drawn";
  // Inside the box (away from the label) and far outside it, the frame is as it was.
  EXPECT_EQ(bgr_at(45, 45), untouched);
  EXPECT_EQ(bgr_at(5, 60), untouched);
  EXPECT_EQ(bgr_at(90, 5), untouched);
  // Drawing went on a copy: the frame other sinks see is untouched.
  EXPECT_EQ(*pixels, original);

  // No frame (an item the pipeline could not attach pixels to): an error, no crash.
  pipeline::SinkItem no_frame = item;
  no_frame.frame = nullptr;
  EXPECT_FALSE((*sink)->write(no_frame).is_ok());
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
