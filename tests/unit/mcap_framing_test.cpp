// MCAP record framing, byte for byte: a tiny file written by McapWriter against the bytes worked
// out by hand from the specification (https://mcap.dev/spec), and hand-made files read back.
// CRC fields use Crc32, itself checked against the CRC-32 check value of the standard.
#include <gtest/gtest.h>

#include <cstring>

#include "io/mcap/mcap_crc32.h"
#include "mcap_test_files.h"

namespace fovea::io::mcap {
namespace {

// The test's own little-endian byte builder (independent of mcap_records.cpp).
struct Bytes {
  std::vector<uint8_t> b;
  Bytes& u8(uint8_t v) { b.push_back(v); return *this; }
  Bytes& u16(uint16_t v) { return le(v, 2); }
  Bytes& u32(uint32_t v) { return le(v, 4); }
  Bytes& u64(uint64_t v) { return le(v, 8); }
  Bytes& str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& raw(const std::vector<uint8_t>& v) {
    b.insert(b.end(), v.begin(), v.end());
    return *this;
  }
  Bytes& le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  size_t size() const { return b.size(); }
};

const std::vector<uint8_t> kMagicBytes = {0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

TEST(McapCrc32, StandardCheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32_of(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size())), 0xCBF43926u);
  // Incremental and slicing paths agree with the one-shot value on odd splits.
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  Crc32 c;
  c.update(std::span<const uint8_t>(data).first(3));
  c.update(std::span<const uint8_t>(data).subspan(3, 500));
  c.update(std::span<const uint8_t>(data).subspan(503));
  uint32_t bitwise = 0xFFFFFFFFu;  // the textbook bit-at-a-time definition
  for (uint8_t byte : data) {
    bitwise ^= byte;
    for (int k = 0; k < 8; ++k) bitwise = (bitwise & 1) ? (bitwise >> 1) ^ 0xEDB88320u : bitwise >> 1;
  }
  EXPECT_EQ(c.value(), ~bitwise);
  EXPECT_EQ(crc32_of(data), ~bitwise);
}

// The whole file for: profile "ros2", library "t", no compression; schema p/msg/T ("int8 x\n"),
// channel /t (cdr, no metadata); one message (log 5, publish 6, data AA BB).
std::vector<uint8_t> expected_tiny_file() {
  Bytes schema;
  schema.u8(0x03).u64(35).u16(1).str("p/msg/T").str("ros2msg").str("int8 x\n");
  Bytes channel;
  channel.u8(0x04).u64(21).u16(1).u16(1).str("/t").str("cdr").u32(0);
  Bytes records;
  records.raw(schema.b).raw(channel.b);
  EXPECT_EQ(records.size(), 74u);  // the message record starts at chunk offset 74
  records.u8(0x05).u64(24).u16(1).u32(0).u64(5).u64(6).u8(0xAA).u8(0xBB);
  EXPECT_EQ(records.size(), 107u);

  Bytes f;
  f.raw(kMagicBytes);
  f.u8(0x01).u64(13).str("ros2").str("t");
  EXPECT_EQ(f.size(), 30u);
  f.u8(0x06).u64(147).u64(5).u64(5).u64(107).u32(crc32_of(records.b)).str("").u64(107).raw(records.b);
  EXPECT_EQ(f.size(), 186u);
  f.u8(0x07).u64(22).u16(1).u32(16).u64(5).u64(74);
  EXPECT_EQ(f.size(), 217u);
  const uint32_t data_crc = crc32_of(f.b);  // everything before the DataEnd record
  f.u8(0x0F).u64(4).u32(data_crc);
  EXPECT_EQ(f.size(), 230u);
  // Summary: Schema, Channel, Statistics, ChunkIndex.
  f.raw(schema.b).raw(channel.b);
  EXPECT_EQ(f.size(), 304u);
  f.u8(0x0B).u64(56).u64(1).u16(1).u32(1).u32(0).u32(0).u32(1).u64(5).u64(5).u32(10).u16(1).u64(1);
  EXPECT_EQ(f.size(), 369u);
  f.u8(0x08).u64(74).u64(5).u64(5).u64(30).u64(156).u32(10).u16(1).u64(186).u64(31).str("").u64(107).u64(107);
  EXPECT_EQ(f.size(), 452u);
  // Summary offsets: (group opcode, start, length).
  f.u8(0x0E).u64(17).u8(0x03).u64(230).u64(44);
  f.u8(0x0E).u64(17).u8(0x04).u64(274).u64(30);
  f.u8(0x0E).u64(17).u8(0x0B).u64(304).u64(65);
  f.u8(0x0E).u64(17).u8(0x08).u64(369).u64(83);
  EXPECT_EQ(f.size(), 556u);
  f.u8(0x02).u64(20).u64(230).u64(452);
  f.u32(crc32_of(std::span<const uint8_t>(f.b).subspan(230)));  // summary start .. summary_offset_start field
  f.raw(kMagicBytes);
  EXPECT_EQ(f.size(), 593u);
  return f.b;
}

class McapFraming : public McapTempDir {};

TEST_F(McapFraming, TinyFileIsByteExact) {
  McapWriterOptions o;
  o.compression = Compression::kNone;
  o.library = "t";
  auto w = McapWriter::open(path("tiny.mcap"), o);
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  auto ch = (*w)->add_channel("/t", "p/msg/T", "int8 x\n");
  ASSERT_TRUE(ch.is_ok()) << ch.status().message();
  EXPECT_EQ(*ch, 1);
  const std::vector<uint8_t> data = {0xAA, 0xBB};
  ASSERT_TRUE((*w)->write(*ch, 5, 6, data).is_ok());
  ASSERT_TRUE((*w)->close().is_ok());
  const std::vector<uint8_t> got = read_bytes(path("tiny.mcap"));
  const std::vector<uint8_t> want = expected_tiny_file();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "first difference at byte " << i;
}

TEST_F(McapFraming, HandMadeFileReads) {
  auto r = McapReader::open_memory(expected_tiny_file());
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE((*r)->indexed());
  EXPECT_EQ((*r)->header().library, "t");
  auto m = (*r)->next();
  ASSERT_TRUE(m.is_ok() && m->has_value());
  EXPECT_EQ((*m)->channel->topic, "/t");
  EXPECT_EQ((*m)->schema->name, "p/msg/T");
  EXPECT_EQ((*m)->header.sequence, 0u);
  EXPECT_EQ((*m)->header.log_time, 5u);
  EXPECT_EQ((*m)->header.publish_time, 6u);
  EXPECT_EQ(std::vector<uint8_t>((*m)->data.begin(), (*m)->data.end()), (std::vector<uint8_t>{0xAA, 0xBB}));
  EXPECT_FALSE((*r)->next()->has_value());
  EXPECT_EQ((*r)->stats().dropped(), 0u);
}

// Unchunked: records straight in the data section, no summary, no CRCs (all 0), and records the
// reader must skip (an Attachment, Metadata, an unknown opcode) between them.
TEST_F(McapFraming, UnchunkedFileWithoutSummaryReads) {
  Bytes f;
  f.raw(kMagicBytes);
  f.u8(0x01).u64(8).str("").str("");
  f.u8(0x03).u64(2 + 4 + 1 + 4 + 0 + 4 + 0).u16(7).str("S").str("").u32(0);
  f.u8(0x04).u64(2 + 2 + (4 + 2) + (4 + 4) + 4 + (4 + 1) + (4 + 1)).u16(3).u16(7).str("/x").str("json");
  f.u32(10).str("k").str("v");
  f.u8(0x05).u64(22 + 3).u16(3).u32(9).u64(200).u64(201).u8('a').u8('b').u8('c');
  f.u8(0x09).u64(8 + 8 + 4 + 4 + 8 + 4).u64(0).u64(0).str("").str("").u64(0).u32(0);  // Attachment
  f.u8(0x0C).u64(4 + 4).str("").u32(0);                                              // Metadata
  f.u8(0x42).u64(3).u8(1).u8(2).u8(3);                                               // unknown opcode
  f.u8(0x05).u64(22).u16(3).u32(10).u64(100).u64(100);                               // earlier, empty
  f.u8(0x0F).u64(4).u32(0);
  f.u8(0x02).u64(20).u64(0).u64(0).u32(0);
  f.raw(kMagicBytes);
  auto r = McapReader::open_memory(f.b);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE((*r)->indexed());
  EXPECT_EQ((*r)->channels().at(3).metadata.at("k"), "v");
  auto all = read_all(**r);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].log_time, 100u);
  EXPECT_TRUE(all[0].data.empty());
  EXPECT_EQ(all[1].log_time, 200u);
  EXPECT_EQ(all[1].data, (std::vector<uint8_t>{'a', 'b', 'c'}));
  EXPECT_EQ((*r)->stats().dropped(), 0u);
  EXPECT_FALSE((*r)->stats().truncated);
}

}  // namespace
}  // namespace fovea::io::mcap
