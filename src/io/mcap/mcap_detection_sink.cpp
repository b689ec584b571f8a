#include "io/mcap/mcap_detection_sink.h"

#include <cctype>
#include <chrono>
#include <cstring>

#include "io/mcap/ros2_message_definitions.h"

namespace fovea::io::mcap {
namespace {

uint64_t now_ns() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return ns < 0 ? 0 : static_cast<uint64_t>(ns);
}

msg::Header header_of(const pipeline::FrameHeader& h) { return msg::Header{ros2::time_from_ns(h.stamp_ns), h.frame_id}; }

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

std::string expand_topic(const std::string& pattern, const std::string& model, const std::string& stream) {
  std::string t = pattern;
  replace_all(t, "{model}", model);
  replace_all(t, "{stream}", stream);
  for (char& c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '/') c = '_';
  if (t.empty() || t[0] != '/') t.insert(t.begin(), '/');
  return t;
}

msg::Detection2DArray detections_to_message(const pipeline::FrameResult& result, const std::vector<std::string>* labels,
                                            bool use_labels) {
  msg::Detection2DArray out;
  out.header = header_of(result.header);
  out.detections.reserve(result.detections.size());
  for (const vision::Detection& d : result.detections) {
    msg::Detection2D& m = out.detections.emplace_back();
    m.header = out.header;
    msg::ObjectHypothesisWithPose h;
    const bool labelled = use_labels && labels != nullptr && d.class_id >= 0 && static_cast<size_t>(d.class_id) < labels->size();
    h.hypothesis.class_id = labelled ? (*labels)[static_cast<size_t>(d.class_id)] : std::to_string(d.class_id);
    h.hypothesis.score = d.score;
    m.results.push_back(std::move(h));
    m.bbox.center.position.x = 0.5 * (static_cast<double>(d.x1) + d.x2);
    m.bbox.center.position.y = 0.5 * (static_cast<double>(d.y1) + d.y2);
    m.bbox.size_x = static_cast<double>(d.x2) - d.x1;
    m.bbox.size_y = static_cast<double>(d.y2) - d.y1;
  }
  return out;
}

Result<msg::Image> image_message_from_view(const vision::ImageView& view, const msg::Header& header) {
  FOVEA_RETURN_IF_ERROR(vision::validate_image_view(view));
  const size_t row = vision::row_bytes(view.encoding, view.width);
  const size_t rows = view.encoding == vision::PixelEncoding::kNv12 ? static_cast<size_t>(view.height) * 3 / 2
                                                                    : static_cast<size_t>(view.height);
  msg::Image m;
  m.header = header;
  m.height = static_cast<uint32_t>(view.height);
  m.width = static_cast<uint32_t>(view.width);
  m.encoding = std::string(vision::encoding_name(view.encoding));
  m.step = static_cast<uint32_t>(row);
  m.data.resize(row * rows);
  for (size_t y = 0; y < rows; ++y) std::memcpy(m.data.data() + y * row, view.data + y * view.step, row);
  return m;
}

Result<std::unique_ptr<McapDetectionSink>> McapDetectionSink::create(const McapDetectionSinkOptions& options) {
  std::unique_ptr<McapDetectionSink> s(new McapDetectionSink(options));
  Result<std::unique_ptr<McapWriter>> writer = McapWriter::open(options.path, options.writer);
  if (!writer.is_ok()) return writer.status().with_context(fmt::format("sink '{}'", options.name));
  s->writer_ = std::move(writer).value();
  return s;
}

Result<uint16_t> McapDetectionSink::channel_for(const std::string& topic, std::string_view type) {
  auto it = channels_.find(topic);
  if (it != channels_.end()) return it->second;
  const std::optional<std::string> definition = ros2msg_definition(type);
  if (!definition) return internal_error("no message definition for {}", type);
  std::map<std::string, std::string> metadata;  // rosbag2 (Jazzy) reads the type hash from here
  if (std::optional<std::string> hash = ros2_type_hash(type)) metadata["topic_type_hash"] = *hash;
  FOVEA_ASSIGN_OR_RETURN(const uint16_t id, writer_->add_channel(topic, std::string(type), *definition, metadata));
  channels_[topic] = id;
  return id;
}

Status McapDetectionSink::write(const pipeline::SinkItem& item) {
  const uint64_t t = now_ns();  // rosbag2's log time is the receive time
  const std::string topic = expand_topic(options_.detections_topic, item.model, item.stream);
  FOVEA_ASSIGN_OR_RETURN(const uint16_t channel, channel_for(topic, kDetection2DArrayType));
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                         ros2::serialize(detections_to_message(item.result, item.labels, options_.class_ids_as_labels)));
  FOVEA_RETURN_IF_ERROR(writer_->write(channel, t, t, bytes));

  if (options_.image_topic.empty() || item.frame == nullptr) return Status::ok();
  // Several models may report the same frame: record it once per stream.
  auto last = last_image_frame_.find(item.stream);
  if (last != last_image_frame_.end() && last->second == item.frame->frame.sequence) return Status::ok();
  last_image_frame_[item.stream] = item.frame->frame.sequence;
  const std::string image_topic = expand_topic(options_.image_topic, item.model, item.stream);
  FOVEA_ASSIGN_OR_RETURN(const uint16_t image_channel, channel_for(image_topic, kImageType));
  Result<msg::Image> image = image_message_from_view(item.frame->frame.image, header_of(item.result.header));
  if (!image.is_ok()) return image.status().with_context(fmt::format("sink '{}': frame {}", options_.name, item.frame->frame.sequence));
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> image_bytes, ros2::serialize(*image));
  return writer_->write(image_channel, t, t, image_bytes);
}

Status McapDetectionSink::close() { return writer_->close(); }

}  // namespace fovea::io::mcap
