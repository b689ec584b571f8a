// `fovea camera`: publishes images as a ROS 2 camera (sensor_msgs/Image on a topic, real
// timestamps, a steady frame rate), from a folder of images, a video file or a synthetic moving
// pattern, so a user without ROS installed can feed `fovea node` / `fovea echo` (docs/ros2.md).
// With --camera-info, also a sensor_msgs/CameraInfo per image (same header, a plausible pinhole
// calibration for the image size) on `camera_info` beside the image topic, published right after
// the image, as image_transport's CameraPublisher does.
#ifdef FOVEA_HAVE_ROS2

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "commands.h"
#include "core/logging.h"
#include "io/image_file.h"
#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"
#include "io/ros2/ros_names.h"
#include "io/video_file.h"

namespace fovea::cli {
namespace {

namespace ros2 = fovea::io::ros2;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
extern "C" void on_camera_stop(int) { g_stop = true; }

// An 8-bit RGB frame as the sources produce it.
struct RgbFrame {
  std::vector<uint8_t> rgb;
  int width = 0, height = 0;
};

// A moving gradient with a bright square crossing it, different every frame.
RgbFrame synthetic_frame(int w, int h, int64_t index) {
  RgbFrame f{std::vector<uint8_t>(size_t(w) * h * 3), w, h};
  const int box = std::max(8, std::min(w, h) / 5);
  const int bx = int((index * 7) % std::max(1, w - box)), by = int((index * 3) % std::max(1, h - box));
  for (int y = 0; y < h; ++y) {
    uint8_t* row = f.rgb.data() + size_t(y) * w * 3;
    for (int x = 0; x < w; ++x) {
      const bool in_box = x >= bx && x < bx + box && y >= by && y < by + box;
      row[3 * x] = in_box ? 250 : uint8_t((x + index) & 0xff);
      row[3 * x + 1] = in_box ? 240 : uint8_t((y * 2) & 0xff);
      row[3 * x + 2] = in_box ? 30 : uint8_t((x + y + 3 * index) & 0xff);
    }
  }
  return f;
}

// Where frames come from: exactly one of an image folder (cycled), a video (until its end, or
// looped), or the synthetic pattern.
class FrameSupply {
 public:
  static Result<FrameSupply> open(const std::string& images, const std::string& video, const std::string& synthetic,
                                  bool loop) {
    FrameSupply s;
    s.loop_ = loop;
    const int given = int(!images.empty()) + int(!video.empty()) + int(!synthetic.empty());
    if (given > 1) return invalid_argument("give one of --images, --video, --synthetic");
    if (!images.empty()) {
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(images, ec))
        if (e.is_regular_file() && io::is_image_file_name(e.path().string())) s.files_.push_back(e.path().string());
      if (ec) return io_error("--images {}: {}", images, ec.message());
      std::sort(s.files_.begin(), s.files_.end());
      if (s.files_.empty()) return not_found("--images {}: no image files (.jpg .png .bmp .ppm .pgm .tga)", images);
      s.description_ = fmt::format("{} images from {}", s.files_.size(), images);
    } else if (!video.empty()) {
      s.video_path_ = video;
      FOVEA_ASSIGN_OR_RETURN(s.video_, io::VideoFileReader::open(video));
      s.description_ = "video " + video;
    } else {
      const std::string spec = synthetic.empty() ? "640x480" : synthetic;
      if (std::sscanf(spec.c_str(), "%dx%d", &s.width_, &s.height_) != 2 || s.width_ < 2 || s.height_ < 2 ||
          s.width_ > vision::kMaxImageSide || s.height_ > vision::kMaxImageSide)
        return invalid_argument("--synthetic '{}' is not WIDTHxHEIGHT (2..{})", spec, vision::kMaxImageSide);
      s.description_ = fmt::format("synthetic {}x{}", s.width_, s.height_);
    }
    return s;
  }

  // The next frame; nullopt at the end of a video that is not looped.
  Result<std::optional<RgbFrame>> next() {
    const int64_t index = index_++;
    if (!files_.empty()) {
      // Decoded once each (a folder is cycled), unless there are too many to keep.
      const size_t i = size_t(index) % files_.size();
      if (i < cache_.size()) return std::optional<RgbFrame>(cache_[i]);
      FOVEA_ASSIGN_OR_RETURN(io::DecodedImage img, io::read_image_file(files_[i]));
      RgbFrame f{std::move(img.pixels), img.width, img.height};
      if (i == cache_.size() && files_.size() <= kMaxCachedImages) cache_.push_back(f);
      return std::optional<RgbFrame>(std::move(f));
    }
    if (video_) {
      FOVEA_ASSIGN_OR_RETURN(std::optional<vision::ImageView> v, video_->next_frame());
      if (!v && loop_ && video_->frames_read() > 0) {
        FOVEA_ASSIGN_OR_RETURN(video_, io::VideoFileReader::open(video_path_));
        FOVEA_ASSIGN_OR_RETURN(v, video_->next_frame());
      }
      if (!v) return std::optional<RgbFrame>();
      RgbFrame f{std::vector<uint8_t>(size_t(v->width) * v->height * 3), v->width, v->height};
      for (int y = 0; y < v->height; ++y)
        for (int x = 0; x < v->width; ++x) {
          const auto rgb = vision::read_pixel_rgb(*v, x, y);
          for (int c = 0; c < 3; ++c) f.rgb[(size_t(y) * v->width + x) * 3 + c] = uint8_t(rgb[c]);
        }
      return std::optional<RgbFrame>(std::move(f));
    }
    return std::optional<RgbFrame>(synthetic_frame(width_, height_, index));
  }
  const std::string& description() const { return description_; }

 private:
  static constexpr size_t kMaxCachedImages = 64;
  std::vector<std::string> files_;
  std::vector<RgbFrame> cache_;
  std::string video_path_;
  std::unique_ptr<io::VideoFileReader> video_;
  int width_ = 0, height_ = 0;
  bool loop_ = false;
  int64_t index_ = 0;
  std::string description_;
};

struct CameraOptions {
  std::string topic = "/camera/image_raw";
  double fps = 30;
  std::string images, video, synthetic;
  bool loop = false;
  std::string encoding = "bgr8";
  std::string frame_id = "camera";
  int64_t count = 0;
  std::string distro;
  std::string node_name = "fovea_camera";
  std::string node_namespace = "/";
  int domain = -1;
  ros2::QosOverrides qos;
  int wait_subscribers = 0;
  double wait_timeout_s = 10;
  bool camera_info = false;
  std::string camera_info_topic;  // "": camera_info beside `topic`
};

// An undistorted pinhole camera with a 60 degree horizontal field of view and square pixels,
// principal point at the image centre: K, R = identity, P = [K | 0] (a monocular camera).
ros2::msg::CameraInfo pinhole_camera_info(const ros2::msg::Header& header, uint32_t width, uint32_t height) {
  ros2::msg::CameraInfo c;
  c.header = header;
  c.width = width;
  c.height = height;
  c.distortion_model = "plumb_bob";
  c.d = {0, 0, 0, 0, 0};
  const double f = 0.5 * width / std::tan(M_PI / 6);  // tan(30 degrees): half of the 60 degree view
  const double cx = 0.5 * width, cy = 0.5 * height;
  c.k = {f, 0, cx, 0, f, cy, 0, 0, 1};
  c.r = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  c.p = {f, 0, cx, 0, 0, f, cy, 0, 0, 0, 1, 0};
  return c;
}

int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status run_camera(const CameraOptions& o) {
  if (!(o.fps > 0 && o.fps <= 10000)) return invalid_argument("--fps {} must be in (0, 10000]", o.fps);
  FOVEA_ASSIGN_OR_RETURN(vision::PixelEncoding encoding, vision::parse_encoding(o.encoding));
  FOVEA_ASSIGN_OR_RETURN(FrameSupply supply, FrameSupply::open(o.images, o.video, o.synthetic, o.loop));
  ros2::NodeOptions node_options;
  node_options.name = o.node_name;
  node_options.node_namespace = o.node_namespace;
  node_options.domain_id = o.domain;
  if (!o.distro.empty()) {
    FOVEA_ASSIGN_OR_RETURN(node_options.distro, ros2::parse_distro(o.distro));
  }
  FOVEA_ASSIGN_OR_RETURN(ros2::QosProfile qos, ros2::apply_qos_overrides(o.qos, ros2::default_publisher_qos()));
  FOVEA_ASSIGN_OR_RETURN(auto node, ros2::Node::create(node_options));
  FOVEA_ASSIGN_OR_RETURN(auto publisher, node->create_publisher<ros2::msg::Image>(o.topic, qos));
  std::unique_ptr<ros2::Publisher<ros2::msg::CameraInfo>> info_publisher;
  if (o.camera_info || !o.camera_info_topic.empty()) {
    const std::string topic = o.camera_info_topic.empty() ? ros2::camera_info_topic_for(o.topic) : o.camera_info_topic;
    FOVEA_ASSIGN_OR_RETURN(info_publisher, node->create_publisher<ros2::msg::CameraInfo>(topic, qos));
    std::fprintf(stderr, "camera: CameraInfo on %s\n", info_publisher->endpoint().topic().c_str());
  }
  std::fprintf(stderr, "camera: %s -> %s (%s, node %s%s%s, %s, domain %d, %s) at %.3g fps\n",
               supply.description().c_str(), publisher->endpoint().topic().c_str(), o.encoding.c_str(),
               node_options.node_namespace.c_str(), node_options.node_namespace == "/" ? "" : "/",
               node_options.name.c_str(), std::string(ros2::distro_name(node_options.distro)).c_str(),
               node->domain_id(), ros2::describe_qos(qos).c_str(), o.fps);

  if (o.wait_subscribers > 0) {
    const auto end = Clock::now() + std::chrono::duration<double>(o.wait_timeout_s);
    while (publisher->matched_subscriptions() < o.wait_subscribers && Clock::now() < end && !g_stop)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (publisher->matched_subscriptions() < o.wait_subscribers)
      return not_found("{} subscriber(s) on {} did not appear within {} s", o.wait_subscribers, o.topic,
                       o.wait_timeout_s);
  }

  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / o.fps));
  const auto start = Clock::now();
  auto next = start;
  int64_t published = 0;
  while (!g_stop && (o.count <= 0 || published < o.count)) {
    FOVEA_ASSIGN_OR_RETURN(std::optional<RgbFrame> frame, supply.next());
    if (!frame) break;  // end of the video
    std::this_thread::sleep_until(next);
    next += period;
    if (Clock::now() > next + 4 * period) next = Clock::now();  // fell far behind: do not burst
    FOVEA_ASSIGN_OR_RETURN(ros2::msg::Image image,
                           ros2::image_from_rgb(frame->rgb.data(), frame->width, frame->height, encoding, {{}, o.frame_id}));
    // Stamped just before it is sent (a driver stamps at capture): stamp -> receive downstream is
    // then transport plus processing, without this program's pixel conversion.
    image.header.stamp = ros2::time_from_ns(system_now_ns());
    FOVEA_RETURN_IF_ERROR(publisher->publish(image));
    if (info_publisher)
      FOVEA_RETURN_IF_ERROR(info_publisher->publish(pinhole_camera_info(image.header, image.width, image.height)));
    ++published;
    if (published % int64_t(std::max(1.0, o.fps * 5)) == 0)
      log::info("camera: {} frames published, {} subscriber(s)", published, publisher->matched_subscriptions());
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "camera: published %lld frames in %.2f s (%.2f fps)\n", static_cast<long long>(published),
               seconds, seconds > 0 ? published / seconds : 0.0);
  return Status::ok();
}

}  // namespace

void add_camera_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CameraOptions>();
  CLI::App* cmd = app.add_subcommand("camera", "Publish images as a ROS 2 camera (sensor_msgs/Image)");
  cmd->add_option("--topic", o->topic, "ROS topic")->capture_default_str();
  cmd->add_option("--fps", o->fps, "Frames per second")->capture_default_str();
  cmd->add_option("--images", o->images, "Folder of images to publish (cycled)");
  cmd->add_option("--video", o->video, "Video file to publish");
  cmd->add_option("--synthetic", o->synthetic, "Synthetic moving pattern WIDTHxHEIGHT (the default, 640x480)");
  cmd->add_flag("--loop", o->loop, "Restart the video at its end");
  cmd->add_option("--encoding", o->encoding,
                  "Image encoding: rgb8, bgr8, rgba8, bgra8, mono8, mono16, yuv422, yuv422_yuy2, nv12")
      ->capture_default_str();
  cmd->add_option("--frame-id", o->frame_id, "header.frame_id")->capture_default_str();
  cmd->add_option("--count", o->count, "Frames to publish (0: until stopped or the video ends)")->capture_default_str();
  cmd->add_option("--distro", o->distro, "Graph layout: humble or jazzy (default: $ROS_DISTRO, else jazzy)");
  cmd->add_option("--node-name", o->node_name, "ROS node name")->capture_default_str();
  cmd->add_option("--namespace", o->node_namespace, "ROS node namespace")->capture_default_str();
  cmd->add_option("--domain", o->domain, "ROS domain id (default: $ROS_DOMAIN_ID, else 0)");
  cmd->add_option("--qos", o->qos.profile, "QoS profile: sensor_data, default, ... (default: default)");
  cmd->add_option("--reliability", o->qos.reliability, "reliable or best_effort (overrides the profile)");
  cmd->add_option("--durability", o->qos.durability, "volatile or transient_local (overrides the profile)");
  cmd->add_option("--depth", o->qos.depth, "History depth (overrides the profile)");
  cmd->add_option("--wait-subscribers", o->wait_subscribers, "Wait for this many subscribers before publishing")
      ->capture_default_str();
  cmd->add_option("--wait-timeout", o->wait_timeout_s, "Seconds to wait for them")->capture_default_str();
  cmd->add_flag("--camera-info", o->camera_info,
                "Also publish a sensor_msgs/CameraInfo per image (same header, a 60 degree pinhole for its size)");
  cmd->add_option("--camera-info-topic", o->camera_info_topic,
                  "Topic of the CameraInfo (implies --camera-info; default: camera_info beside --topic)");
  cmd->callback([o, &exit_code] {
    g_stop = false;
    auto previous_int = std::signal(SIGINT, on_camera_stop);
    auto previous_term = std::signal(SIGTERM, on_camera_stop);
    const Status s = run_camera(*o);
    std::signal(SIGINT, previous_int);
    std::signal(SIGTERM, previous_term);
    exit_code = s.is_ok() ? 0 : report_error(s.message());
  });
}

}  // namespace fovea::cli

#endif  // FOVEA_HAVE_ROS2
