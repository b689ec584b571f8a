// McapReader: reads the messages of an MCAP file (a rosbag2 bag, or any MCAP) in log-time order.
//
// open() checks the magic and the Header, then uses the summary section when the file has a valid
// one with chunk indexes (Footer -> Schema, Channel, Statistics, ChunkIndex records; summary CRC
// checked when present). Otherwise (no summary, a corrupt one, a file cut short by a crashed
// recorder) it scans the data section record by record and builds the same chunk list itself.
// Messages then come chunk by chunk, merged by log time across overlapping chunks, so at most the
// chunks whose time ranges overlap are held in memory.
//
// Damage is never fatal past open(): a chunk whose CRC does not match, whose compression is
// unknown or whose data does not decompress, a record whose lengths run past its end, a message on
// an unknown channel: each is skipped, counted in stats() and logged (rate-limited). The data
// section CRC (DataEnd) is verified at open when present. Sizes are checked before allocation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "io/mcap/mcap_records.h"

namespace fovea::pipeline {
class RateLimitedLog;
}

namespace fovea::io::mcap {

struct McapReaderOptions {
  bool verify_data_crc = true;                      // reads the data section once at open
  uint64_t max_chunk_bytes = uint64_t{1} << 30;     // larger chunks (compressed or not) are skipped
  uint64_t max_summary_bytes = uint64_t{256} << 20; // a larger summary is ignored (linear scan)
};

// What was skipped, and why. Every counter is a count of records (or chunks) dropped.
struct McapReadStats {
  uint64_t malformed_records = 0;        // a record whose body or length does not parse
  uint64_t skipped_chunks = 0;           // chunks not read, for any of the reasons below
  uint64_t chunk_crc_mismatches = 0;
  uint64_t unknown_compression_chunks = 0;
  uint64_t undecodable_chunks = 0;       // compressed data that does not decompress to its claimed size
  uint64_t oversized_chunks = 0;         // above McapReaderOptions::max_chunk_bytes
  uint64_t messages_unknown_channel = 0;
  bool data_crc_mismatch = false;        // DataEnd's CRC does not match the data section
  bool summary_unusable = false;         // a summary was present but damaged: read by a linear scan
  bool truncated = false;                // the data section ends inside a record

  uint64_t dropped() const { return malformed_records + skipped_chunks + messages_unknown_channel; }
};

// One message; `data` (CDR with its encapsulation header, for ROS 2) and the pointers stay valid
// until the next call to next() or rewind().
struct McapMessage {
  const ChannelRecord* channel = nullptr;
  const SchemaRecord* schema = nullptr;  // null: schema id 0, or a schema the file never defines
  MessageHeader header;
  std::span<const uint8_t> data;
};

class McapByteSource;

class McapReader {
 public:
  // Errors: the file cannot be opened or read, is too short, has a bad magic, or its first record
  // is not a valid Header. Everything else is counted, not an error.
  static Result<std::unique_ptr<McapReader>> open(const std::string& path, const McapReaderOptions& options = {});
  // The same over bytes in memory (tests, fuzzing); `name` labels errors and logs.
  static Result<std::unique_ptr<McapReader>> open_memory(std::vector<uint8_t> bytes, const McapReaderOptions& options = {},
                                                         const std::string& name = "memory");
  ~McapReader();

  const std::string& name() const { return name_; }
  const HeaderRecord& header() const { return header_; }
  bool indexed() const { return indexed_; }  // read through the summary's chunk indexes
  // Known so far: all of them for an indexed file; for a scanned one, those outside chunks plus
  // those inside the chunks read so far.
  const std::map<uint16_t, SchemaRecord>& schemas() const { return schemas_; }
  const std::map<uint16_t, ChannelRecord>& channels() const { return channels_; }
  const std::optional<StatisticsRecord>& statistics() const { return statistics_; }
  const ChannelRecord* find_channel(std::string_view topic) const;
  const SchemaRecord* schema_of(const ChannelRecord& channel) const;
  // Messages on `topic` per the Statistics record; -1 when unknown.
  int64_t message_count(std::string_view topic) const;

  // Only messages on these topics from now on (all when empty); restarts from the first message.
  void set_topic_filter(std::vector<std::string> topics);
  void rewind();  // back to the first message
  // The next message in log-time order (file order for equal times); nullopt at the end. An
  // error only when reading the file fails (I/O), never for damaged content.
  Result<std::optional<McapMessage>> next();

  const McapReadStats& stats() const { return stats_; }

 private:
  struct Unit;   // a chunk, or a message outside any chunk
  struct Entry;  // a loaded message waiting in the merge heap

  McapReader(std::unique_ptr<McapByteSource> source, const McapReaderOptions& options, std::string name);
  Status initialize();
  bool load_summary(uint64_t data_start);
  Status scan_data_section(uint64_t data_start);
  void verify_data_crc();
  Status load_unit(size_t index);
  // Pushes the wanted messages of the records in buffer[begin, begin + size) onto the heap and
  // registers their schemas and channels.
  void load_records(size_t unit_index, const std::shared_ptr<const std::vector<uint8_t>>& buffer, size_t begin, size_t size);
  void add_schema(SchemaRecord schema);
  void add_channel(ChannelRecord channel);
  bool wanted(uint16_t channel_id);
  bool unit_may_hold_wanted(const Unit& unit);
  void skip(const std::string& what, uint64_t& counter);

  std::unique_ptr<McapByteSource> source_;
  McapReaderOptions options_;
  std::string name_;
  HeaderRecord header_;
  bool indexed_ = false;
  std::map<uint16_t, SchemaRecord> schemas_;
  std::map<uint16_t, ChannelRecord> channels_;
  std::optional<StatisticsRecord> statistics_;
  std::optional<std::pair<uint64_t, uint32_t>> data_end_;  // (offset of DataEnd, its CRC)
  std::vector<Unit> units_;                                // sorted by start time, then offset
  std::vector<std::string> topic_filter_;
  std::map<uint16_t, bool> wanted_cache_;
  size_t next_unit_ = 0;
  std::vector<Entry> heap_;
  std::shared_ptr<const std::vector<uint8_t>> current_;  // keeps the last returned message's bytes alive
  McapReadStats stats_;
  std::unique_ptr<pipeline::RateLimitedLog> log_;
};

}  // namespace fovea::io::mcap
