#include "io/mcap/mcap_writer.h"

#include <cerrno>
#include <cstring>
#include <limits>

#include "core/logging.h"

namespace fovea::io::mcap {

Result<std::unique_ptr<McapWriter>> McapWriter::open(const std::string& path, const McapWriterOptions& options) {
  if (!compression_available(options.compression))
    return unsupported("{}: compression '{}' is not built in (liblz4-dev / libzstd-dev missing at build time)", path,
                       compression_name(options.compression));
  std::unique_ptr<McapWriter> w(new McapWriter());
  w->path_ = path;
  w->options_ = options;
  if (w->options_.library.empty()) w->options_.library = "fovea " FOVEA_VERSION;
  if (w->options_.chunk_size == 0) w->options_.chunk_size = 1;
  w->file_ = std::fopen(path.c_str(), "wb");
  if (w->file_ == nullptr) return io_error("{}: cannot create: {}", path, std::strerror(errno));
  std::vector<uint8_t> start(kMagic, kMagic + kMagicSize);
  append_header(start, HeaderRecord{w->options_.profile, w->options_.library});
  FOVEA_RETURN_IF_ERROR(w->write_out(start));
  return w;
}

McapWriter::~McapWriter() {
  if (file_ == nullptr) return;
  if (!closed_ && failed_.is_ok()) {
    const Status s = close();
    if (!s.is_ok()) log::error("mcap '{}': {}", path_, s.message());
  }
  if (file_ != nullptr) std::fclose(file_);
}

Status McapWriter::write_out(std::span<const uint8_t> bytes) {
  if (!failed_.is_ok()) return failed_;
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    failed_ = io_error("{}: write failed at offset {}: {}", path_, position_, std::strerror(errno));
    return failed_;
  }
  position_ += bytes.size();
  data_crc_.update(bytes);
  return Status::ok();
}

Result<uint16_t> McapWriter::add_schema(const std::string& name, const std::string& encoding, const std::string& data) {
  if (closed_) return invalid_argument("{}: add_schema after close", path_);
  if (name.empty()) return invalid_argument("{}: schema name is empty", path_);
  for (const SchemaRecord& s : schemas_)
    if (s.name == name && s.encoding == encoding && s.data.size() == data.size() &&
        std::memcmp(s.data.data(), data.data(), data.size()) == 0)
      return s.id;
  if (schemas_.size() >= std::numeric_limits<uint16_t>::max()) return out_of_range("{}: too many schemas", path_);
  SchemaRecord s;
  s.id = static_cast<uint16_t>(schemas_.size() + 1);
  s.name = name;
  s.encoding = encoding;
  s.data.assign(data.begin(), data.end());
  // Into the open chunk, so a reader scanning the file meets it before the messages that use it.
  append_schema(chunk_records_, s);
  schemas_.push_back(std::move(s));
  return schemas_.back().id;
}

Result<uint16_t> McapWriter::add_channel(const std::string& topic, uint16_t schema_id, const std::string& message_encoding,
                                         const std::map<std::string, std::string>& metadata) {
  if (closed_) return invalid_argument("{}: add_channel after close", path_);
  if (topic.empty()) return invalid_argument("{}: channel topic is empty", path_);
  if (schema_id > schemas_.size()) return not_found("{}: channel '{}': no schema with id {}", path_, topic, schema_id);
  for (const ChannelRecord& c : channels_) {
    if (c.topic != topic) continue;
    if (c.schema_id == schema_id && c.message_encoding == message_encoding) return c.id;
    return invalid_argument("{}: topic '{}' already carries '{}' messages of another type", path_, topic, c.message_encoding);
  }
  if (channels_.size() >= std::numeric_limits<uint16_t>::max()) return out_of_range("{}: too many channels", path_);
  ChannelRecord c;
  c.id = static_cast<uint16_t>(channels_.size() + 1);
  c.schema_id = schema_id;
  c.topic = topic;
  c.message_encoding = message_encoding;
  c.metadata = metadata;
  append_channel(chunk_records_, c);
  channels_.push_back(std::move(c));
  return channels_.back().id;
}

Result<uint16_t> McapWriter::add_channel(const std::string& topic, const std::string& type, const std::string& msg_definition,
                                         const std::map<std::string, std::string>& metadata) {
  FOVEA_ASSIGN_OR_RETURN(const uint16_t schema, add_schema(type, "ros2msg", msg_definition));
  return add_channel(topic, schema, "cdr", metadata);
}

Status McapWriter::write(uint16_t channel_id, uint64_t log_time, uint64_t publish_time, std::span<const uint8_t> bytes) {
  if (!failed_.is_ok()) return failed_;
  if (closed_) return invalid_argument("{}: write after close", path_);
  if (channel_id == 0 || channel_id > channels_.size()) return not_found("{}: no channel with id {}", path_, channel_id);
  MessageHeader h;
  h.channel_id = channel_id;
  h.sequence = sequences_[channel_id]++;
  h.log_time = log_time;
  h.publish_time = publish_time;
  chunk_index_[channel_id].channel_id = channel_id;
  chunk_index_[channel_id].records.emplace_back(log_time, chunk_records_.size());
  append_message(chunk_records_, h, bytes);

  chunk_start_time_ = chunk_has_messages_ ? std::min(chunk_start_time_, log_time) : log_time;
  chunk_end_time_ = chunk_has_messages_ ? std::max(chunk_end_time_, log_time) : log_time;
  chunk_has_messages_ = true;
  StatisticsRecord& s = statistics_;
  s.message_start_time = s.message_count == 0 ? log_time : std::min(s.message_start_time, log_time);
  s.message_end_time = s.message_count == 0 ? log_time : std::max(s.message_end_time, log_time);
  ++s.message_count;
  ++s.channel_message_counts[channel_id];
  if (chunk_records_.size() >= options_.chunk_size) return flush_chunk();
  return Status::ok();
}

Status McapWriter::flush_chunk() {
  if (chunk_records_.empty()) return Status::ok();
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> stored, compress(options_.compression, chunk_records_, options_.zstd_level));
  ChunkHeader h;
  h.message_start_time = chunk_start_time_;
  h.message_end_time = chunk_end_time_;
  h.uncompressed_size = chunk_records_.size();
  h.uncompressed_crc = crc32_of(chunk_records_);
  h.compression = std::string(compression_name(options_.compression));
  std::vector<uint8_t> record;
  record.reserve(stored.size() + 64);
  append_chunk(record, h, stored);

  ChunkIndexRecord index;
  index.message_start_time = chunk_start_time_;
  index.message_end_time = chunk_end_time_;
  index.chunk_start_offset = position_;
  index.chunk_length = record.size();
  index.compression = h.compression;
  index.compressed_size = stored.size();
  index.uncompressed_size = chunk_records_.size();
  FOVEA_RETURN_IF_ERROR(write_out(record));

  // One MessageIndex per channel of the chunk, by channel id (the order the reference writers use).
  std::vector<uint8_t> indexes;
  const uint64_t indexes_start = position_;
  for (const auto& [channel, mi] : chunk_index_) {
    index.message_index_offsets[channel] = indexes_start + indexes.size();
    append_message_index(indexes, mi);
  }
  index.message_index_length = indexes.size();
  FOVEA_RETURN_IF_ERROR(write_out(indexes));
  chunk_indexes_.push_back(std::move(index));
  ++statistics_.chunk_count;

  chunk_records_.clear();
  chunk_index_.clear();
  chunk_has_messages_ = false;
  chunk_start_time_ = chunk_end_time_ = 0;
  return Status::ok();
}

Status McapWriter::close() {
  if (closed_) return failed_;
  closed_ = true;
  Status s = flush_chunk();
  if (s.is_ok()) {
    std::vector<uint8_t> data_end;
    append_data_end(data_end, data_crc_.value());
    s = write_out(data_end);
  }
  if (s.is_ok()) {
    const uint64_t summary_start = position_;
    std::vector<uint8_t> summary;
    std::vector<SummaryOffsetRecord> groups;
    auto group = [&](Opcode op, auto&& append_all) {
      const size_t begin = summary.size();
      append_all();
      if (summary.size() > begin)
        groups.push_back(SummaryOffsetRecord{static_cast<uint8_t>(op), summary_start + begin, summary.size() - begin});
    };
    statistics_.schema_count = static_cast<uint16_t>(schemas_.size());
    statistics_.channel_count = static_cast<uint32_t>(channels_.size());
    group(Opcode::kSchema, [&] {
      for (const SchemaRecord& r : schemas_) append_schema(summary, r);
    });
    group(Opcode::kChannel, [&] {
      for (const ChannelRecord& r : channels_) append_channel(summary, r);
    });
    group(Opcode::kStatistics, [&] { append_statistics(summary, statistics_); });
    group(Opcode::kChunkIndex, [&] {
      for (const ChunkIndexRecord& r : chunk_indexes_) append_chunk_index(summary, r);
    });
    const uint64_t summary_offset_start = summary_start + summary.size();
    for (const SummaryOffsetRecord& g : groups) append_summary_offset(summary, g);

    FooterRecord footer{summary_start, summary_offset_start, 0};
    std::vector<uint8_t> footer_bytes;
    append_footer(footer_bytes, footer);
    Crc32 crc;  // the summary section, the offsets and the Footer up to its summary_crc field
    crc.update(summary);
    crc.update(std::span<const uint8_t>(footer_bytes.data(), kRecordPrefixSize + 16));
    footer.summary_crc = crc.value();
    footer_bytes.clear();
    append_footer(footer_bytes, footer);
    summary.insert(summary.end(), footer_bytes.begin(), footer_bytes.end());
    summary.insert(summary.end(), kMagic, kMagic + kMagicSize);
    s = write_out(summary);
  }
  const bool flush_failed = std::fflush(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (s.is_ok() && (flush_failed || close_failed)) s = io_error("{}: cannot finish writing: {}", path_, std::strerror(errno));
  if (!s.is_ok() && failed_.is_ok()) failed_ = s;
  return s;
}

}  // namespace fovea::io::mcap
