// McapImageSource: replays the camera images of a rosbag2 MCAP bag into the pipeline:
// sensor_msgs/Image (every encoding the image encoder supports; the pixels are used in place) or
// sensor_msgs/CompressedImage (JPEG/PNG, decoded with stb to rgb8 or bgr8). Each frame keeps its
// message's header (stamp, frame_id). Replay is as fast as the pipeline takes frames, or paced by
// the messages' log times at the recorded rate (or a multiple of it).
//
// A message that is not a valid image (bad CDR, unknown encoding, step and size that disagree,
// undecodable JPEG) is an error for that one frame: the pipeline counts it as a decode error and
// the source goes on. Damaged chunks and records are skipped by the reader (reader_stats()).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "io/mcap/mcap_reader.h"
#include "io/ros2/cdr/cdr_codec.h"
#include "pipeline/frame_source.h"
#include "vision/image_format.h"

namespace fovea::io::mcap {

// The ROS 2 messages bags hold are those of the transport (io/ros2/messages.h), with its CDR codec.
namespace msg = ros2::msg;

struct McapImageSourceOptions {
  std::string name;   // the source's name in the pipeline
  std::string path;   // the .mcap file
  std::string topic;  // empty: the first channel carrying Image or CompressedImage
  double rate = 0;    // 0: as fast as possible; 1: the recorded rate; 2: twice as fast; ...
  bool loop = false;
  std::string frame_id;  // non-empty: replaces the messages' header.frame_id
  vision::PixelEncoding compressed_encoding = vision::PixelEncoding::kRgb8;  // CompressedImage -> rgb8 or bgr8
  McapReaderOptions reader;
};

class McapImageSource : public pipeline::FrameSource {
 public:
  // Opens the bag and picks the topic. Errors: the bag cannot be opened (see McapReader::open), or
  // it has no such topic / no image topic (the message lists the topics it has), or the topic's
  // type is not Image or CompressedImage.
  static Result<std::unique_ptr<McapImageSource>> create(const McapImageSourceOptions& options);

  const std::string& name() const override { return options_.name; }
  Result<std::optional<pipeline::SourceFrame>> next() override;
  int64_t frame_count() const override;
  bool live() const override { return false; }
  void request_stop() override;
  size_t frame_bytes() const override { return frame_bytes_; }

  const std::string& topic() const { return options_.topic; }
  const std::string& type() const { return type_; }  // "sensor_msgs/msg/Image" or ".../CompressedImage"
  const McapReadStats& reader_stats() const { return reader_->stats(); }
  uint64_t invalid_messages() const { return invalid_messages_; }  // messages that did not become frames

 private:
  explicit McapImageSource(const McapImageSourceOptions& options) : options_(options) {}
  bool wait_until_due(uint64_t log_time);  // false when stopped
  Result<pipeline::SourceFrame> to_frame(const McapMessage& m);

  McapImageSourceOptions options_;
  std::unique_ptr<McapReader> reader_;
  std::string type_;
  size_t frame_bytes_ = 0;
  uint64_t invalid_messages_ = 0;
  bool pass_produced_ = false;  // a loop restarts only after a pass that produced a message
  std::optional<std::pair<pipeline::SteadyClock::time_point, uint64_t>> anchor_;  // (wall, log time) of the pass's first message
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

// Image message -> frame (the frame's pixels point into the message, which `pixels` keeps alive).
// Checks: the encoding is one vision::parse_encoding knows, width/height in [1, kMaxImageSide],
// is_bigendian 0 for 16-bit encodings, step >= one row, data covers every row. Errors name
// `source` and the field ("image.step").
Result<pipeline::SourceFrame> image_message_to_frame(std::shared_ptr<const msg::Image> image, const std::string& source);
// CompressedImage (format "jpeg", "png", or "<enc>; <codec> compressed <enc>") -> decoded frame.
Result<pipeline::SourceFrame> compressed_image_to_frame(const msg::CompressedImage& image, const std::string& source,
                                                        vision::PixelEncoding encoding);

}  // namespace fovea::io::mcap
