#include "io/mcap/mcap_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/logging.h"
#include "io/mcap/mcap_compression.h"
#include "io/mcap/mcap_crc32.h"
#include "pipeline/rate_limited_log.h"

namespace fovea::io::mcap {

// Random access to the bytes of one file (or of a buffer).
class McapByteSource {
 public:
  virtual ~McapByteSource() = default;
  virtual uint64_t size() const = 0;
  // Exactly n bytes at `offset`; the caller has checked that they lie inside size().
  virtual Status read(uint64_t offset, uint8_t* out, size_t n) = 0;
};

namespace {

class FileByteSource : public McapByteSource {
 public:
  static Result<std::unique_ptr<McapByteSource>> open(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return not_found("{}: no such file", path);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return io_error("{}: cannot open: {}", path, std::strerror(errno));
    std::unique_ptr<FileByteSource> s(new FileByteSource(f, path));
    if (fseeko(f, 0, SEEK_END) != 0) return io_error("{}: cannot seek: {}", path, std::strerror(errno));
    const off_t end = ftello(f);
    if (end < 0) return io_error("{}: cannot tell its size: {}", path, std::strerror(errno));
    s->size_ = static_cast<uint64_t>(end);
    return std::unique_ptr<McapByteSource>(std::move(s));
  }
  ~FileByteSource() override { std::fclose(file_); }
  uint64_t size() const override { return size_; }
  Status read(uint64_t offset, uint8_t* out, size_t n) override {
    if (fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0 || std::fread(out, 1, n, file_) != n)
      return io_error("{}: cannot read {} bytes at offset {}", path_, n, offset);
    return Status::ok();
  }

 private:
  FileByteSource(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
  uint64_t size_ = 0;
};

class MemoryByteSource : public McapByteSource {
 public:
  explicit MemoryByteSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  Status read(uint64_t offset, uint8_t* out, size_t n) override {
    if (n > 0) std::memcpy(out, bytes_.data() + offset, n);
    return Status::ok();
  }

 private:
  std::vector<uint8_t> bytes_;
};

Result<std::vector<uint8_t>> read_range(McapByteSource& source, uint64_t offset, uint64_t n) {
  if (offset > source.size() || n > source.size() - offset)
    return out_of_range("{} bytes at offset {} lie past the end of the file ({} bytes)", n, offset, source.size());
  std::vector<uint8_t> out(static_cast<size_t>(n));
  FOVEA_RETURN_IF_ERROR(source.read(offset, out.data(), out.size()));
  return out;
}

constexpr uint64_t kMaxHeaderBytes = uint64_t{1} << 20;      // Header: two short strings
constexpr uint64_t kMaxChunkHeaderRead = uint64_t{1} << 16;  // enough of a Chunk for its fields
constexpr uint64_t kDataEndRecordSize = kRecordPrefixSize + 4;

}  // namespace

struct McapReader::Unit {
  uint64_t start_time = 0, end_time = 0;
  uint64_t offset = 0;  // the record's opcode
  uint64_t length = 0;  // the whole record, prefix included
  bool chunk = true;    // false: one Message record outside any chunk
  std::vector<uint16_t> channels;  // from the chunk index; empty: not known
};

struct McapReader::Entry {
  uint64_t log_time = 0;
  size_t unit = 0;
  uint64_t position = 0;  // of the record within its unit: file order among equal times
  MessageHeader header;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  size_t data_offset = 0, data_size = 0;

  // std::*_heap build a max-heap: "less" means "comes later".
  bool operator<(const Entry& o) const {
    if (log_time != o.log_time) return log_time > o.log_time;
    if (unit != o.unit) return unit > o.unit;
    return position > o.position;
  }
};

McapReader::McapReader(std::unique_ptr<McapByteSource> source, const McapReaderOptions& options, std::string name)
    : source_(std::move(source)), options_(options), name_(std::move(name)), log_(std::make_unique<pipeline::RateLimitedLog>()) {}

McapReader::~McapReader() = default;

Result<std::unique_ptr<McapReader>> McapReader::open(const std::string& path, const McapReaderOptions& options) {
  FOVEA_ASSIGN_OR_RETURN(std::unique_ptr<McapByteSource> source, FileByteSource::open(path));
  std::unique_ptr<McapReader> r(new McapReader(std::move(source), options, path));
  FOVEA_RETURN_IF_ERROR(r->initialize());
  return r;
}

Result<std::unique_ptr<McapReader>> McapReader::open_memory(std::vector<uint8_t> bytes, const McapReaderOptions& options,
                                                            const std::string& name) {
  std::unique_ptr<McapReader> r(new McapReader(std::make_unique<MemoryByteSource>(std::move(bytes)), options, name));
  FOVEA_RETURN_IF_ERROR(r->initialize());
  return r;
}

Status McapReader::initialize() {
  const uint64_t size = source_->size();
  if (size < kMagicSize + kRecordPrefixSize)
    return invalid_argument("{}: {} bytes is too short for an MCAP file", name_, size);
  uint8_t head[kMagicSize + kRecordPrefixSize];
  FOVEA_RETURN_IF_ERROR(source_->read(0, head, sizeof(head)));
  if (std::memcmp(head, kMagic, kMagicSize) != 0) return invalid_argument("{}: not an MCAP file (bad magic)", name_);
  if (head[kMagicSize] != static_cast<uint8_t>(Opcode::kHeader))
    return invalid_argument("{}: the first record is {} (opcode 0x{:02x}), not a Header", name_,
                            opcode_name(head[kMagicSize]), head[kMagicSize]);
  const uint64_t header_length = load_u64(head + kMagicSize + 1);
  if (header_length > size - sizeof(head)) return invalid_argument("{}: the Header record runs past the end of the file", name_);
  if (header_length > kMaxHeaderBytes)
    return out_of_range("{}: Header record of {} bytes (at most {} accepted)", name_, header_length, kMaxHeaderBytes);
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> body, read_range(*source_, sizeof(head), header_length));
  Result<HeaderRecord> header = parse_header(body);
  if (!header.is_ok()) return header.status().with_context(name_);
  header_ = std::move(header).value();

  const uint64_t data_start = sizeof(head) + header_length;
  indexed_ = load_summary(data_start);
  if (!indexed_) FOVEA_RETURN_IF_ERROR(scan_data_section(data_start));
  if (options_.verify_data_crc) verify_data_crc();
  std::stable_sort(units_.begin(), units_.end(), [](const Unit& a, const Unit& b) {
    return a.start_time != b.start_time ? a.start_time < b.start_time : a.offset < b.offset;
  });
  rewind();
  return Status::ok();
}

bool McapReader::load_summary(uint64_t data_start) {
  const uint64_t size = source_->size();
  constexpr uint64_t kFooterRecordSize = kRecordPrefixSize + kFooterBodySize;
  if (size < data_start + kFooterRecordSize + kMagicSize) return false;
  const uint64_t footer_pos = size - kFooterRecordSize - kMagicSize;
  uint8_t tail[kFooterRecordSize + kMagicSize];
  if (!source_->read(footer_pos, tail, sizeof(tail)).is_ok()) return false;
  if (std::memcmp(tail + kFooterRecordSize, kMagic, kMagicSize) != 0) return false;  // no footer: cut short?
  auto unusable = [&](const std::string& why) {
    stats_.summary_unusable = true;
    log_->warn(fmt::format("mcap '{}': summary section not used ({}); scanning the data section", name_, why));
    schemas_.clear();
    channels_.clear();
    statistics_.reset();
    units_.clear();
    data_end_.reset();
    return false;
  };
  if (tail[0] != static_cast<uint8_t>(Opcode::kFooter) || load_u64(tail + 1) != kFooterBodySize)
    return unusable("the record before the closing magic is not a Footer");
  const FooterRecord footer = parse_footer(std::span<const uint8_t>(tail + kRecordPrefixSize, kFooterBodySize)).value();
  if (footer.summary_start == 0) return false;  // written without a summary
  if (footer.summary_start < data_start || footer.summary_start > footer_pos) return unusable("summary_start out of range");
  if (footer_pos - footer.summary_start > options_.max_summary_bytes) return unusable("summary too large");
  Result<std::vector<uint8_t>> summary = read_range(*source_, footer.summary_start, footer_pos - footer.summary_start);
  if (!summary.is_ok()) return unusable(summary.status().message());
  if (footer.summary_crc != 0) {
    // Covers the summary, the summary offsets and the Footer up to (not including) summary_crc.
    Crc32 crc;
    crc.update(*summary);
    crc.update(std::span<const uint8_t>(tail, kRecordPrefixSize + 16));
    if (crc.value() != footer.summary_crc) return unusable("summary CRC mismatch");
  }
  std::span<const uint8_t> rest(*summary);
  while (!rest.empty()) {
    if (rest.size() < kRecordPrefixSize) return unusable("a record is cut short");
    const uint8_t op = rest[0];
    const uint64_t length = load_u64(rest.data() + 1);
    if (length > rest.size() - kRecordPrefixSize) return unusable(fmt::format("{} record runs past the summary", opcode_name(op)));
    const std::span<const uint8_t> body = rest.subspan(kRecordPrefixSize, static_cast<size_t>(length));
    rest = rest.subspan(kRecordPrefixSize + static_cast<size_t>(length));
    switch (static_cast<Opcode>(op)) {
      case Opcode::kSchema: {
        Result<SchemaRecord> s = parse_schema(body);
        if (!s.is_ok()) return unusable(s.status().message());
        add_schema(std::move(s).value());
        break;
      }
      case Opcode::kChannel: {
        Result<ChannelRecord> c = parse_channel(body);
        if (!c.is_ok()) return unusable(c.status().message());
        add_channel(std::move(c).value());
        break;
      }
      case Opcode::kStatistics: {
        Result<StatisticsRecord> s = parse_statistics(body);
        if (!s.is_ok()) return unusable(s.status().message());
        statistics_ = std::move(s).value();
        break;
      }
      case Opcode::kChunkIndex: {
        Result<ChunkIndexRecord> c = parse_chunk_index(body);
        if (!c.is_ok()) return unusable(c.status().message());
        if (c->chunk_start_offset < data_start || c->chunk_length < kRecordPrefixSize ||
            c->chunk_start_offset > footer.summary_start || c->chunk_length > footer.summary_start - c->chunk_start_offset)
          return unusable(fmt::format("ChunkIndex points outside the data section (offset {}, length {})", c->chunk_start_offset,
                                      c->chunk_length));
        Unit u{c->message_start_time, c->message_end_time, c->chunk_start_offset, c->chunk_length, true, {}};
        for (const auto& entry : c->message_index_offsets) u.channels.push_back(entry.first);
        units_.push_back(std::move(u));
        break;
      }
      default: break;  // SummaryOffset, AttachmentIndex, MetadataIndex, ...: not needed
    }
  }
  if (units_.empty()) return false;  // no chunk indexes (an unchunked file): the scan finds the messages
  if (footer.summary_start >= data_start + kDataEndRecordSize) {
    uint8_t data_end[kDataEndRecordSize];
    const uint64_t at = footer.summary_start - kDataEndRecordSize;
    if (source_->read(at, data_end, sizeof(data_end)).is_ok() && data_end[0] == static_cast<uint8_t>(Opcode::kDataEnd) &&
        load_u64(data_end + 1) == 4)
      data_end_ = std::make_pair(at, load_u32(data_end + kRecordPrefixSize));
  }
  return true;
}

Status McapReader::scan_data_section(uint64_t data_start) {
  const uint64_t size = source_->size();
  uint64_t pos = data_start;
  uint8_t prefix[kRecordPrefixSize];
  for (;;) {
    if (size - pos < kRecordPrefixSize) {
      stats_.truncated = true;
      log_->warn(fmt::format("mcap '{}': the data section ends at offset {} without a DataEnd record (file cut short?)", name_, pos));
      return Status::ok();
    }
    FOVEA_RETURN_IF_ERROR(source_->read(pos, prefix, sizeof(prefix)));
    const uint8_t op = prefix[0];
    const uint64_t length = load_u64(prefix + 1);
    const uint64_t body_at = pos + kRecordPrefixSize;
    if (length > size - body_at) {
      stats_.truncated = true;
      log_->warn(fmt::format("mcap '{}': {} record at offset {} claims {} bytes, {} remain (file cut short?)", name_,
                             opcode_name(op), pos, length, size - body_at));
      return Status::ok();
    }
    switch (static_cast<Opcode>(op)) {
      case Opcode::kSchema:
      case Opcode::kChannel: {
        if (length > options_.max_summary_bytes) {
          skip(fmt::format("{} record at offset {}: {} bytes", opcode_name(op), pos, length), stats_.malformed_records);
          break;
        }
        FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> body, read_range(*source_, body_at, length));
        if (op == static_cast<uint8_t>(Opcode::kSchema)) {
          Result<SchemaRecord> s = parse_schema(body);
          if (s.is_ok()) add_schema(std::move(s).value());
          else skip(fmt::format("offset {}: {}", pos, s.status().message()), stats_.malformed_records);
        } else {
          Result<ChannelRecord> c = parse_channel(body);
          if (c.is_ok()) add_channel(std::move(c).value());
          else skip(fmt::format("offset {}: {}", pos, c.status().message()), stats_.malformed_records);
        }
        break;
      }
      case Opcode::kMessage: {
        uint8_t fields[kMessageHeaderSize];
        if (length < kMessageHeaderSize) {
          skip(fmt::format("Message record at offset {}: {} bytes is too short", pos, length), stats_.malformed_records);
          break;
        }
        FOVEA_RETURN_IF_ERROR(source_->read(body_at, fields, sizeof(fields)));
        const MessageHeader h = parse_message_header(fields).value();
        units_.push_back(Unit{h.log_time, h.log_time, pos, kRecordPrefixSize + length, false, {}});
        break;
      }
      case Opcode::kChunk: {
        FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> head, read_range(*source_, body_at, std::min(length, kMaxChunkHeaderRead)));
        Result<ChunkHeader> c = parse_chunk_header(head, length);
        if (!c.is_ok()) {
          skip(fmt::format("offset {}: {}", pos, c.status().message()), stats_.malformed_records);
          break;
        }
        units_.push_back(Unit{c->message_start_time, c->message_end_time, pos, kRecordPrefixSize + length, true, {}});
        break;
      }
      case Opcode::kDataEnd: {
        uint8_t crc[4];
        if (length < 4) {
          skip(fmt::format("DataEnd record at offset {}: {} bytes is too short", pos, length), stats_.malformed_records);
          return Status::ok();
        }
        FOVEA_RETURN_IF_ERROR(source_->read(body_at, crc, sizeof(crc)));
        data_end_ = std::make_pair(pos, load_u32(crc));
        return Status::ok();
      }
      case Opcode::kFooter: return Status::ok();  // no DataEnd, but the data section is complete
      default: break;                              // indexes, attachments, metadata, unknown opcodes
    }
    pos = body_at + length;
  }
}

void McapReader::verify_data_crc() {
  if (!data_end_ || data_end_->second == 0) return;  // 0: the writer did not compute one
  constexpr size_t kBlock = size_t{1} << 20;
  std::vector<uint8_t> block(kBlock);
  Crc32 crc;
  for (uint64_t pos = 0; pos < data_end_->first;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, data_end_->first - pos));
    if (!source_->read(pos, block.data(), n).is_ok()) return;  // reported by the reads that matter
    crc.update(std::span<const uint8_t>(block.data(), n));
    pos += n;
  }
  if (crc.value() != data_end_->second) {
    stats_.data_crc_mismatch = true;
    log_->warn(fmt::format("mcap '{}': data section CRC mismatch (file damaged; chunks are checked one by one)", name_));
  }
}

void McapReader::skip(const std::string& what, uint64_t& counter) {
  ++counter;
  log_->warn(fmt::format("mcap '{}': {} (skipped)", name_, what));
}

void McapReader::add_schema(SchemaRecord schema) {
  const uint16_t id = schema.id;
  schemas_.try_emplace(id, std::move(schema));  // the first definition of an id wins
}

void McapReader::add_channel(ChannelRecord channel) {
  const uint16_t id = channel.id;
  channels_.try_emplace(id, std::move(channel));
}

const ChannelRecord* McapReader::find_channel(std::string_view topic) const {
  for (const auto& [id, c] : channels_)
    if (c.topic == topic) return &c;
  return nullptr;
}

const SchemaRecord* McapReader::schema_of(const ChannelRecord& channel) const {
  auto it = schemas_.find(channel.schema_id);
  return it == schemas_.end() ? nullptr : &it->second;
}

int64_t McapReader::message_count(std::string_view topic) const {
  const ChannelRecord* c = find_channel(topic);
  if (!statistics_ || c == nullptr) return -1;
  auto it = statistics_->channel_message_counts.find(c->id);
  return it == statistics_->channel_message_counts.end() ? 0 : static_cast<int64_t>(it->second);
}

void McapReader::set_topic_filter(std::vector<std::string> topics) {
  topic_filter_ = std::move(topics);
  wanted_cache_.clear();
  rewind();
}

void McapReader::rewind() {
  next_unit_ = 0;
  heap_.clear();
  current_.reset();
}

bool McapReader::wanted(uint16_t channel_id) {
  if (topic_filter_.empty()) return true;
  auto cached = wanted_cache_.find(channel_id);
  if (cached != wanted_cache_.end()) return cached->second;
  auto c = channels_.find(channel_id);
  if (c == channels_.end()) return false;
  const bool w = std::find(topic_filter_.begin(), topic_filter_.end(), c->second.topic) != topic_filter_.end();
  wanted_cache_[channel_id] = w;
  return w;
}

bool McapReader::unit_may_hold_wanted(const Unit& unit) {
  if (topic_filter_.empty() || unit.channels.empty()) return true;
  for (uint16_t id : unit.channels)
    if (!channels_.contains(id) || wanted(id)) return true;
  return false;
}

Status McapReader::load_unit(size_t index) {
  const Unit& u = units_[index];
  if (u.length - kRecordPrefixSize > options_.max_chunk_bytes) {
    if (u.chunk) ++stats_.skipped_chunks;
    skip(fmt::format("{} at offset {}: {} bytes (limit {})", u.chunk ? "chunk" : "message", u.offset, u.length,
                     options_.max_chunk_bytes),
         u.chunk ? stats_.oversized_chunks : stats_.malformed_records);
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> record, read_range(*source_, u.offset, u.length));
  const uint8_t expected = static_cast<uint8_t>(u.chunk ? Opcode::kChunk : Opcode::kMessage);
  if (record[0] != expected || load_u64(record.data() + 1) != u.length - kRecordPrefixSize) {
    skip(fmt::format("offset {}: expected a {} record of {} bytes", u.offset, opcode_name(expected), u.length - kRecordPrefixSize),
         stats_.malformed_records);
    return Status::ok();
  }
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::move(record));
  if (!u.chunk) {
    load_records(index, bytes, 0, bytes->size());
    return Status::ok();
  }
  const std::span<const uint8_t> body = std::span<const uint8_t>(*bytes).subspan(kRecordPrefixSize);
  Result<ChunkHeader> h = parse_chunk_header(body, body.size());
  if (!h.is_ok()) {
    skip(fmt::format("offset {}: {}", u.offset, h.status().message()), stats_.malformed_records);
    return Status::ok();
  }
  auto chunk_skip = [&](const std::string& why, uint64_t& counter) {
    ++stats_.skipped_chunks;
    skip(fmt::format("chunk at offset {}: {}", u.offset, why), counter);
    return Status::ok();
  };
  Result<Compression> compression = parse_compression(h->compression);
  if (!compression.is_ok() || !compression_available(*compression))
    return chunk_skip(fmt::format("compression '{}' is not supported", h->compression), stats_.unknown_compression_chunks);
  const std::span<const uint8_t> stored = body.subspan(static_cast<size_t>(h->records_offset), static_cast<size_t>(h->records_size));
  std::shared_ptr<const std::vector<uint8_t>> records = bytes;
  size_t begin = kRecordPrefixSize + static_cast<size_t>(h->records_offset), count = stored.size();
  if (*compression != Compression::kNone || stored.size() != h->uncompressed_size) {
    Result<std::vector<uint8_t>> plain = decompress(*compression, stored, h->uncompressed_size, options_.max_chunk_bytes);
    if (!plain.is_ok()) {
      if (plain.status().code() == StatusCode::kOutOfRange)
        return chunk_skip(plain.status().message(), stats_.oversized_chunks);
      return chunk_skip(plain.status().message(), stats_.undecodable_chunks);
    }
    records = std::make_shared<const std::vector<uint8_t>>(std::move(plain).value());
    begin = 0;
    count = records->size();
  }
  const std::span<const uint8_t> plain(records->data() + begin, count);
  if (h->uncompressed_crc != 0 && crc32_of(plain) != h->uncompressed_crc)
    return chunk_skip("uncompressed_crc mismatch", stats_.chunk_crc_mismatches);
  load_records(index, records, begin, count);
  return Status::ok();
}

void McapReader::load_records(size_t unit_index, const std::shared_ptr<const std::vector<uint8_t>>& buffer, size_t begin,
                              size_t size) {
  const uint8_t* base = buffer->data();
  size_t pos = begin;
  const size_t end = begin + size;
  const uint64_t unit_offset = units_[unit_index].offset;
  while (pos < end) {
    if (end - pos < kRecordPrefixSize) {
      skip(fmt::format("unit at offset {}: {} stray bytes at its end", unit_offset, end - pos), stats_.malformed_records);
      return;
    }
    const uint8_t op = base[pos];
    const uint64_t length = load_u64(base + pos + 1);
    if (length > end - pos - kRecordPrefixSize) {
      skip(fmt::format("unit at offset {}: {} record claims {} bytes, {} remain", unit_offset, opcode_name(op), length,
                       end - pos - kRecordPrefixSize),
           stats_.malformed_records);
      return;  // the rest cannot be framed
    }
    const std::span<const uint8_t> body(base + pos + kRecordPrefixSize, static_cast<size_t>(length));
    switch (static_cast<Opcode>(op)) {
      case Opcode::kSchema: {
        Result<SchemaRecord> s = parse_schema(body);
        if (s.is_ok()) add_schema(std::move(s).value());
        else skip(fmt::format("unit at offset {}: {}", unit_offset, s.status().message()), stats_.malformed_records);
        break;
      }
      case Opcode::kChannel: {
        Result<ChannelRecord> c = parse_channel(body);
        if (c.is_ok()) add_channel(std::move(c).value());
        else skip(fmt::format("unit at offset {}: {}", unit_offset, c.status().message()), stats_.malformed_records);
        break;
      }
      case Opcode::kMessage: {
        Result<MessageHeader> h = parse_message_header(body);
        if (!h.is_ok()) {
          skip(fmt::format("unit at offset {}: {}", unit_offset, h.status().message()), stats_.malformed_records);
          break;
        }
        if (!channels_.contains(h->channel_id)) {
          skip(fmt::format("unit at offset {}: message on unknown channel {}", unit_offset, h->channel_id),
               stats_.messages_unknown_channel);
          break;
        }
        if (!wanted(h->channel_id)) break;
        Entry e;
        e.log_time = h->log_time;
        e.unit = unit_index;
        e.position = pos;
        e.header = *h;
        e.bytes = buffer;
        e.data_offset = pos + kRecordPrefixSize + kMessageHeaderSize;
        e.data_size = static_cast<size_t>(length) - kMessageHeaderSize;
        heap_.push_back(std::move(e));
        std::push_heap(heap_.begin(), heap_.end());
        break;
      }
      default: break;  // anything else inside a chunk is ignored, as the spec asks
    }
    pos += kRecordPrefixSize + static_cast<size_t>(length);
  }
}

Result<std::optional<McapMessage>> McapReader::next() {
  current_.reset();
  // A unit may hold messages earlier than anything loaded until its start time passes the heap's top.
  while (next_unit_ < units_.size() && (heap_.empty() || units_[next_unit_].start_time <= heap_.front().log_time)) {
    const size_t i = next_unit_++;
    if (unit_may_hold_wanted(units_[i])) FOVEA_RETURN_IF_ERROR(load_unit(i));
  }
  if (heap_.empty()) return std::optional<McapMessage>();
  std::pop_heap(heap_.begin(), heap_.end());
  Entry e = std::move(heap_.back());
  heap_.pop_back();
  const ChannelRecord& channel = channels_.at(e.header.channel_id);
  McapMessage m;
  m.channel = &channel;
  m.schema = schema_of(channel);
  m.header = e.header;
  m.data = std::span<const uint8_t>(e.bytes->data() + e.data_offset, e.data_size);
  current_ = std::move(e.bytes);
  return std::optional<McapMessage>(m);
}

}  // namespace fovea::io::mcap
