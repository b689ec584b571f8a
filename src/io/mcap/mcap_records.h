// MCAP records (https://mcap.dev/spec): the opcodes, the records fovea reads and writes as plain
// structs, and their body encoding. A record on disk is `opcode u8, length u64 LE, body`; bodies
// are little-endian integers, strings (u32 byte length + UTF-8), byte arrays (u32 or u64 length
// prefix) and maps/arrays (u32 byte length + entries).
//
// Parsing never trusts a length: every read is checked against the bytes of the record, and a
// malformed body is an error naming the record and the field ("Channel.topic: ...").
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace fovea::io::mcap {

// 0x89 'M' 'C' 'A' 'P' '0' '\r' '\n': at the start and at the end of every file.
inline constexpr uint8_t kMagic[8] = {0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
inline constexpr size_t kMagicSize = sizeof(kMagic);
inline constexpr size_t kRecordPrefixSize = 1 + 8;   // opcode + length
inline constexpr size_t kFooterBodySize = 8 + 8 + 4;  // summary_start, summary_offset_start, summary_crc

enum class Opcode : uint8_t {
  kHeader = 0x01,
  kFooter = 0x02,
  kSchema = 0x03,
  kChannel = 0x04,
  kMessage = 0x05,
  kChunk = 0x06,
  kMessageIndex = 0x07,
  kChunkIndex = 0x08,
  kAttachment = 0x09,
  kAttachmentIndex = 0x0A,
  kStatistics = 0x0B,
  kMetadata = 0x0C,
  kMetadataIndex = 0x0D,
  kSummaryOffset = 0x0E,
  kDataEnd = 0x0F,
};
const char* opcode_name(uint8_t opcode);  // "Schema", ..., "unknown"

struct HeaderRecord {
  std::string profile;  // "ros2" for rosbag2
  std::string library;
};

struct FooterRecord {
  uint64_t summary_start = 0;         // 0: no summary section
  uint64_t summary_offset_start = 0;  // 0: no summary offset section
  uint32_t summary_crc = 0;           // 0: not computed
};

struct SchemaRecord {
  uint16_t id = 0;  // 0 is reserved ("no schema")
  std::string name;      // "sensor_msgs/msg/Image"
  std::string encoding;  // "ros2msg", "ros2idl", ...
  std::vector<uint8_t> data;
};

struct ChannelRecord {
  uint16_t id = 0;
  uint16_t schema_id = 0;
  std::string topic;             // "/camera/image_raw"
  std::string message_encoding;  // "cdr"
  std::map<std::string, std::string> metadata;
};

// A Message record's fixed fields; its data is the rest of the record (not copied here).
struct MessageHeader {
  uint16_t channel_id = 0;
  uint32_t sequence = 0;
  uint64_t log_time = 0;      // ns
  uint64_t publish_time = 0;  // ns
};
inline constexpr size_t kMessageHeaderSize = 2 + 4 + 8 + 8;

// A Chunk record's fields before its records; `records_offset` is where the (compressed) records
// start inside the record body and `records_size` how many bytes they take.
struct ChunkHeader {
  uint64_t message_start_time = 0;
  uint64_t message_end_time = 0;
  uint64_t uncompressed_size = 0;
  uint32_t uncompressed_crc = 0;  // 0: not computed
  std::string compression;        // "", "lz4", "zstd"
  uint64_t records_offset = 0;
  uint64_t records_size = 0;
};

struct MessageIndexRecord {
  uint16_t channel_id = 0;
  std::vector<std::pair<uint64_t, uint64_t>> records;  // (log_time, offset in the uncompressed chunk)
};

struct ChunkIndexRecord {
  uint64_t message_start_time = 0;
  uint64_t message_end_time = 0;
  uint64_t chunk_start_offset = 0;  // file offset of the Chunk record's opcode
  uint64_t chunk_length = 0;        // the whole Chunk record, prefix included
  std::map<uint16_t, uint64_t> message_index_offsets;  // channel -> file offset of its MessageIndex
  uint64_t message_index_length = 0;
  std::string compression;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
};

struct StatisticsRecord {
  uint64_t message_count = 0;
  uint16_t schema_count = 0;
  uint32_t channel_count = 0;
  uint32_t attachment_count = 0;
  uint32_t metadata_count = 0;
  uint32_t chunk_count = 0;
  uint64_t message_start_time = 0;
  uint64_t message_end_time = 0;
  std::map<uint16_t, uint64_t> channel_message_counts;
};

struct SummaryOffsetRecord {
  uint8_t group_opcode = 0;
  uint64_t group_start = 0;
  uint64_t group_length = 0;
};

// ---- Parsing one record body (the bytes after opcode and length). ----
Result<HeaderRecord> parse_header(std::span<const uint8_t> body);
Result<FooterRecord> parse_footer(std::span<const uint8_t> body);
Result<SchemaRecord> parse_schema(std::span<const uint8_t> body);
Result<ChannelRecord> parse_channel(std::span<const uint8_t> body);
Result<MessageHeader> parse_message_header(std::span<const uint8_t> body);
// Needs only the leading fields: `body` may be cut after the compression string + records length,
// but records_size is checked against `record_length` (the whole body's length).
Result<ChunkHeader> parse_chunk_header(std::span<const uint8_t> body, uint64_t record_length);
Result<MessageIndexRecord> parse_message_index(std::span<const uint8_t> body);
Result<ChunkIndexRecord> parse_chunk_index(std::span<const uint8_t> body);
Result<StatisticsRecord> parse_statistics(std::span<const uint8_t> body);
Result<uint32_t> parse_data_end(std::span<const uint8_t> body);  // data_section_crc

// ---- Serializing: each appends a whole record (opcode, length, body) to `out`. ----
void append_header(std::vector<uint8_t>& out, const HeaderRecord& r);
void append_footer(std::vector<uint8_t>& out, const FooterRecord& r);
void append_schema(std::vector<uint8_t>& out, const SchemaRecord& r);
void append_channel(std::vector<uint8_t>& out, const ChannelRecord& r);
void append_message(std::vector<uint8_t>& out, const MessageHeader& h, std::span<const uint8_t> data);
// `records` are the chunk's (already compressed) record bytes.
void append_chunk(std::vector<uint8_t>& out, const ChunkHeader& h, std::span<const uint8_t> records);
void append_message_index(std::vector<uint8_t>& out, const MessageIndexRecord& r);
void append_chunk_index(std::vector<uint8_t>& out, const ChunkIndexRecord& r);
void append_statistics(std::vector<uint8_t>& out, const StatisticsRecord& r);
void append_summary_offset(std::vector<uint8_t>& out, const SummaryOffsetRecord& r);
void append_data_end(std::vector<uint8_t>& out, uint32_t data_section_crc);

// Little-endian loads for callers that frame records themselves.
uint16_t load_u16(const uint8_t* p);
uint32_t load_u32(const uint8_t* p);
uint64_t load_u64(const uint8_t* p);

}  // namespace fovea::io::mcap
