// `fovea echo TOPIC`: prints the messages received on a ROS 2 topic, as `ros2 topic echo` does,
// for the types fovea speaks: Detection2DArray, Classification, LabelInfo and CameraInfo in full (YAML),
// Image and CompressedImage as one-line summaries; and the latency from each message's
// header.stamp to its arrival (same clock on one machine), summarized at the end.
#ifdef FOVEA_HAVE_ROS2

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>

#include "commands.h"
#include "io/ros2/message_conversion.h"
#include "io/ros2/message_text.h"
#include "io/ros2/node.h"
#include "io/ros2/topic_discovery.h"

namespace fovea::cli {
namespace {

namespace ros2 = fovea::io::ros2;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
extern "C" void on_echo_stop(int) { g_stop = true; }

struct EchoOptions {
  std::string topic;
  std::string type = "auto";
  int64_t count = 0;
  double timeout_s = 0;
  bool quiet = false;
  std::string distro;
  std::string node_name = "fovea_echo";
  int domain = -1;
  ros2::QosOverrides qos;
};

// The type name `--type` stands for.
Result<std::string> ros_type_of(const std::string& type) {
  if (type == "image") return std::string("sensor_msgs/msg/Image");
  if (type == "compressed") return std::string("sensor_msgs/msg/CompressedImage");
  if (type == "detections") return std::string("vision_msgs/msg/Detection2DArray");
  if (type == "classification") return std::string("vision_msgs/msg/Classification");
  if (type == "label_info") return std::string("vision_msgs/msg/LabelInfo");
  if (type == "camera_info") return std::string("sensor_msgs/msg/CameraInfo");
  return invalid_argument(
      "--type '{}' is unknown (auto, image, compressed, detections, classification, label_info, camera_info)", type);
}

// The stamp -> receive latencies of every message.
class LatencyLog {
 public:
  void add(const ros2::msg::Header& h, const ros2::SampleMeta& meta) {
    if (h.stamp.sec == 0 && h.stamp.nanosec == 0) return;  // unstamped
    ms_.push_back(static_cast<double>(meta.receive_time_ns - ros2::time_to_ns(h.stamp)) / 1e6);
  }
  double last() const { return ms_.empty() ? NAN : ms_.back(); }
  void print_summary(int64_t received) const {
    if (ms_.empty()) {
      std::fprintf(stderr, "echo: %lld messages, none stamped\n", static_cast<long long>(received));
      return;
    }
    std::vector<double> s = ms_;
    std::sort(s.begin(), s.end());
    auto q = [&](double p) { return s[std::min(s.size() - 1, static_cast<size_t>(std::ceil(p * s.size())) - 1)]; };
    std::fprintf(stderr,
                 "echo: %lld messages; latency stamp -> receive: median %.3f ms, p99 %.3f ms, min %.3f ms, max %.3f "
                 "ms (%zu stamped)\n",
                 static_cast<long long>(received), q(0.5), q(0.99), s.front(), s.back(), s.size());
  }

 private:
  std::vector<double> ms_;
};

// Takes and prints messages of one type until told to stop; returns how many arrived.
template <typename Msg, typename Print>
Result<int64_t> echo_messages(ros2::Node& node, const EchoOptions& o, const ros2::QosProfile& qos, Print print) {
  FOVEA_ASSIGN_OR_RETURN(auto sub, node.create_subscription<Msg>(o.topic, qos));
  LatencyLog latency;
  int64_t received = 0;
  const auto start = Clock::now();
  auto timed_out = [&] {
    return o.timeout_s > 0 && Clock::now() - start > std::chrono::duration<double>(o.timeout_s);
  };
  while (!g_stop && (o.count <= 0 || received < o.count) && !timed_out()) {
    if (!sub->wait(std::chrono::milliseconds(100))) continue;
    FOVEA_ASSIGN_OR_RETURN(auto messages, sub->take(64));
    for (const auto& r : messages) {
      if (o.count > 0 && received >= o.count) break;
      ++received;
      latency.add(r.msg.header, r.meta);
      if (!o.quiet) print(r.msg, latency.last());
    }
    std::fflush(stdout);
  }
  latency.print_summary(received);
  return received;
}

std::string latency_text(double ms) { return std::isnan(ms) ? "unstamped" : fmt::format("{:.3f} ms", ms); }

Status run_echo(const EchoOptions& o) {
  ros2::NodeOptions node_options;
  node_options.name = o.node_name;
  node_options.domain_id = o.domain;
  if (!o.distro.empty()) {
    FOVEA_ASSIGN_OR_RETURN(node_options.distro, ros2::parse_distro(o.distro));
  }
  FOVEA_ASSIGN_OR_RETURN(auto node, ros2::Node::create(node_options));
  ros2::QosProfile defaults = ros2::default_subscription_qos();
  std::string type;
  if (o.type == "auto") {
    // Like `ros2 topic echo`: the type, and QoS every publisher can serve, from discovery.
    const double wait_s = o.timeout_s > 0 ? o.timeout_s : 10;
    FOVEA_ASSIGN_OR_RETURN(auto publishers,
                           ros2::discover_publishers(*node, o.topic, std::chrono::milliseconds(int64_t(wait_s * 1000))));
    if (publishers.empty())
      return not_found("no publisher on {} within {} s (give --type to wait for one)", o.topic, wait_s);
    type = publishers[0].ros_type;
    bool all_reliable = true, all_transient = true;
    for (const auto& p : publishers) {
      if (p.ros_type != type)
        return invalid_argument("{} has publishers of two types ({} and {}); give --type", o.topic, type, p.ros_type);
      all_reliable = all_reliable && p.reliability == ros2::Reliability::kReliable;
      all_transient = all_transient && p.durability == ros2::Durability::kTransientLocal;
    }
    if (all_reliable) defaults.reliability = ros2::Reliability::kReliable;
    if (all_transient) defaults.durability = ros2::Durability::kTransientLocal;
  } else {
    FOVEA_ASSIGN_OR_RETURN(type, ros_type_of(o.type));
  }
  FOVEA_ASSIGN_OR_RETURN(ros2::QosProfile qos, ros2::apply_qos_overrides(o.qos, defaults));
  std::fprintf(stderr, "echo: %s (%s, %s)\n", o.topic.c_str(), type.c_str(), ros2::describe_qos(qos).c_str());

  Result<int64_t> received = int64_t{0};
  if (type == "sensor_msgs/msg/Image") {
    received = echo_messages<ros2::msg::Image>(*node, o, qos, [](const ros2::msg::Image& m, double ms) {
      std::printf("image %s, latency %s\n", ros2::summarize(m).c_str(), latency_text(ms).c_str());
    });
  } else if (type == "sensor_msgs/msg/CompressedImage") {
    received = echo_messages<ros2::msg::CompressedImage>(
        *node, o, qos, [](const ros2::msg::CompressedImage& m, double ms) {
          std::printf("image %s, latency %s\n", ros2::summarize(m).c_str(), latency_text(ms).c_str());
        });
  } else if (type == "vision_msgs/msg/Detection2DArray") {
    received = echo_messages<ros2::msg::Detection2DArray>(
        *node, o, qos, [](const ros2::msg::Detection2DArray& m, double ms) {
          std::printf("%s# latency %s\n---\n", ros2::to_yaml(m).c_str(), latency_text(ms).c_str());
        });
  } else if (type == "vision_msgs/msg/Classification") {
    received = echo_messages<ros2::msg::Classification>(
        *node, o, qos, [](const ros2::msg::Classification& m, double ms) {
          std::printf("%s# latency %s\n---\n", ros2::to_yaml(m).c_str(), latency_text(ms).c_str());
        });
  } else if (type == "vision_msgs/msg/LabelInfo") {
    received = echo_messages<ros2::msg::LabelInfo>(*node, o, qos, [](const ros2::msg::LabelInfo& m, double) {
      std::printf("%s---\n", ros2::to_yaml(m).c_str());
    });
  } else if (type == "sensor_msgs/msg/CameraInfo") {
    received = echo_messages<ros2::msg::CameraInfo>(*node, o, qos, [](const ros2::msg::CameraInfo& m, double ms) {
      std::printf("%s# latency %s\n---\n", ros2::to_yaml(m).c_str(), latency_text(ms).c_str());
    });
  } else {
    return unsupported("{} carries {}, which fovea echo does not print (Image, CompressedImage, Detection2DArray, "
                       "Classification, LabelInfo, CameraInfo)",
                       o.topic, type);
  }
  if (!received.is_ok()) return received.status();
  if (*received == 0 && o.timeout_s > 0) return not_found("no message on {} within {} s", o.topic, o.timeout_s);
  if (o.count > 0 && *received < o.count && !g_stop)
    return not_found("{} of {} messages on {} within {} s", *received, o.count, o.topic, o.timeout_s);
  return Status::ok();
}

}  // namespace

void add_echo_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EchoOptions>();
  CLI::App* cmd = app.add_subcommand("echo", "Print the messages on a ROS 2 topic and their latency");
  cmd->add_option("topic", o->topic, "ROS topic, e.g. /detections")->required();
  cmd->add_option("--type", o->type, "auto, image, compressed, detections, classification, label_info, camera_info")
      ->capture_default_str();
  cmd->add_option("--count", o->count, "Stop after this many messages (0: until stopped)")->capture_default_str();
  cmd->add_option("--timeout", o->timeout_s, "Stop after this many seconds (0: none); an error if nothing came");
  cmd->add_flag("--quiet", o->quiet, "Print only the latency summary");
  cmd->add_option("--distro", o->distro, "Graph layout: humble or jazzy (default: $ROS_DISTRO, else jazzy)");
  cmd->add_option("--node-name", o->node_name, "ROS node name")->capture_default_str();
  cmd->add_option("--domain", o->domain, "ROS domain id (default: $ROS_DOMAIN_ID, else 0)");
  cmd->add_option("--qos", o->qos.profile, "QoS profile (default: sensor_data, adapted to the publishers)");
  cmd->add_option("--reliability", o->qos.reliability, "reliable or best_effort (overrides the profile)");
  cmd->add_option("--durability", o->qos.durability, "volatile or transient_local (overrides the profile)");
  cmd->add_option("--depth", o->qos.depth, "History depth (overrides the profile)");
  cmd->callback([o, &exit_code] {
    g_stop = false;
    auto previous_int = std::signal(SIGINT, on_echo_stop);
    auto previous_term = std::signal(SIGTERM, on_echo_stop);
    const Status s = run_echo(*o);
    std::signal(SIGINT, previous_int);
    std::signal(SIGTERM, previous_term);
    exit_code = s.is_ok() ? 0 : report_error(s.message());
  });
}

}  // namespace fovea::cli

#endif  // FOVEA_HAVE_ROS2
