// McapWriter: writes an MCAP file the way rosbag2's MCAP storage does, so `ros2 bag`, Foxglove and
// the MCAP libraries read it: profile "ros2", chunked records (zstd, lz4 or none), a MessageIndex
// per channel after each chunk, DataEnd with the data-section CRC, then a summary section (Schema
// and Channel copies, Statistics, ChunkIndex records) with SummaryOffset records, the Footer
// (with the summary CRC) and the closing magic.
//
// Schemas are `ros2msg` (.msg text with its dependencies, ros2_message_definitions.h), channels
// carry `cdr` messages. Not thread-safe: one writer per thread (sinks write from their own).
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "io/mcap/mcap_compression.h"
#include "io/mcap/mcap_crc32.h"
#include "io/mcap/mcap_records.h"

namespace fovea::io::mcap {

struct McapWriterOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 1;
  uint64_t chunk_size = uint64_t{4} << 20;  // a chunk is closed once its records reach this many bytes
  std::string profile = "ros2";
  std::string library;                        // default: "fovea <version>"
};

class McapWriter {
 public:
  // Creates (truncates) `path` and writes the magic and the Header. Errors: the file cannot be
  // created, or the compression is not built in.
  static Result<std::unique_ptr<McapWriter>> open(const std::string& path, const McapWriterOptions& options = {});
  // Closes the file if close() was not called (errors are logged, not returned).
  ~McapWriter();

  // A schema, reused when (name, encoding, data) are the same as an earlier one; returns its id (>= 1).
  Result<uint16_t> add_schema(const std::string& name, const std::string& encoding, const std::string& data);
  // A channel on `topic` carrying `message_encoding` messages of `schema_id` (0: no schema); returns
  // its id. Adding the same topic again with the same schema and encoding returns the existing id.
  Result<uint16_t> add_channel(const std::string& topic, uint16_t schema_id, const std::string& message_encoding,
                               const std::map<std::string, std::string>& metadata = {});
  // The ROS 2 form: schema `type` ("sensor_msgs/msg/Image") with encoding ros2msg and `msg_definition`
  // as its data, channel encoding cdr.
  Result<uint16_t> add_channel(const std::string& topic, const std::string& type, const std::string& msg_definition,
                               const std::map<std::string, std::string>& metadata = {});

  // One message: `bytes` as they go on the wire (for ROS 2: CDR with the encapsulation header).
  // Times in nanoseconds; the sequence number counts per channel.
  Status write(uint16_t channel_id, uint64_t log_time, uint64_t publish_time, std::span<const uint8_t> bytes);

  // Flushes the last chunk, writes DataEnd, the summary and the Footer, and closes the file.
  Status close();

  uint64_t message_count() const { return statistics_.message_count; }
  const std::string& path() const { return path_; }

 private:
  McapWriter() = default;
  Status write_out(std::span<const uint8_t> bytes);  // to the file; updates the position and data CRC
  Status flush_chunk();

  std::string path_;
  McapWriterOptions options_;
  std::FILE* file_ = nullptr;
  bool closed_ = false;
  Status failed_;  // the first write error: every later call returns it
  uint64_t position_ = 0;
  Crc32 data_crc_;

  std::vector<SchemaRecord> schemas_;    // id = index + 1
  std::vector<ChannelRecord> channels_;  // id = index + 1
  std::map<uint16_t, uint32_t> sequences_;

  // The open chunk: its uncompressed records, time range and per-channel message index.
  std::vector<uint8_t> chunk_records_;
  uint64_t chunk_start_time_ = 0, chunk_end_time_ = 0;
  bool chunk_has_messages_ = false;
  std::map<uint16_t, MessageIndexRecord> chunk_index_;

  std::vector<ChunkIndexRecord> chunk_indexes_;
  StatisticsRecord statistics_;
};

}  // namespace fovea::io::mcap
