// The pipeline's ROS 2 camera input (`type: ros2_image` in the pipeline YAML): a subscription to
// sensor_msgs/Image, or CompressedImage (JPEG / PNG), on one node, as a live FrameSource. Every
// message taken becomes a frame or a counted drop: bad geometry, an unknown encoding or
// undecodable bytes are returned as this frame's error (the pipeline counts a decode_error drop
// for the source) and counted here with the reason (MessageDropCounter, rate-limited log).
// The frame keeps the message's header (stamp, frame_id) unless frame_id is overridden, so the
// results published downstream carry the camera's stamp.
//
// With a CameraInfo topic, sensor_msgs/CameraInfo is subscribed too (same QoS as the images) and
// each frame carries the CameraInfo paired with it (camera_info_pairing.h: same stamp, else the
// latest; a size mismatch is a counted drop of the CameraInfo, and the frame goes on without it)
// through its pixels owner (frame_camera_info.h), for the sinks. Since cameras publish the image
// first and its CameraInfo after (image_transport's CameraPublisher), a frame whose CameraInfo
// has not come yet waits for it up to `camera_info_wait`, when a CameraInfo publisher is matched
// or CameraInfos are arriving (and none of this stamp or later has come).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "core/status.h"
#include "io/ros2/camera_info_pairing.h"
#include "io/ros2/message_drops.h"
#include "io/ros2/messages.h"
#include "io/ros2/node.h"
#include "pipeline/frame_source.h"

namespace fovea::io::ros2 {

struct Ros2ImageSourceOptions {
  std::string name;       // the source's name in the pipeline
  std::string topic;      // ROS topic (relative names resolve against the node's namespace)
  bool compressed = false;  // CompressedImage instead of Image
  std::string frame_id;   // "": the message's header.frame_id
  QosProfile qos = default_subscription_qos();
  std::string camera_info_topic;  // "": no CameraInfo; "auto": camera_info_topic_for(topic) (ros_names.h)
  std::chrono::milliseconds camera_info_wait{20};
};

class Ros2ImageSource : public pipeline::FrameSource {
 public:
  // Subscribes at once (so the endpoint is announced before the pipeline starts).
  static Result<std::unique_ptr<Ros2ImageSource>> create(std::shared_ptr<Node> node,
                                                         const Ros2ImageSourceOptions& options);

  const std::string& name() const override { return options_.name; }
  Result<std::optional<pipeline::SourceFrame>> next() override;
  bool live() const override { return true; }
  void request_stop() override;

  const std::string& topic() const;  // the resolved ROS topic
  // The resolved CameraInfo topic, "" without one.
  std::string camera_info_topic() const;
  uint64_t received() const { return received_.load(std::memory_order_relaxed); }
  const MessageDropCounter& drops() const { return drops_; }
  // Null without a CameraInfo topic. Read it once next() is no longer being called.
  const CameraInfoPairing* camera_info_pairing() const { return pairing_.get(); }
  // "source 'cam': 10 CameraInfos on /cam/camera_info; frames paired by stamp 10, ..."; "" without
  // a CameraInfo topic. Also logged (info) when the source goes.
  std::string camera_info_summary() const;
  ~Ros2ImageSource() override;

 private:
  Ros2ImageSource(std::shared_ptr<Node> node, Ros2ImageSourceOptions options);
  // Waits for and takes messages into the pending queues; false when stopping.
  bool fill();
  // Takes the CameraInfos waiting (none when there is no CameraInfo topic).
  void take_camera_infos();
  // Pairs the frame with its CameraInfo (waiting for it as the file comment says) and attaches it.
  void pair_camera_info(pipeline::SourceFrame& frame, uint32_t width, uint32_t height);

  std::shared_ptr<Node> node_;  // outlives the subscription
  Ros2ImageSourceOptions options_;
  std::unique_ptr<Subscription<msg::Image>> raw_;
  std::unique_ptr<Subscription<msg::CompressedImage>> compressed_;
  std::unique_ptr<Subscription<msg::CameraInfo>> camera_info_;
  std::unique_ptr<CameraInfoPairing> pairing_;
  std::deque<std::shared_ptr<msg::Image>> pending_raw_;
  std::deque<msg::CompressedImage> pending_compressed_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> received_{0};
  MessageDropCounter drops_;
};

}  // namespace fovea::io::ros2
