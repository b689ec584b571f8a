// The independent side of the Fast DDS <-> `fovea node` test (fastdds_node_test.sh): a Fast DDS
// 2.9 program (types from fastddsgen, as in fastdds_peer.cpp) that plays a ROS 2 camera and a
// detection consumer against the real `fovea node` running the demo detector on the CPU:
//   - publishes the sample scenes of models/demo/samples/ (JPEGs decoded with stb, sent as bgr8
//     sensor_msgs/Image with their sensor_msgs/CameraInfo, image first as image_transport does),
//     one at a time, stamped just before publishing;
//   - checks every field of the vision_msgs/Detection2DArray each one gets back: header stamp and
//     frame_id copied through (also on every Detection2D), detections non-empty, one hypothesis each
//     with a class id among the labels and a score in [threshold, 1], bbox centres inside the image,
//     sizes positive and within it, identity pose, zero covariance; and that each scene has a
//     detection matching one of its annotated boxes (same class, IoU >= 0.5: annotations.json,
//     written by the scene generator, not by fovea);
//   - checks the vision_msgs/LabelInfo (transient-local) against labels.txt and the threshold;
//   - checks the CameraInfo the node's annotated-image sink republishes: its calibration, with the
//     image's header.
// Prints the stamp -> Detection2DArray latency per frame and its median. Exit 0 when every check
// passed. Usage: fastdds_node_peer DOMAIN PROFILES_XML SAMPLES_DIR LABELS_TXT THRESHOLD
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <nlohmann/json.hpp>
#include <stb/stb_image.h>

#include "sensor_msgsPubSubTypes.h"
#include "vision_msgsPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using Clock = std::chrono::steady_clock;

namespace {

int g_failures = 0;
#define CHECK(cond, ...)                                        \
  do {                                                          \
    if (!(cond)) {                                              \
      ++g_failures;                                             \
      std::fprintf(stderr, "fastdds_node_peer: FAILED %s: ", #cond); \
      std::fprintf(stderr, __VA_ARGS__);                        \
      std::fprintf(stderr, "\n");                               \
    }                                                           \
  } while (0)

struct Box {
  int category = 0;
  double x = 0, y = 0, w = 0, h = 0;  // top-left corner and size, pixels
};

struct Scene {
  std::string file;
  int width = 0, height = 0;
  std::vector<Box> boxes;
};

double iou(const Box& a, const Box& b) {
  const double ix = std::max(0.0, std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x));
  const double iy = std::max(0.0, std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y));
  const double inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

int64_t system_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  while (Clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return pred();
}

// A 60 degree horizontal field of view pinhole for the image, with a distinct fx per frame so a
// CameraInfo paired with the wrong image shows.
sensor_msgs::msg::dds_::CameraInfo_ camera_info_for(const std_msgs::msg::dds_::Header_& header, int w, int h, int i) {
  sensor_msgs::msg::dds_::CameraInfo_ c;
  c.header(header);
  c.width(w);
  c.height(h);
  c.distortion_model("plumb_bob");
  c.d({0.01 * i, 0, 0, 0, 0});
  const double f = 0.5 * w / std::tan(M_PI / 6) + i;
  c.k({f, 0, w / 2.0, 0, f, h / 2.0, 0, 0, 1});
  c.r({1, 0, 0, 0, 1, 0, 0, 0, 1});
  c.p({f, 0, w / 2.0, 0, 0, f, h / 2.0, 0, 0, 0, 1, 0});
  return c;
}

// Checks one reply; returns whether a detection matches an annotated box.
bool check_reply(const vision_msgs::msg::dds_::Detection2DArray_& a, const Scene& s, const std::string& frame_id,
                 int32_t sec, uint32_t nanosec, size_t labels, double threshold) {
  const char* f = frame_id.c_str();
  CHECK(a.header().frame_id() == frame_id, "%s: frame_id '%s'", f, a.header().frame_id().c_str());
  CHECK(a.header().stamp().sec() == sec && a.header().stamp().nanosec() == nanosec, "%s: stamp %d.%09u, sent %d.%09u",
        f, a.header().stamp().sec(), a.header().stamp().nanosec(), sec, nanosec);
  CHECK(!a.detections().empty(), "%s: no detections in a scene with %zu objects", f, s.boxes.size());
  bool matched = false;
  for (const auto& d : a.detections()) {
    CHECK(d.header().frame_id() == frame_id && d.header().stamp().sec() == sec && d.header().stamp().nanosec() == nanosec,
          "%s: a detection's header differs from the array's", f);
    CHECK(d.results().size() == 1, "%s: %zu hypotheses", f, d.results().size());
    if (d.results().empty()) continue;
    const auto& r = d.results()[0];
    char* end = nullptr;
    const long id = std::strtol(r.hypothesis().class_id().c_str(), &end, 10);
    const bool numeric = !r.hypothesis().class_id().empty() && end != nullptr && *end == '\0';
    CHECK(numeric && id >= 0 && static_cast<size_t>(id) < labels, "%s: class_id '%s' is not a label index", f,
          r.hypothesis().class_id().c_str());
    const double score = r.hypothesis().score();
    CHECK(score >= threshold - 1e-6 && score <= 1.0, "%s: score %f outside [%g, 1]", f, score, threshold);
    const auto& b = d.bbox();
    const double cx = b.center().position().x(), cy = b.center().position().y();
    CHECK(cx >= 0 && cx <= s.width && cy >= 0 && cy <= s.height, "%s: bbox centre (%f, %f) outside %dx%d", f, cx, cy,
          s.width, s.height);
    CHECK(b.size_x() > 0 && b.size_y() > 0 && b.size_x() <= s.width + 1e-3 && b.size_y() <= s.height + 1e-3,
          "%s: bbox size %f x %f", f, b.size_x(), b.size_y());
    CHECK(b.center().theta() == 0, "%s: theta %f", f, b.center().theta());
    const auto& p = r.pose().pose();
    CHECK(p.position().x() == 0 && p.position().y() == 0 && p.position().z() == 0 && p.orientation().x() == 0 &&
              p.orientation().y() == 0 && p.orientation().z() == 0 && p.orientation().w() == 1,
          "%s: pose is not the identity", f);
    CHECK(std::all_of(r.pose().covariance().begin(), r.pose().covariance().end(), [](double c) { return c == 0; }),
          "%s: covariance not zero", f);
    const Box det{static_cast<int>(id), cx - b.size_x() / 2, cy - b.size_y() / 2, b.size_x(), b.size_y()};
    for (const Box& gt : s.boxes) matched = matched || (gt.category == det.category && iou(gt, det) >= 0.5);
  }
  return matched;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: fastdds_node_peer DOMAIN PROFILES_XML SAMPLES_DIR LABELS_TXT THRESHOLD\n");
    return 2;
  }
  const int domain = std::atoi(argv[1]);
  const std::string samples = argv[3];
  const double threshold = std::atof(argv[5]);
  std::vector<std::string> labels;
  {
    std::ifstream in(argv[4]);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) labels.push_back(line);
  }
  std::vector<Scene> scenes;
  {
    std::ifstream in(samples + "/annotations.json");
    const nlohmann::json coco = nlohmann::json::parse(in, nullptr, false);
    if (coco.is_discarded()) {
      std::fprintf(stderr, "fastdds_node_peer: cannot read %s/annotations.json\n", samples.c_str());
      return 2;
    }
    std::map<int, size_t> by_id;
    for (const auto& im : coco["images"]) {
      by_id[im["id"].get<int>()] = scenes.size();
      scenes.push_back({im["file_name"].get<std::string>(), im["width"].get<int>(), im["height"].get<int>(), {}});
    }
    for (const auto& a : coco["annotations"]) {
      const auto& b = a["bbox"];
      scenes[by_id.at(a["image_id"].get<int>())].boxes.push_back(
          {a["category_id"].get<int>(), b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()});
    }
  }
  if (labels.empty() || scenes.empty()) return 2;

  DomainParticipantFactory* factory = DomainParticipantFactory::get_instance();
  if (factory->load_XML_profiles_file(argv[2]) != ReturnCode_t::RETCODE_OK) return 2;
  DomainParticipantQos pqos;
  factory->get_participant_qos_from_profile("interop", pqos);
  const std::string enclave = "enclave=/;";
  pqos.user_data().data_vec(std::vector<eprosima::fastrtps::rtps::octet>(enclave.begin(), enclave.end()));
  pqos.name("fastdds_node_peer");
  DomainParticipant* participant = factory->create_participant(domain, pqos);
  if (participant == nullptr) return 2;

  TypeSupport image_type(new sensor_msgs::msg::dds_::Image_PubSubType());
  TypeSupport info_type(new sensor_msgs::msg::dds_::CameraInfo_PubSubType());
  TypeSupport detections_type(new vision_msgs::msg::dds_::Detection2DArray_PubSubType());
  TypeSupport label_type(new vision_msgs::msg::dds_::LabelInfo_PubSubType());
  for (TypeSupport* t : {&image_type, &info_type, &detections_type, &label_type}) t->register_type(participant);
  auto topic = [&](const char* name, const TypeSupport& t) {
    return participant->create_topic(name, t.get_type_name(), TOPIC_QOS_DEFAULT);
  };
  Topic* image_topic = topic("rt/fdnode/image_raw", image_type);
  Topic* info_topic = topic("rt/fdnode/camera_info", info_type);
  Topic* detections_topic = topic("rt/fdnode/detections", detections_type);
  Topic* label_topic = topic("rt/fdnode/label_info", label_type);
  Topic* annotated_info_topic = topic("rt/fdnode/annotated/camera_info", info_type);
  Publisher* publisher = participant->create_publisher(PUBLISHER_QOS_DEFAULT);
  Subscriber* subscriber = participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);

  // Reliable and transient-local both ways (the node's YAML asks the same): an endpoint that
  // has matched its peer before the peer knows it still gets every sample, so nothing depends on
  // which side finished discovery first. Images are fragmented (up to 2.7 MB): asynchronous.
  DataWriterQos wq = DATAWRITER_QOS_DEFAULT;
  wq.reliability().kind = RELIABLE_RELIABILITY_QOS;
  wq.durability().kind = TRANSIENT_LOCAL_DURABILITY_QOS;
  wq.history().kind = KEEP_LAST_HISTORY_QOS;
  wq.history().depth = 8;
  wq.publish_mode().kind = ASYNCHRONOUS_PUBLISH_MODE;
  // A fragment lost on a busy loopback is re-sent when the reader answers a heartbeat: every
  // 50 ms instead of Fast DDS's default 3 s, which would show up as a 3 s frame.
  wq.reliable_writer_qos().times.heartbeatPeriod = eprosima::fastrtps::Duration_t(0, 50000000);
  DataWriter* image_writer = publisher->create_datawriter(image_topic, wq);
  DataWriter* info_writer = publisher->create_datawriter(info_topic, wq);
  DataReaderQos rq = DATAREADER_QOS_DEFAULT;
  rq.reliability().kind = RELIABLE_RELIABILITY_QOS;
  rq.durability().kind = TRANSIENT_LOCAL_DURABILITY_QOS;
  rq.history().kind = KEEP_ALL_HISTORY_QOS;
  DataReader* detections_reader = subscriber->create_datareader(detections_topic, rq);
  DataReader* label_reader = subscriber->create_datareader(label_topic, rq);
  DataReaderQos vq = rq;  // the annotated sink's CameraInfo is volatile (as its image)
  vq.durability().kind = VOLATILE_DURABILITY_QOS;
  DataReader* annotated_info_reader = subscriber->create_datareader(annotated_info_topic, vq);
  if (!image_writer || !info_writer || !detections_reader || !label_reader || !annotated_info_reader) return 2;

  PublicationMatchedStatus image_matched, info_matched;
  SubscriptionMatchedStatus detections_matched, label_matched, annotated_matched;
  const bool matched = wait_until(
      [&] {
        image_writer->get_publication_matched_status(image_matched);
        info_writer->get_publication_matched_status(info_matched);
        detections_reader->get_subscription_matched_status(detections_matched);
        label_reader->get_subscription_matched_status(label_matched);
        annotated_info_reader->get_subscription_matched_status(annotated_matched);
        return image_matched.current_count > 0 && info_matched.current_count > 0 &&
               detections_matched.current_count > 0 && label_matched.current_count > 0 &&
               annotated_matched.current_count > 0;
      },
      std::chrono::seconds(30));
  if (!matched) {
    std::fprintf(stderr, "fastdds_node_peer: fovea node did not match within 30 s\n");
    return 1;
  }
  std::fprintf(stderr, "fastdds_node_peer: matched the node's 2 readers and 3 writers\n");

  std::vector<double> latency_ms;
  int scenes_matched = 0, detections_total = 0, infos_checked = 0;
  for (size_t i = 0; i < scenes.size(); ++i) {
    const Scene& s = scenes[i];
    int w = 0, h = 0, channels = 0;
    stbi_uc* rgb = stbi_load((samples + "/images/" + s.file).c_str(), &w, &h, &channels, 3);
    if (rgb == nullptr || w != s.width || h != s.height) {
      std::fprintf(stderr, "fastdds_node_peer: cannot decode %s\n", s.file.c_str());
      return 2;
    }
    std::vector<uint8_t> bgr(size_t(w) * h * 3);
    for (size_t p = 0; p < bgr.size(); p += 3) {
      bgr[p] = rgb[p + 2];
      bgr[p + 1] = rgb[p + 1];
      bgr[p + 2] = rgb[p];
    }
    stbi_image_free(rgb);
    sensor_msgs::msg::dds_::Image_ m;
    m.header().frame_id("fdnode_cam_" + std::to_string(i));
    m.width(w);
    m.height(h);
    m.encoding("bgr8");
    m.is_bigendian(0);
    m.step(w * 3);
    m.data(std::move(bgr));
    const int64_t stamp = system_now_ns();
    m.header().stamp().sec(static_cast<int32_t>(stamp / 1000000000));
    m.header().stamp().nanosec(static_cast<uint32_t>(stamp % 1000000000));
    sensor_msgs::msg::dds_::CameraInfo_ info = camera_info_for(m.header(), w, h, static_cast<int>(i));
    image_writer->write(&m);
    info_writer->write(&info);

    vision_msgs::msg::dds_::Detection2DArray_ reply;
    bool got = false;
    wait_until(
        [&] {
          SampleInfo si;
          while (!got && detections_reader->take_next_sample(&reply, &si) == ReturnCode_t::RETCODE_OK)
            got = si.valid_data;
          return got;
        },
        std::chrono::seconds(30));
    const int64_t arrived = system_now_ns();
    CHECK(got, "%s: no Detection2DArray within 30 s", m.header().frame_id().c_str());
    if (!got) break;
    latency_ms.push_back(static_cast<double>(arrived - stamp) / 1e6);
    detections_total += static_cast<int>(reply.detections().size());
    const bool hit = check_reply(reply, s, m.header().frame_id(), m.header().stamp().sec(), m.header().stamp().nanosec(),
                                 labels.size(), threshold);
    CHECK(hit, "%s (%s): no detection matches an annotated box", m.header().frame_id().c_str(), s.file.c_str());
    scenes_matched += hit;
    std::fprintf(stderr, "fastdds_node_peer: %s %dx%d: %zu detections, stamp -> received %.1f ms\n", s.file.c_str(), w,
                 h, reply.detections().size(), latency_ms.back());

    // The annotated sink's CameraInfo: ours, with the image's header.
    sensor_msgs::msg::dds_::CameraInfo_ back;
    bool info_back = false;
    wait_until(
        [&] {
          SampleInfo si;
          while (!info_back && annotated_info_reader->take_next_sample(&back, &si) == ReturnCode_t::RETCODE_OK)
            info_back = si.valid_data;
          return info_back;
        },
        std::chrono::seconds(10));
    CHECK(info_back, "%s: no CameraInfo from the annotated-image sink", m.header().frame_id().c_str());
    if (info_back) {
      ++infos_checked;
      CHECK(back.header().frame_id() == m.header().frame_id() &&
                back.header().stamp().sec() == m.header().stamp().sec() &&
                back.header().stamp().nanosec() == m.header().stamp().nanosec(),
            "%s: CameraInfo header %s", m.header().frame_id().c_str(), back.header().frame_id().c_str());
      CHECK(back.k() == info.k() && back.p() == info.p() && back.d() == info.d() && back.width() == info.width() &&
                back.height() == info.height() && back.distortion_model() == "plumb_bob",
            "%s: CameraInfo content differs (fx %f, sent %f)", m.header().frame_id().c_str(), back.k()[0], info.k()[0]);
    }
  }
  CHECK(latency_ms.size() == scenes.size(), "%zu of %zu frames answered", latency_ms.size(), scenes.size());

  // LabelInfo: transient-local, so it is there whenever this reader came.
  vision_msgs::msg::dds_::LabelInfo_ li;
  bool got_label = false;
  wait_until(
      [&] {
        SampleInfo si;
        while (!got_label && label_reader->take_next_sample(&li, &si) == ReturnCode_t::RETCODE_OK) got_label = si.valid_data;
        return got_label;
      },
      std::chrono::seconds(10));
  CHECK(got_label, "no LabelInfo");
  if (got_label) {
    CHECK(li.class_map().size() == labels.size(), "LabelInfo has %zu classes, labels.txt %zu", li.class_map().size(),
          labels.size());
    for (size_t c = 0; c < li.class_map().size() && c < labels.size(); ++c)
      CHECK(li.class_map()[c].class_id() == c && li.class_map()[c].class_name() == labels[c], "LabelInfo class %zu: %u '%s'",
            c, li.class_map()[c].class_id(), li.class_map()[c].class_name().c_str());
    CHECK(std::fabs(li.threshold() - threshold) < 1e-6, "LabelInfo threshold %f", li.threshold());
  }

  participant->delete_contained_entities();
  factory->delete_participant(participant);
  std::vector<double> sorted = latency_ms;
  std::sort(sorted.begin(), sorted.end());
  if (!sorted.empty())
    std::fprintf(stderr,
                 "fastdds_node_peer: %zu frames, %d detections, %d of %zu scenes with a detection on an annotated box, "
                 "%d CameraInfos back; stamp -> Detection2DArray received: median %.1f ms, max %.1f ms\n",
                 sorted.size(), detections_total, scenes_matched, scenes.size(), infos_checked,
                 sorted[sorted.size() / 2], sorted.back());
  std::fprintf(stderr, "fastdds_node_peer: %s (%d failed checks)\n", g_failures == 0 ? "PASSED" : "FAILED", g_failures);
  return g_failures == 0 ? 0 : 1;
}
