// McapDetectionSink: records the pipeline's detections to a rosbag2-compatible MCAP bag as
// vision_msgs/msg/Detection2DArray (original-image pixels, the frame's header copied through, as
// the ROS 2 node publishes them), and optionally the frames themselves as sensor_msgs/msg/Image,
// so `ros2 bag play`, `ros2 bag info` and Foxglove open the result.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/mcap/mcap_writer.h"
#include "io/ros2/cdr/cdr_codec.h"
#include "pipeline/frame_source.h"

namespace fovea::io::mcap {

// The ROS 2 messages bags hold are those of the transport (io/ros2/messages.h), with its CDR codec.
namespace msg = ros2::msg;

struct McapDetectionSinkOptions {
  std::string name;
  std::string path;                              // the .mcap file to create
  std::string detections_topic = "/detections";  // "{model}" and "{stream}" are replaced by the item's
  std::string image_topic;                       // non-empty: also record each frame ("{stream}" replaced), once per frame
  bool class_ids_as_labels = false;              // class_id: the label ("person") instead of the decimal id ("0", as Isaac ROS)
  McapWriterOptions writer;
};

class McapDetectionSink : public pipeline::FrameSink {
 public:
  // Creates the file now (errors: it cannot be created, the compression is not built in).
  static Result<std::unique_ptr<McapDetectionSink>> create(const McapDetectionSinkOptions& options);

  const std::string& name() const override { return options_.name; }
  Status write(const pipeline::SinkItem& item) override;
  Status close() override;

  uint64_t messages_written() const { return writer_->message_count(); }
  // The bag's writer, for callers that record further topics into the same file (before close()).
  McapWriter& writer() { return *writer_; }

 private:
  explicit McapDetectionSink(const McapDetectionSinkOptions& options) : options_(options) {}
  Result<uint16_t> channel_for(const std::string& topic, std::string_view type);

  McapDetectionSinkOptions options_;
  std::unique_ptr<McapWriter> writer_;
  std::map<std::string, uint16_t> channels_;        // topic -> channel id
  std::map<std::string, int64_t> last_image_frame_;  // stream -> sequence of the last frame recorded
};

// A result as the ROS 2 node publishes it: one Detection2D per detection (bbox center and size in
// original pixels, one hypothesis: class id and score), the result's header on the array and on
// every detection. Class ids are decimal unless `labels` covers them and `use_labels` is set.
msg::Detection2DArray detections_to_message(const pipeline::FrameResult& result, const std::vector<std::string>* labels,
                                            bool use_labels);
// An Image message holding a copy of `view`'s rows without padding.
Result<msg::Image> image_message_from_view(const vision::ImageView& view, const msg::Header& header);
// "{model}" / "{stream}" replaced; characters ROS names do not allow become '_'; a leading '/' added.
std::string expand_topic(const std::string& pattern, const std::string& model, const std::string& stream);

}  // namespace fovea::io::mcap
