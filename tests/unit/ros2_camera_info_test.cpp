// The optional CameraInfo of a ROS 2 image source: pairing by stamp (else the latest, a size
// mismatch counted as a drop of the CameraInfo), the CameraInfo riding on the frame's pixels owner
// (frame_camera_info.h) to the JSON-lines sink, the config keys, and a round trip over Cyclone on
// loopback: a camera node publishes Images and CameraInfos (image first, as image_transport does),
// the source pairs them, and the annotated-image sink republishes the paired CameraInfo with the
// image's header on `camera_info` beside its topic.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "io/result_sinks.h"
#include "io/ros2/frame_camera_info.h"
#include "pipeline/pipeline_config.h"
#ifdef FOVEA_HAVE_ROS2
#include "io/ros2/camera_info_pairing.h"
#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"
#include "io/ros2/ros2_image_source.h"
#include "io/ros2/ros2_result_sinks.h"
#include "io/ros2/ros_names.h"
#endif

namespace fovea::io::ros2 {
namespace {

using namespace std::chrono_literals;

msg::CameraInfo camera_info(int64_t stamp_ns, uint32_t w, uint32_t h, double fx = 500) {
  msg::CameraInfo c;
  c.header = {time_from_ns(stamp_ns), "cam_optical"};
  c.width = w;
  c.height = h;
  c.distortion_model = "plumb_bob";
  c.d = {0.1, 0, 0, 0, 0};
  c.k = {fx, 0, w / 2.0, 0, fx, h / 2.0, 0, 0, 1};
  return c;
}

TEST(Ros2FrameCameraInfo, RidesOnThePixelsOwnerAndDiesWithTheFrame) {
  auto pixels = std::make_shared<std::vector<uint8_t>>(12, 7);
  const void* raw = pixels.get();
  std::weak_ptr<std::vector<uint8_t>> alive = pixels;
  std::shared_ptr<const void> owner = pixels;
  EXPECT_EQ(camera_info_of(owner), nullptr);  // a frame from any other source has none
  auto info = std::make_shared<const msg::CameraInfo>(camera_info(5, 2, 2));
  std::shared_ptr<const void> carried = attach_camera_info(std::move(owner), info, true);
  pixels.reset();
  EXPECT_EQ(carried.get(), raw);  // the same pointer: nothing downstream notices
  std::shared_ptr<const void> copy = carried;  // what the pipeline does with it
  const FrameCameraInfo* c = camera_info_of(copy);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->info->k[0], 500);
  EXPECT_TRUE(c->same_stamp);
  carried.reset();
  EXPECT_FALSE(alive.expired());  // the copy still holds the frame
  copy.reset();
  EXPECT_TRUE(alive.expired());
}

TEST(Ros2FrameCameraInfo, JsonLinesSinkSaysWhenAFrameCarriedOne) {
  const std::string path = (std::filesystem::temp_directory_path() / ("fovea_ci_" + std::to_string(getpid()) + ".jsonl")).string();
  Result<std::unique_ptr<JsonLinesSink>> sink = JsonLinesSink::create("json", path);
  ASSERT_TRUE(sink.is_ok()) << sink.status().to_string();
  auto pixels = std::make_shared<std::vector<uint8_t>>(4 * 2 * 3, 1);
  for (bool with : {true, false}) {
    auto frame = std::make_shared<pipeline::PipelineFrame>();
    frame->frame.image = {pixels->data(), pixels->size(), 4, 2, 12, vision::PixelEncoding::kRgb8};
    frame->pixels = with ? attach_camera_info(pixels, std::make_shared<const msg::CameraInfo>(camera_info(1, 4, 2)), false)
                         : std::shared_ptr<const void>(pixels);
    pipeline::SinkItem item;
    item.model = "det";
    item.stream = "cam";
    item.frame = frame;
    item.result.image_width = 4;
    item.result.image_height = 2;
    ASSERT_TRUE((*sink)->write(item).is_ok());
  }
  ASSERT_TRUE((*sink)->close().is_ok());
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  nlohmann::json first = nlohmann::json::parse(line);
  ASSERT_TRUE(first.contains("camera_info")) << line;
  EXPECT_EQ(first["camera_info"]["width"], 4);
  EXPECT_EQ(first["camera_info"]["height"], 2);
  EXPECT_EQ(first["camera_info"]["distortion_model"], "plumb_bob");
  EXPECT_EQ(first["camera_info"]["k"][0], 500.0);
  EXPECT_EQ(first["camera_info"]["same_stamp"], false);
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_FALSE(nlohmann::json::parse(line).contains("camera_info")) << line;
  std::filesystem::remove(path);
}

#ifdef FOVEA_HAVE_ROS2

TEST(Ros2CameraInfoPairing, SameStampElseLatestAndSizeMismatchesCounted) {
  CameraInfoPairing pairing("/cam/camera_info", 3);
  EXPECT_EQ(pairing.pair(100, 64, 48).info, nullptr);  // none received yet
  EXPECT_FALSE(pairing.may_still_arrive(100, false));    // nothing to wait for
  EXPECT_TRUE(pairing.may_still_arrive(100, true));      // a publisher: its first may be on its way
  pairing.add(camera_info(100, 64, 48, 501));
  pairing.add(camera_info(200, 64, 48, 502));
  pairing.add(camera_info(300, 64, 48, 503));
  EXPECT_TRUE(pairing.has_stamp(200));
  EXPECT_TRUE(pairing.may_still_arrive(400, false));  // CameraInfos arrive, none for 400 or later yet
  EXPECT_FALSE(pairing.may_still_arrive(300, true));
  PairedCameraInfo p = pairing.pair(200, 64, 48);
  ASSERT_NE(p.info, nullptr);
  EXPECT_TRUE(p.same_stamp);
  EXPECT_EQ(p.info->k[0], 502);
  p = pairing.pair(250, 64, 48);  // no CameraInfo of this stamp: the latest
  ASSERT_NE(p.info, nullptr);
  EXPECT_FALSE(p.same_stamp);
  EXPECT_EQ(p.info->k[0], 503);
  pairing.add(camera_info(400, 64, 48, 504));  // the ring keeps 3: 100 is gone
  EXPECT_FALSE(pairing.has_stamp(100));
  p = pairing.pair(100, 64, 48);
  EXPECT_FALSE(p.same_stamp);
  EXPECT_EQ(p.info->k[0], 504);
  // The CameraInfo of the image's stamp is for another size: counted, the image gets none.
  pairing.add(camera_info(500, 640, 480, 505));
  p = pairing.pair(500, 64, 48);
  EXPECT_EQ(p.info, nullptr);
  EXPECT_EQ(pairing.drops().dropped(), 1u);
  EXPECT_NE(pairing.drops().last_reason().find("camera_info.width x height 640x480"), std::string::npos)
      << pairing.drops().last_reason();
  EXPECT_NE(pairing.drops().last_reason().find("the image's 64x48"), std::string::npos);
  const CameraInfoPairingCounts& c = pairing.counts();
  EXPECT_EQ(c.received, 5u);
  EXPECT_EQ(c.same_stamp, 1u);
  EXPECT_EQ(c.latest, 2u);
  EXPECT_EQ(c.none, 2u);
  EXPECT_EQ(c.size_mismatch, 1u);
}

TEST(Ros2CameraInfoNames, BesideTheImageTopic) {
  EXPECT_EQ(camera_info_topic_for("/camera/image_raw"), "/camera/camera_info");
  EXPECT_EQ(camera_info_topic_for("/camera/image_raw/compressed"), "/camera/camera_info");
  EXPECT_EQ(camera_info_topic_for("image_raw"), "camera_info");
  EXPECT_EQ(camera_info_topic_for("/fovea/annotated/image_raw"), "/fovea/annotated/camera_info");
}

TEST(Ros2CameraInfoConfig, KeysOfTheRosSource) {
  const std::string models = "models:\n  - {name: det, model_file_path: m.onnx}\n";
  Result<pipeline::PipelineConfig> c = pipeline::parse_pipeline_config(
      "sources:\n  - {name: cam, type: ros2_image, topic: /cam/image_raw, camera_info_topic: auto, "
      "camera_info_wait_ms: 5}\n" + models, "/b");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->sources[0].camera_info_topic, "auto");
  EXPECT_EQ(c->sources[0].camera_info_wait_ms, 5);
  c = pipeline::parse_pipeline_config("sources:\n  - {name: cam, type: ros2_image, topic: /x}\n" + models, "/b");
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->sources[0].camera_info_topic, "");  // off by default
  c = pipeline::parse_pipeline_config(
      "sources:\n  - {name: cam, type: ros2_image, topic: /x, camera_info_wait_ms: -1}\n" + models, "/b");
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("sources[0].camera_info_wait_ms"), std::string::npos) << c.status().message();
}

std::shared_ptr<Node> make_node(const std::string& name, int domain) {
  NodeOptions o;
  o.name = name;
  o.domain_id = domain;
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

msg::Image image(int64_t stamp_ns, int w, int h) {
  std::vector<uint8_t> rgb(size_t(w) * h * 3, 90);
  Result<msg::Image> m = image_from_rgb(rgb.data(), w, h, vision::PixelEncoding::kRgb8, {time_from_ns(stamp_ns), "cam_optical"});
  EXPECT_TRUE(m.is_ok());
  return m.is_ok() ? *m : msg::Image{};
}

TEST(Ros2CameraInfo, RoundTripOverCycloneThroughSourceAndAnnotatedSink) {
  const int domain = 190 + static_cast<int>(getpid() % 40);
  const std::string ns = "/fovea_ci_" + std::to_string(getpid());
  std::shared_ptr<Node> fovea = make_node("ci_fovea", domain);
  std::shared_ptr<Node> camera = make_node("ci_camera", domain);
  ASSERT_TRUE(fovea && camera);
  Ros2ImageSourceOptions o;
  o.name = "cam";
  o.topic = ns + "/image_raw";
  o.camera_info_topic = "auto";
  o.camera_info_wait = 300ms;
  o.frame_id = "cam_link";  // the published CameraInfo takes the image's header, this frame_id included
  o.qos.reliability = Reliability::kReliable;
  o.qos.depth = 10;
  Result<std::unique_ptr<Ros2ImageSource>> source = Ros2ImageSource::create(fovea, o);
  ASSERT_TRUE(source.is_ok()) << source.status().to_string();
  EXPECT_EQ((*source)->camera_info_topic(), ns + "/camera_info");
  auto image_pub = camera->create_publisher<msg::Image>(ns + "/image_raw");
  auto info_pub = camera->create_publisher<msg::CameraInfo>(ns + "/camera_info");
  ASSERT_TRUE(image_pub.is_ok() && info_pub.is_ok());
  ASSERT_TRUE(eventually([&] { return (*image_pub)->matched_subscriptions() == 1 && (*info_pub)->matched_subscriptions() == 1; }));

  // The pipeline's source thread, taking frames while the camera publishes.
  std::vector<pipeline::SourceFrame> frames;
  std::thread taker([&] {
    for (int i = 0; i < 4; ++i) {
      Result<std::optional<pipeline::SourceFrame>> f = (*source)->next();
      if (!f.is_ok() || !f->has_value()) return;
      frames.push_back(std::move(**f));
    }
  });
  const int64_t t0 = 1'700'000'000'000'000'000;
  // 1: image, then its CameraInfo (the source waits for it); 2: CameraInfo first; 3: no
  // CameraInfo of its own (the latest, 2's, after the wait); 4: a CameraInfo of another size
  // (counted, none).
  ASSERT_TRUE((*image_pub)->publish(image(t0 + 1, 32, 24)).is_ok());
  std::this_thread::sleep_for(30ms);
  ASSERT_TRUE((*info_pub)->publish(camera_info(t0 + 1, 32, 24, 601)).is_ok());
  std::this_thread::sleep_for(30ms);
  ASSERT_TRUE((*info_pub)->publish(camera_info(t0 + 2, 32, 24, 602)).is_ok());
  ASSERT_TRUE((*image_pub)->publish(image(t0 + 2, 32, 24)).is_ok());
  std::this_thread::sleep_for(30ms);
  ASSERT_TRUE((*image_pub)->publish(image(t0 + 3, 32, 24)).is_ok());
  std::this_thread::sleep_for(500ms);  // 3 waits 300 ms for its own, which never comes
  ASSERT_TRUE((*info_pub)->publish(camera_info(t0 + 4, 64, 48, 604)).is_ok());
  ASSERT_TRUE((*image_pub)->publish(image(t0 + 4, 32, 24)).is_ok());
  taker.join();
  ASSERT_EQ(frames.size(), 4u);
  const double expected_fx[] = {601, 602, 602, 0};
  const bool expected_same[] = {true, true, false, false};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(frames[i].frame.header.stamp_ns, t0 + i + 1);
    const FrameCameraInfo* c = camera_info_of(frames[i].pixels);
    if (i == 3) {
      EXPECT_EQ(c, nullptr);
      continue;
    }
    ASSERT_NE(c, nullptr) << "frame " << i;
    EXPECT_EQ(c->info->k[0], expected_fx[i]) << "frame " << i;
    EXPECT_EQ(c->same_stamp, expected_same[i]) << "frame " << i;
    // The frame's pixels are still the message's.
    EXPECT_EQ(frames[i].pixels.get(), static_cast<const void*>(c->pixels.get()));
  }
  const CameraInfoPairing* pairing = (*source)->camera_info_pairing();
  ASSERT_NE(pairing, nullptr);
  EXPECT_EQ(pairing->counts().size_mismatch, 1u);
  EXPECT_EQ(pairing->drops().dropped(), 1u);
  EXPECT_EQ((*source)->drops().dropped(), 0u);  // the image itself was fine

  // The annotated sink republishes the paired CameraInfo with the image's header.
  Ros2ResultSinkOptions so;
  so.name = "annotated";
  so.kind = ResultTopicKind::kAnnotatedImage;
  so.topic = ns + "/annotated/image_raw";
  so.qos.reliability = Reliability::kReliable;
  Result<std::unique_ptr<Ros2ResultSink>> sink = Ros2ResultSink::create(fovea, so);
  ASSERT_TRUE(sink.is_ok()) << sink.status().to_string();
  EXPECT_EQ((*sink)->camera_info_topic(), ns + "/annotated/camera_info");
  QosProfile reliable = default_subscription_qos();
  reliable.reliability = Reliability::kReliable;
  auto info_sub = camera->create_subscription<msg::CameraInfo>(ns + "/annotated/camera_info", reliable);
  ASSERT_TRUE(info_sub.is_ok());
  ASSERT_TRUE(eventually([&] { return (*info_sub)->matched_publications() == 1; }));
  for (int i : {0, 3}) {  // with and without a CameraInfo
    auto frame = std::make_shared<pipeline::PipelineFrame>();
    frame->frame = frames[i].frame;
    frame->pixels = frames[i].pixels;
    pipeline::SinkItem item;
    item.model = "det";
    item.stream = "cam";
    item.frame = frame;
    item.result.header = frame->frame.header;
    item.result.image_width = 32;
    item.result.image_height = 24;
    const Status st = (*sink)->write(item);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }
  EXPECT_EQ((*sink)->camera_infos_published(), 1u);
  std::vector<msg::CameraInfo> got;
  eventually([&] {
    if ((*info_sub)->wait(20ms))
      if (auto r = (*info_sub)->take(); r.is_ok())
        for (auto& m : *r) got.push_back(std::move(m.msg));
    return !got.empty();
  });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(time_to_ns(got[0].header.stamp), t0 + 1);
  EXPECT_EQ(got[0].header.frame_id, "cam_link");
  EXPECT_EQ(got[0].k[0], 601);
  EXPECT_EQ(got[0].width, 32u);
  EXPECT_EQ(got[0].d.size(), 5u);
}

#endif  // FOVEA_HAVE_ROS2

}  // namespace
}  // namespace fovea::io::ros2
