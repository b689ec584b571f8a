#include "io/mcap/mcap_image_source.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "io/image_file.h"
#include "io/mcap/ros2_message_definitions.h"

namespace fovea::io::mcap {
namespace {

enum class ImageKind { kRaw, kCompressed, kOther };

// Schema names as rosbag2 writes them ("sensor_msgs/msg/Image"); older tools drop the "/msg".
ImageKind kind_of(const SchemaRecord* schema) {
  if (schema == nullptr) return ImageKind::kOther;
  if (schema->name == kImageType || schema->name == "sensor_msgs/Image") return ImageKind::kRaw;
  if (schema->name == kCompressedImageType || schema->name == "sensor_msgs/CompressedImage") return ImageKind::kCompressed;
  return ImageKind::kOther;
}

std::string topic_list(const McapReader& reader) {
  std::string out;
  for (const auto& [id, c] : reader.channels()) {
    const SchemaRecord* s = reader.schema_of(c);
    out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", c.topic, s ? s->name : "no schema");
  }
  return out.empty() ? "none" : out;
}

// The channel to replay: `topic`, or the first image channel. A bag without a usable summary may
// define its channels inside chunks, so those are read (once, then rewound) when needed.
Result<const ChannelRecord*> find_image_channel(McapReader& reader, const std::string& topic) {
  auto matches = [&](const ChannelRecord& c) {
    return topic.empty() ? kind_of(reader.schema_of(c)) != ImageKind::kOther : c.topic == topic;
  };
  for (const auto& [id, c] : reader.channels())
    if (matches(c)) return &c;
  if (!reader.indexed()) {
    for (;;) {
      FOVEA_ASSIGN_OR_RETURN(std::optional<McapMessage> m, reader.next());
      if (!m) break;
      if (matches(*m->channel)) {
        reader.rewind();
        return m->channel;
      }
    }
    reader.rewind();
  }
  if (topic.empty()) return not_found("{}: no sensor_msgs/msg/Image or CompressedImage topic (topics: {})", reader.name(), topic_list(reader));
  return not_found("{}: no topic '{}' (topics: {})", reader.name(), topic, topic_list(reader));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Result<pipeline::SourceFrame> image_message_to_frame(std::shared_ptr<const msg::Image> image, const std::string& source) {
  const msg::Image& m = *image;
  Result<vision::PixelEncoding> encoding = vision::parse_encoding(m.encoding);
  if (!encoding.is_ok()) return encoding.status().with_context(fmt::format("{}: image.encoding", source));
  if (m.width == 0 || m.height == 0 || m.width > static_cast<uint32_t>(vision::kMaxImageSide) ||
      m.height > static_cast<uint32_t>(vision::kMaxImageSide))
    return invalid_argument("{}: image.width x image.height {} x {} outside [1, {}]", source, m.width, m.height, vision::kMaxImageSide);
  if (m.is_bigendian != 0 && *encoding == vision::PixelEncoding::kMono16)
    return unsupported("{}: image.is_bigendian: big-endian mono16 is not supported", source);
  vision::ImageView view;
  view.data = m.data.data();
  view.size_bytes = m.data.size();
  view.width = static_cast<int>(m.width);
  view.height = static_cast<int>(m.height);
  view.step = m.step;
  view.encoding = *encoding;
  Status valid = vision::validate_image_view(view);
  if (!valid.is_ok()) return valid.with_context(source);
  pipeline::SourceFrame out;
  out.frame.image = view;
  out.frame.header.stamp_ns = ros2::time_to_ns(m.header.stamp);
  out.frame.header.frame_id = m.header.frame_id;
  out.frame.source = source;
  out.pixels = std::move(image);
  return out;
}

Result<pipeline::SourceFrame> compressed_image_to_frame(const msg::CompressedImage& image, const std::string& source,
                                                        vision::PixelEncoding encoding) {
  if (lower(image.format).find("compresseddepth") != std::string::npos)
    return unsupported("{}: compressed_image.format '{}' is a depth image, not a camera frame", source, image.format);
  // stb recognises JPEG and PNG by their bytes; the format string is informational.
  FOVEA_ASSIGN_OR_RETURN(DecodedImage decoded, decode_image(image.data, source, encoding));
  auto owned = std::make_shared<DecodedImage>(std::move(decoded));
  pipeline::SourceFrame out;
  out.frame.image = owned->view();
  out.frame.header.stamp_ns = ros2::time_to_ns(image.header.stamp);
  out.frame.header.frame_id = image.header.frame_id;
  out.frame.source = source;
  out.pixels = std::move(owned);
  return out;
}

Result<std::unique_ptr<McapImageSource>> McapImageSource::create(const McapImageSourceOptions& options) {
  if (options.rate < 0) return invalid_argument("source '{}': rate {} is negative", options.name, options.rate);
  if (options.compressed_encoding != vision::PixelEncoding::kRgb8 && options.compressed_encoding != vision::PixelEncoding::kBgr8)
    return invalid_argument("source '{}': compressed images decode to rgb8 or bgr8 only", options.name);
  std::unique_ptr<McapImageSource> s(new McapImageSource(options));
  Result<std::unique_ptr<McapReader>> reader = McapReader::open(options.path, options.reader);
  if (!reader.is_ok()) return reader.status().with_context(fmt::format("source '{}'", options.name));
  s->reader_ = std::move(reader).value();
  Result<const ChannelRecord*> channel = find_image_channel(*s->reader_, options.topic);
  if (!channel.is_ok()) return channel.status().with_context(fmt::format("source '{}'", options.name));
  const SchemaRecord* schema = s->reader_->schema_of(**channel);
  if (kind_of(schema) == ImageKind::kOther)
    return unsupported("source '{}': {}: topic '{}' carries '{}', not sensor_msgs/msg/Image or CompressedImage", options.name,
                       options.path, (*channel)->topic, schema ? schema->name : "messages without a schema");
  s->options_.topic = (*channel)->topic;
  s->type_ = schema->name;
  s->reader_->set_topic_filter({s->options_.topic});
  return s;
}

int64_t McapImageSource::frame_count() const { return options_.loop ? -1 : reader_->message_count(options_.topic); }

void McapImageSource::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  cv_.notify_all();
}

bool McapImageSource::wait_until_due(uint64_t log_time) {
  std::unique_lock lock(mutex_);
  if (stopped_) return false;
  if (options_.rate <= 0) return true;
  const auto now = pipeline::SteadyClock::now();
  if (!anchor_ || log_time < anchor_->second) {  // first message of a pass (or time ran backwards): start here
    anchor_ = std::make_pair(now, log_time);
    return true;
  }
  const double offset_s = static_cast<double>(log_time - anchor_->second) * 1e-9 / options_.rate;
  const auto due = anchor_->first + std::chrono::duration_cast<pipeline::SteadyClock::duration>(std::chrono::duration<double>(offset_s));
  cv_.wait_until(lock, due, [&] { return stopped_; });
  return !stopped_;
}

Result<pipeline::SourceFrame> McapImageSource::to_frame(const McapMessage& m) {
  const std::string source = options_.path + ":" + options_.topic;
  Result<pipeline::SourceFrame> frame = [&]() -> Result<pipeline::SourceFrame> {
    switch (kind_of(m.schema)) {
      case ImageKind::kRaw: {
        FOVEA_ASSIGN_OR_RETURN(msg::Image image, ros2::deserialize<msg::Image>(m.data));
        return image_message_to_frame(std::make_shared<const msg::Image>(std::move(image)), source);
      }
      case ImageKind::kCompressed: {
        FOVEA_ASSIGN_OR_RETURN(msg::CompressedImage image, ros2::deserialize<msg::CompressedImage>(m.data));
        return compressed_image_to_frame(image, source, options_.compressed_encoding);
      }
      case ImageKind::kOther: break;
    }
    return unsupported("message without an image schema");
  }();
  if (!frame.is_ok()) {
    ++invalid_messages_;
    return frame.status().with_context(fmt::format("source '{}': message {} (log time {})", options_.name, m.header.sequence,
                                                   m.header.log_time));
  }
  if (!options_.frame_id.empty()) frame->frame.header.frame_id = options_.frame_id;
  frame_bytes_ = frame->frame.image.size_bytes;
  return frame;
}

Result<std::optional<pipeline::SourceFrame>> McapImageSource::next() {
  for (;;) {
    FOVEA_ASSIGN_OR_RETURN(std::optional<McapMessage> m, reader_->next());
    if (!m) {
      if (!options_.loop || !pass_produced_) return std::optional<pipeline::SourceFrame>();
      reader_->rewind();
      pass_produced_ = false;
      anchor_.reset();
      continue;
    }
    pass_produced_ = true;
    if (!wait_until_due(m->header.log_time)) return std::optional<pipeline::SourceFrame>();
    FOVEA_ASSIGN_OR_RETURN(pipeline::SourceFrame frame, to_frame(*m));
    return std::optional<pipeline::SourceFrame>(std::move(frame));
  }
}

}  // namespace fovea::io::mcap
