#include "io/mcap/mcap_records.h"

#include <cstring>

namespace fovea::io::mcap {
namespace {

// Reads little-endian fields from one record body; the first failed read sets an error naming
// the record and field, and every later read is a no-op, so a parser checks once at its end.
class BodyReader {
 public:
  BodyReader(std::span<const uint8_t> body, const char* record) : body_(body), record_(record) {}

  uint8_t u8(const char* field) { return take(1, field) ? body_[pos_ - 1] : 0; }
  uint16_t u16(const char* field) { return take(2, field) ? load_u16(&body_[pos_ - 2]) : 0; }
  uint32_t u32(const char* field) { return take(4, field) ? load_u32(&body_[pos_ - 4]) : 0; }
  uint64_t u64(const char* field) { return take(8, field) ? load_u64(&body_[pos_ - 8]) : 0; }

  std::string str(const char* field) {
    const uint32_t n = u32(field);
    if (!take(n, field)) return {};
    return std::string(reinterpret_cast<const char*>(&body_[pos_ - n]), n);
  }
  std::vector<uint8_t> bytes32(const char* field) {
    const uint32_t n = u32(field);
    if (!take(n, field)) return {};
    return std::vector<uint8_t>(body_.begin() + static_cast<ptrdiff_t>(pos_ - n), body_.begin() + static_cast<ptrdiff_t>(pos_));
  }
  // A u32 byte length followed by that many bytes of entries: returns a reader over the entries.
  BodyReader group(const char* field) {
    const uint32_t n = u32(field);
    if (!take(n, field)) return BodyReader({}, record_);
    return BodyReader(body_.subspan(pos_ - n, n), record_);
  }

  size_t position() const { return pos_; }
  size_t remaining() const { return body_.size() - pos_; }
  bool ok() const { return error_.is_ok(); }
  const Status& status() const { return error_; }
  void fail(Status s) {
    if (error_.is_ok()) error_ = std::move(s);
  }

 private:
  bool take(uint64_t n, const char* field) {
    if (!error_.is_ok()) return false;
    if (n > body_.size() - pos_) {
      error_ = invalid_argument("{}.{}: needs {} bytes, {} left in the record", record_, field, n, body_.size() - pos_);
      return false;
    }
    pos_ += static_cast<size_t>(n);
    return true;
  }

  std::span<const uint8_t> body_;
  const char* record_;
  size_t pos_ = 0;
  Status error_;
};

// Appends one record: the body is built by `fill` after a placeholder length that is patched.
class RecordBuilder {
 public:
  RecordBuilder(std::vector<uint8_t>& out, Opcode op) : out_(out) {
    out_.push_back(static_cast<uint8_t>(op));
    length_at_ = out_.size();
    u64(0);
  }
  ~RecordBuilder() {
    const uint64_t body = out_.size() - length_at_ - 8;
    for (int i = 0; i < 8; ++i) out_[length_at_ + i] = static_cast<uint8_t>(body >> (8 * i));
  }
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void raw(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // Starts a u32-length-prefixed group; end_group patches its length.
  size_t begin_group() {
    const size_t at = out_.size();
    u32(0);
    return at;
  }
  void end_group(size_t at) {
    const uint32_t n = static_cast<uint32_t>(out_.size() - at - 4);
    for (int i = 0; i < 4; ++i) out_[at + i] = static_cast<uint8_t>(n >> (8 * i));
  }

 private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t>& out_;
  size_t length_at_ = 0;
};

template <typename T>
Result<T> finish(const BodyReader& r, T value) {
  if (!r.ok()) return r.status();
  return value;
}

}  // namespace

uint16_t load_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t load_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t load_u64(const uint8_t* p) { return static_cast<uint64_t>(load_u32(p)) | (static_cast<uint64_t>(load_u32(p + 4)) << 32); }

const char* opcode_name(uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kHeader: return "Header";
    case Opcode::kFooter: return "Footer";
    case Opcode::kSchema: return "Schema";
    case Opcode::kChannel: return "Channel";
    case Opcode::kMessage: return "Message";
    case Opcode::kChunk: return "Chunk";
    case Opcode::kMessageIndex: return "MessageIndex";
    case Opcode::kChunkIndex: return "ChunkIndex";
    case Opcode::kAttachment: return "Attachment";
    case Opcode::kAttachmentIndex: return "AttachmentIndex";
    case Opcode::kStatistics: return "Statistics";
    case Opcode::kMetadata: return "Metadata";
    case Opcode::kMetadataIndex: return "MetadataIndex";
    case Opcode::kSummaryOffset: return "SummaryOffset";
    case Opcode::kDataEnd: return "DataEnd";
  }
  return "unknown";
}

Result<HeaderRecord> parse_header(std::span<const uint8_t> body) {
  BodyReader r(body, "Header");
  HeaderRecord h;
  h.profile = r.str("profile");
  h.library = r.str("library");
  return finish(r, std::move(h));
}

Result<FooterRecord> parse_footer(std::span<const uint8_t> body) {
  BodyReader r(body, "Footer");
  FooterRecord f;
  f.summary_start = r.u64("summary_start");
  f.summary_offset_start = r.u64("summary_offset_start");
  f.summary_crc = r.u32("summary_crc");
  return finish(r, f);
}

Result<SchemaRecord> parse_schema(std::span<const uint8_t> body) {
  BodyReader r(body, "Schema");
  SchemaRecord s;
  s.id = r.u16("id");
  s.name = r.str("name");
  s.encoding = r.str("encoding");
  s.data = r.bytes32("data");
  if (r.ok() && s.id == 0) r.fail(invalid_argument("Schema.id: 0 is reserved (schema '{}')", s.name));
  return finish(r, std::move(s));
}

Result<ChannelRecord> parse_channel(std::span<const uint8_t> body) {
  BodyReader r(body, "Channel");
  ChannelRecord c;
  c.id = r.u16("id");
  c.schema_id = r.u16("schema_id");
  c.topic = r.str("topic");
  c.message_encoding = r.str("message_encoding");
  BodyReader m = r.group("metadata");
  while (r.ok() && m.ok() && m.remaining() > 0) {
    std::string key = m.str("metadata key");
    std::string value = m.str("metadata value");
    if (m.ok()) c.metadata[std::move(key)] = std::move(value);
  }
  if (!m.ok()) r.fail(m.status());
  return finish(r, std::move(c));
}

Result<MessageHeader> parse_message_header(std::span<const uint8_t> body) {
  BodyReader r(body, "Message");
  MessageHeader h;
  h.channel_id = r.u16("channel_id");
  h.sequence = r.u32("sequence");
  h.log_time = r.u64("log_time");
  h.publish_time = r.u64("publish_time");
  return finish(r, h);
}

Result<ChunkHeader> parse_chunk_header(std::span<const uint8_t> body, uint64_t record_length) {
  BodyReader r(body, "Chunk");
  ChunkHeader c;
  c.message_start_time = r.u64("message_start_time");
  c.message_end_time = r.u64("message_end_time");
  c.uncompressed_size = r.u64("uncompressed_size");
  c.uncompressed_crc = r.u32("uncompressed_crc");
  c.compression = r.str("compression");
  c.records_size = r.u64("records");
  c.records_offset = r.position();
  if (r.ok() && (c.records_offset > record_length || c.records_size > record_length - c.records_offset))
    return invalid_argument("Chunk.records: {} bytes claimed, {} left in the record", c.records_size,
                            record_length - std::min<uint64_t>(record_length, c.records_offset));
  return finish(r, std::move(c));
}

Result<MessageIndexRecord> parse_message_index(std::span<const uint8_t> body) {
  BodyReader r(body, "MessageIndex");
  MessageIndexRecord m;
  m.channel_id = r.u16("channel_id");
  BodyReader entries = r.group("records");
  if (r.ok() && entries.remaining() % 16 != 0)
    return invalid_argument("MessageIndex.records: {} bytes is not a whole number of (u64, u64) entries", entries.remaining());
  while (r.ok() && entries.remaining() > 0) {
    const uint64_t t = entries.u64("log_time");
    const uint64_t o = entries.u64("offset");
    m.records.emplace_back(t, o);
  }
  return finish(r, std::move(m));
}

Result<ChunkIndexRecord> parse_chunk_index(std::span<const uint8_t> body) {
  BodyReader r(body, "ChunkIndex");
  ChunkIndexRecord c;
  c.message_start_time = r.u64("message_start_time");
  c.message_end_time = r.u64("message_end_time");
  c.chunk_start_offset = r.u64("chunk_start_offset");
  c.chunk_length = r.u64("chunk_length");
  BodyReader offsets = r.group("message_index_offsets");
  if (r.ok() && offsets.remaining() % 10 != 0)
    return invalid_argument("ChunkIndex.message_index_offsets: {} bytes is not a whole number of (u16, u64) entries",
                            offsets.remaining());
  while (r.ok() && offsets.remaining() > 0) {
    const uint16_t channel = offsets.u16("channel_id");
    c.message_index_offsets[channel] = offsets.u64("offset");
  }
  c.message_index_length = r.u64("message_index_length");
  c.compression = r.str("compression");
  c.compressed_size = r.u64("compressed_size");
  c.uncompressed_size = r.u64("uncompressed_size");
  return finish(r, std::move(c));
}

Result<StatisticsRecord> parse_statistics(std::span<const uint8_t> body) {
  BodyReader r(body, "Statistics");
  StatisticsRecord s;
  s.message_count = r.u64("message_count");
  s.schema_count = r.u16("schema_count");
  s.channel_count = r.u32("channel_count");
  s.attachment_count = r.u32("attachment_count");
  s.metadata_count = r.u32("metadata_count");
  s.chunk_count = r.u32("chunk_count");
  s.message_start_time = r.u64("message_start_time");
  s.message_end_time = r.u64("message_end_time");
  BodyReader counts = r.group("channel_message_counts");
  if (r.ok() && counts.remaining() % 10 != 0)
    return invalid_argument("Statistics.channel_message_counts: {} bytes is not a whole number of (u16, u64) entries",
                            counts.remaining());
  while (r.ok() && counts.remaining() > 0) {
    const uint16_t channel = counts.u16("channel_id");
    s.channel_message_counts[channel] = counts.u64("count");
  }
  return finish(r, std::move(s));
}

Result<uint32_t> parse_data_end(std::span<const uint8_t> body) {
  BodyReader r(body, "DataEnd");
  const uint32_t crc = r.u32("data_section_crc");
  return finish(r, crc);
}

void append_header(std::vector<uint8_t>& out, const HeaderRecord& r) {
  RecordBuilder b(out, Opcode::kHeader);
  b.str(r.profile);
  b.str(r.library);
}

void append_footer(std::vector<uint8_t>& out, const FooterRecord& r) {
  RecordBuilder b(out, Opcode::kFooter);
  b.u64(r.summary_start);
  b.u64(r.summary_offset_start);
  b.u32(r.summary_crc);
}

void append_schema(std::vector<uint8_t>& out, const SchemaRecord& r) {
  RecordBuilder b(out, Opcode::kSchema);
  b.u16(r.id);
  b.str(r.name);
  b.str(r.encoding);
  b.u32(static_cast<uint32_t>(r.data.size()));
  b.raw(r.data);
}

void append_channel(std::vector<uint8_t>& out, const ChannelRecord& r) {
  RecordBuilder b(out, Opcode::kChannel);
  b.u16(r.id);
  b.u16(r.schema_id);
  b.str(r.topic);
  b.str(r.message_encoding);
  const size_t at = b.begin_group();
  for (const auto& [key, value] : r.metadata) {
    b.str(key);
    b.str(value);
  }
  b.end_group(at);
}

void append_message(std::vector<uint8_t>& out, const MessageHeader& h, std::span<const uint8_t> data) {
  RecordBuilder b(out, Opcode::kMessage);
  b.u16(h.channel_id);
  b.u32(h.sequence);
  b.u64(h.log_time);
  b.u64(h.publish_time);
  b.raw(data);
}

void append_chunk(std::vector<uint8_t>& out, const ChunkHeader& h, std::span<const uint8_t> records) {
  RecordBuilder b(out, Opcode::kChunk);
  b.u64(h.message_start_time);
  b.u64(h.message_end_time);
  b.u64(h.uncompressed_size);
  b.u32(h.uncompressed_crc);
  b.str(h.compression);
  b.u64(records.size());
  b.raw(records);
}

void append_message_index(std::vector<uint8_t>& out, const MessageIndexRecord& r) {
  RecordBuilder b(out, Opcode::kMessageIndex);
  b.u16(r.channel_id);
  const size_t at = b.begin_group();
  for (const auto& [time, offset] : r.records) {
    b.u64(time);
    b.u64(offset);
  }
  b.end_group(at);
}

void append_chunk_index(std::vector<uint8_t>& out, const ChunkIndexRecord& r) {
  RecordBuilder b(out, Opcode::kChunkIndex);
  b.u64(r.message_start_time);
  b.u64(r.message_end_time);
  b.u64(r.chunk_start_offset);
  b.u64(r.chunk_length);
  const size_t at = b.begin_group();
  for (const auto& [channel, offset] : r.message_index_offsets) {
    b.u16(channel);
    b.u64(offset);
  }
  b.end_group(at);
  b.u64(r.message_index_length);
  b.str(r.compression);
  b.u64(r.compressed_size);
  b.u64(r.uncompressed_size);
}

void append_statistics(std::vector<uint8_t>& out, const StatisticsRecord& r) {
  RecordBuilder b(out, Opcode::kStatistics);
  b.u64(r.message_count);
  b.u16(r.schema_count);
  b.u32(r.channel_count);
  b.u32(r.attachment_count);
  b.u32(r.metadata_count);
  b.u32(r.chunk_count);
  b.u64(r.message_start_time);
  b.u64(r.message_end_time);
  const size_t at = b.begin_group();
  for (const auto& [channel, count] : r.channel_message_counts) {
    b.u16(channel);
    b.u64(count);
  }
  b.end_group(at);
}

void append_summary_offset(std::vector<uint8_t>& out, const SummaryOffsetRecord& r) {
  RecordBuilder b(out, Opcode::kSummaryOffset);
  b.u8(r.group_opcode);
  b.u64(r.group_start);
  b.u64(r.group_length);
}

void append_data_end(std::vector<uint8_t>& out, uint32_t data_section_crc) {
  RecordBuilder b(out, Opcode::kDataEnd);
  b.u32(data_section_crc);
}

}  // namespace fovea::io::mcap
