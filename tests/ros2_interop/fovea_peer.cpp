// fovea's side of the ROS 2 interop test, standing in for `fovea node` (which comes with the
// pipeline): a node "fovea_interop" that subscribes sensor_msgs/Image and CompressedImage, turns
// each message into a frame with the converters the pipeline's ROS source uses (so malformed
// images are dropped and counted), makes a FrameResult with one detection covering the whole
// image (class = first pixel byte % 3, labelled; score = second pixel byte / 255), and publishes
// it as vision_msgs/Detection2DArray with the converters of the ROS sink.
// Before the frames: a readiness handshake (see below).
// Usage: fovea_peer DOMAIN GOOD_FRAMES EXPECTED_DROPS. Exits 0 when it answered GOOD_FRAMES frames
// and dropped exactly EXPECTED_DROPS, after the Fast DDS peer has gone (or a timeout).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"

namespace ros2 = fovea::io::ros2;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kLabels = {"person", "bicycle", "car"};

fovea::Status answer(const fovea::pipeline::SourceFrame& f, ros2::Publisher<ros2::msg::Detection2DArray>& pub) {
  fovea::pipeline::FrameResult r;
  r.header = f.frame.header;
  r.source = f.frame.source;
  r.image_width = f.frame.image.width;
  r.image_height = f.frame.image.height;
  fovea::vision::Detection d;
  d.x1 = 0;
  d.y1 = 0;
  d.x2 = static_cast<float>(f.frame.image.width);
  d.y2 = static_cast<float>(f.frame.image.height);
  d.class_id = f.frame.image.data[0] % 3;
  d.score = static_cast<float>(f.frame.image.data[1]) / 255.0f;
  r.detections = {d};
  return pub.publish(ros2::detections_to_message(r, kLabels, ros2::ClassIdFormat::kLabel));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: fovea_peer DOMAIN GOOD_FRAMES EXPECTED_DROPS\n");
    return 2;
  }
  ros2::NodeOptions options;
  options.name = "fovea_interop";
  options.domain_id = std::atoi(argv[1]);
  options.distro = ros2::Distro::kJazzy;
  const int good_wanted = std::atoi(argv[2]);
  const int drops_wanted = std::atoi(argv[3]);
  auto node = ros2::Node::create(options);
  if (!node.is_ok()) {
    std::fprintf(stderr, "fovea_peer: %s\n", node.status().to_string().c_str());
    return 2;
  }
  // Reliable, transient-local subscriptions (the Fast DDS writers are too) so the test may count
  // every frame.
  ros2::QosProfile reliable = ros2::default_publisher_qos();
  reliable.durability = ros2::Durability::kTransientLocal;
  reliable.depth = 20;
  auto images = (*node)->create_subscription<ros2::msg::Image>("/interop/image_raw", reliable);
  auto compressed = (*node)->create_subscription<ros2::msg::CompressedImage>("/interop/image_raw/compressed", reliable);
  auto detections = (*node)->create_publisher<ros2::msg::Detection2DArray>("/interop/detections");
  if (!images.is_ok() || !compressed.is_ok() || !detections.is_ok()) {
    std::fprintf(stderr, "fovea_peer: cannot create endpoints\n");
    return 2;
  }
  ros2::MessageDropCounter drops("/interop/image_raw");
  int answered = 0;
  bool peer_seen = false;
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  auto last_ready = Clock::now() - std::chrono::seconds(1);
  while (Clock::now() < deadline) {
    // Discovery is not symmetric: the Fast DDS side may match before this side knows it, and
    // replies written before the Fast DDS reader knows our writer would be lost. So once both
    // readers have matched, say so (an empty array with frame_id "fovea_ready", repeated until
    // frames come); the Fast DDS peer publishes only after it has received one.
    if (answered == 0 && drops.dropped() == 0 && (*images)->matched_publications() > 0 &&
        (*compressed)->matched_publications() > 0 && Clock::now() - last_ready > std::chrono::milliseconds(100)) {
      ros2::msg::Detection2DArray ready;
      ready.header.frame_id = "fovea_ready";
      (void)(*detections)->publish(ready);
      last_ready = Clock::now();
    }
    if ((*images)->wait(std::chrono::milliseconds(20))) {
      auto taken = (*images)->take();
      for (auto& r : *taken) {
        auto frame = ros2::image_to_frame(std::make_shared<ros2::msg::Image>(std::move(r.msg)), "/interop/image_raw",
                                          &drops);
        if (frame.is_ok() && answer(*frame, **detections).is_ok()) ++answered;
      }
    }
    auto taken = (*compressed)->take();
    for (auto& r : *taken) {
      auto frame = ros2::compressed_image_to_frame(r.msg, "/interop/image_raw/compressed", &drops);
      if (frame.is_ok() && answer(*frame, **detections).is_ok()) ++answered;
    }
    // Done once the Fast DDS peer has come and gone.
    const int publishers = (*images)->matched_publications();
    peer_seen = peer_seen || publishers > 0;
    if (peer_seen && publishers == 0) break;
  }
  std::fprintf(stderr, "fovea_peer: answered %d frames (wanted %d), dropped %llu (wanted %d)%s%s\n", answered,
               good_wanted, static_cast<unsigned long long>(drops.dropped()), drops_wanted,
               drops.dropped() ? ", last: " : "", drops.last_reason().c_str());
  return answered == good_wanted && static_cast<int>(drops.dropped()) == drops_wanted ? 0 : 1;
}
