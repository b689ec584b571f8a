// Damaged MCAP files: bad magic, truncation at every length, chunk CRC mismatches, lengths past the
// end, absurd sizes, unknown or undecodable compression, a damaged summary, messages on unknown
// channels, and random byte flips. Each is an error at open or a counted skip; never a crash, and
// the undamaged parts still read.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "io/mcap/mcap_compression.h"
#include "mcap_test_files.h"

namespace fovea::io::mcap {
namespace {

class McapCorrupt : public McapTempDir {
 protected:
  std::vector<uint8_t> bag(Compression c, int messages = 40) {
    const std::string p = path("bag.mcap");
    EXPECT_TRUE(write_sample_bag(p, c, sample_messages(messages)));
    return read_bytes(p);
  }
};

struct TopRecord {
  uint8_t op;
  size_t offset;
  uint64_t length;
};

// The data section's top-level records, up to and including DataEnd.
std::vector<TopRecord> top_records(const std::vector<uint8_t>& f) {
  std::vector<TopRecord> out;
  size_t pos = 8;
  while (pos + 9 <= f.size()) {
    TopRecord r{f[pos], pos, load_u64(&f[pos + 1])};
    out.push_back(r);
    if (r.op == 0x0F) break;
    pos += 9 + r.length;
  }
  return out;
}

std::vector<TopRecord> chunks_of(const std::vector<uint8_t>& f) {
  std::vector<TopRecord> out;
  for (const TopRecord& r : top_records(f))
    if (r.op == 0x06) out.push_back(r);
  return out;
}

// Where an (uncompressed-size, crc, compression, records) field of the chunk at `c` sits.
size_t chunk_uncompressed_size_at(const TopRecord& c) { return c.offset + 9 + 16; }
size_t chunk_crc_at(const TopRecord& c) { return c.offset + 9 + 24; }
size_t chunk_compression_at(const TopRecord& c) { return c.offset + 9 + 28; }  // its u32 length
size_t chunk_records_at(const std::vector<uint8_t>& f, const TopRecord& c) {
  const size_t at = chunk_compression_at(c);
  return at + 4 + load_u32(&f[at]) + 8;
}

int messages_in_uncompressed_chunk(const std::vector<uint8_t>& f, const TopRecord& c) {
  size_t pos = chunk_records_at(f, c);
  const size_t end = c.offset + 9 + c.length;
  int n = 0;
  while (pos < end) {
    n += f[pos] == 0x05;
    pos += 9 + load_u64(&f[pos + 1]);
  }
  return n;
}

void put_u64(std::vector<uint8_t>& f, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) f[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u32(std::vector<uint8_t>& f, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) f[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Every message read must be one of the bag's, unchanged.
void expect_subset(const std::vector<SampleMessage>& got, const std::vector<SampleMessage>& all) {
  for (const SampleMessage& m : got) {
    const bool found = std::any_of(all.begin(), all.end(), [&](const SampleMessage& a) {
      return a.topic == m.topic && a.log_time == m.log_time && a.data == m.data;
    });
    EXPECT_TRUE(found) << "a message that was never written: " << m.topic << " @" << m.log_time;
  }
}

TEST_F(McapCorrupt, NotMcapIsAnErrorAtOpen) {
  std::vector<uint8_t> f = bag(Compression::kNone);
  std::vector<uint8_t> bad = f;
  bad[1] = 'X';
  auto r = McapReader::open_memory(bad);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("bad magic"), std::string::npos) << r.status().message();
  EXPECT_FALSE(McapReader::open_memory({}).is_ok());
  EXPECT_FALSE(McapReader::open_memory(std::vector<uint8_t>(f.begin(), f.begin() + 12)).is_ok());
  bad = f;
  bad[8] = 0x05;  // first record is not a Header
  EXPECT_NE(McapReader::open_memory(bad).status().message().find("not a Header"), std::string::npos);
  bad = f;
  put_u64(bad, 9, uint64_t{1} << 62);  // Header length past the end
  EXPECT_FALSE(McapReader::open_memory(bad).is_ok());
  EXPECT_EQ(McapReader::open(path("missing.mcap")).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(McapReader::open(dir_.string()).is_ok());  // a folder
}

TEST_F(McapCorrupt, TruncatedAtEveryLength) {
  const auto all = sample_messages(12);
  ASSERT_TRUE(write_sample_bag(path("bag.mcap"), Compression::kNone, all, 512));
  const std::vector<uint8_t> f = read_bytes(path("bag.mcap"));
  const auto chunks = chunks_of(f);
  ASSERT_GE(chunks.size(), 3u);
  for (size_t n = 0; n < f.size(); ++n) {
    auto r = McapReader::open_memory(std::vector<uint8_t>(f.begin(), f.begin() + static_cast<ptrdiff_t>(n)));
    if (!r.is_ok()) {
      EXPECT_LT(n, chunks[0].offset) << "only a cut inside the Header may fail to open";
      continue;
    }
    const auto got = read_all(**r);
    expect_subset(got, all);
    if (n > chunks[1].offset && n < chunks[2].offset) {  // inside the second chunk or its indexes
      EXPECT_EQ(static_cast<int>(got.size()), messages_in_uncompressed_chunk(f, chunks[0]) +
                                                  (n >= chunks[1].offset + 9 + chunks[1].length ? messages_in_uncompressed_chunk(f, chunks[1]) : 0))
          << n;
    }
    if (n < f.size() - 8 && n > chunks[0].offset) {
      EXPECT_TRUE((*r)->stats().truncated || !(*r)->indexed()) << n;
    }
  }
}

TEST_F(McapCorrupt, ChunkCrcMismatchSkipsThatChunkOnly) {
  std::vector<uint8_t> f = bag(Compression::kNone);
  const auto chunks = chunks_of(f);
  ASSERT_GE(chunks.size(), 3u);
  f[chunks[1].offset + 9 + chunks[1].length - 1] ^= 0x55;  // last byte of a message's data
  auto r = McapReader::open_memory(f);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto got = read_all(**r);
  expect_subset(got, sample_messages());
  EXPECT_EQ(static_cast<int>(got.size()), 40 - messages_in_uncompressed_chunk(f, chunks[1]));
  EXPECT_EQ((*r)->stats().chunk_crc_mismatches, 1u);
  EXPECT_EQ((*r)->stats().skipped_chunks, 1u);
  EXPECT_TRUE((*r)->stats().data_crc_mismatch);

  McapReaderOptions no_data_crc;
  no_data_crc.verify_data_crc = false;
  auto quick = McapReader::open_memory(f, no_data_crc);
  ASSERT_TRUE(quick.is_ok());
  EXPECT_FALSE((*quick)->stats().data_crc_mismatch);
}

TEST_F(McapCorrupt, RecordLengthPastTheEndOfItsChunk) {
  std::vector<uint8_t> f = bag(Compression::kNone);
  const auto chunks = chunks_of(f);
  // The first chunk holds Schema, Channel, Schema, Channel, then messages: make the first message
  // claim far more bytes than the chunk has, and drop the CRC so the records are parsed.
  size_t pos = chunk_records_at(f, chunks[0]);
  while (f[pos] != 0x05) pos += 9 + load_u64(&f[pos + 1]);
  put_u64(f, pos + 1, uint64_t{1} << 40);
  put_u32(f, chunk_crc_at(chunks[0]), 0);
  McapReaderOptions o;
  o.verify_data_crc = false;
  auto r = McapReader::open_memory(f, o);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto got = read_all(**r);
  expect_subset(got, sample_messages());
  EXPECT_EQ(static_cast<int>(got.size()), 40 - messages_in_uncompressed_chunk(bag(Compression::kNone), chunks[0]));
  EXPECT_EQ((*r)->stats().malformed_records, 1u);
  EXPECT_EQ((*r)->channels().size(), 2u);  // the records before it were read
}

TEST_F(McapCorrupt, AbsurdChunkSizesAreSkipped) {
  if (!compression_available(Compression::kZstd)) GTEST_SKIP() << "zstd not built in";
  std::vector<uint8_t> f = bag(Compression::kZstd);
  const auto chunks = chunks_of(f);
  put_u64(f, chunk_uncompressed_size_at(chunks[1]), uint64_t{1} << 62);
  auto r = McapReader::open_memory(f);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const auto got = read_all(**r);
  expect_subset(got, sample_messages());
  EXPECT_LT(got.size(), 40u);
  EXPECT_EQ((*r)->stats().oversized_chunks, 1u);

  // A limit below every chunk: all are skipped, nothing is allocated for them.
  McapReaderOptions tiny;
  tiny.max_chunk_bytes = 64;
  auto t = McapReader::open_memory(bag(Compression::kZstd), tiny);
  ASSERT_TRUE(t.is_ok());
  EXPECT_TRUE(read_all(**t).empty());
  EXPECT_EQ((*t)->stats().oversized_chunks, chunks.size());
}

TEST_F(McapCorrupt, UnknownAndUndecodableCompression) {
  if (!compression_available(Compression::kZstd)) GTEST_SKIP() << "zstd not built in";
  std::vector<uint8_t> f = bag(Compression::kZstd);
  const auto chunks = chunks_of(f);
  for (const TopRecord& c : chunks) {
    const size_t at = chunk_compression_at(c) + 4;
    ASSERT_EQ(std::string(f.begin() + static_cast<ptrdiff_t>(at), f.begin() + static_cast<ptrdiff_t>(at) + 4), "zstd");
    f[at + 1] = 'x';  // "zxtd"
  }
  auto r = McapReader::open_memory(f);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(read_all(**r).empty());
  EXPECT_EQ((*r)->stats().unknown_compression_chunks, chunks.size());

  std::vector<uint8_t> g = bag(Compression::kZstd);
  const size_t records = chunk_records_at(g, chunks[0]);
  for (size_t i = records + 4; i < records + 40; ++i) g[i] ^= 0xA5;  // garbage inside the zstd frame
  auto s = McapReader::open_memory(g);
  ASSERT_TRUE(s.is_ok());
  const auto got = read_all(**s);
  expect_subset(got, sample_messages());
  EXPECT_LT(got.size(), 40u);
  EXPECT_EQ((*s)->stats().skipped_chunks, 1u);
  EXPECT_EQ((*s)->stats().undecodable_chunks + (*s)->stats().chunk_crc_mismatches, 1u);
}

TEST_F(McapCorrupt, DamagedSummaryFallsBackToTheLinearScan) {
  const std::vector<uint8_t> good = bag(Compression::kNone);
  const uint64_t summary_start = load_u64(&good[good.size() - 8 - 20]);
  std::vector<uint8_t> f = good;
  f[summary_start + 20] ^= 0x01;  // inside the first summary Schema: the summary CRC no longer matches
  auto r = McapReader::open_memory(f);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE((*r)->stats().summary_unusable);
  EXPECT_FALSE((*r)->indexed());
  EXPECT_EQ(read_all(**r).size(), 40u);

  f = good;
  put_u64(f, f.size() - 8 - 20, f.size() * 2);  // summary_start past the end
  put_u32(f, f.size() - 8 - 4, 0);
  auto s = McapReader::open_memory(f);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE((*s)->stats().summary_unusable);
  EXPECT_EQ(read_all(**s).size(), 40u);

  f = good;
  put_u64(f, summary_start + 1, uint64_t{1} << 60);  // a summary record of absurd length
  put_u32(f, f.size() - 8 - 4, 0);                   // (no summary CRC to catch it)
  auto t = McapReader::open_memory(f);
  ASSERT_TRUE(t.is_ok());
  EXPECT_TRUE((*t)->stats().summary_unusable);
  EXPECT_EQ(read_all(**t).size(), 40u);
}

TEST_F(McapCorrupt, MessageOnAnUnknownChannelIsCounted) {
  std::vector<uint8_t> f = bag(Compression::kNone);
  const auto chunks = chunks_of(f);
  size_t pos = chunk_records_at(f, chunks[1]);
  ASSERT_EQ(f[pos], 0x05);
  f[pos + 9] = 0x09;  // channel 9
  put_u32(f, chunk_crc_at(chunks[1]), 0);
  McapReaderOptions o;
  o.verify_data_crc = false;
  auto r = McapReader::open_memory(f, o);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(read_all(**r).size(), 39u);
  EXPECT_EQ((*r)->stats().messages_unknown_channel, 1u);
}

TEST_F(McapCorrupt, RandomByteFlipsNeverCrash) {
  std::mt19937 rng(1234);
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    if (!compression_available(c)) continue;
    const auto all = sample_messages(10);
    ASSERT_TRUE(write_sample_bag(path("small.mcap"), c, all, 400));
    const std::vector<uint8_t> f = read_bytes(path("small.mcap"));
    for (int trial = 0; trial < 600; ++trial) {
      std::vector<uint8_t> g = f;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) g[8 + rng() % (g.size() - 8)] = static_cast<uint8_t>(rng());
      if (trial % 5 == 0) g.resize(8 + rng() % (g.size() - 8));
      auto r = McapReader::open_memory(g);
      if (!r.is_ok()) continue;
      const auto got = read_all(**r);
      EXPECT_LE(got.size(), 10u * 2);  // a flipped byte may duplicate nothing beyond the written ones
    }
  }
}

}  // namespace
}  // namespace fovea::io::mcap
