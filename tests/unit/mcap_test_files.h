// Shared by the MCAP tests: a per-test temporary folder, file bytes in and out, and a small sample
// bag (two topics, several chunks, log times out of order) with the messages it holds.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/mcap/mcap_reader.h"
#include "io/mcap/mcap_writer.h"

namespace fovea::io::mcap {

class McapTempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("fovea_mcap_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static void write_bytes(const std::string& p, const std::vector<uint8_t>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  static std::vector<uint8_t> read_bytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::path dir_;
};

struct SampleMessage {
  std::string topic;
  uint64_t log_time = 0;
  std::vector<uint8_t> data;
};

// Messages of the sample bag in the order they are written: /a and /b interleaved, log times not
// monotonic (so the reader has to merge), payload sizes 1..~300 bytes.
inline std::vector<SampleMessage> sample_messages(int count = 40) {
  std::vector<SampleMessage> out;
  for (int i = 0; i < count; ++i) {
    std::vector<uint8_t> data(1 + static_cast<size_t>((i * 53) % 300));
    for (size_t k = 0; k < data.size(); ++k) data[k] = static_cast<uint8_t>(i * 31 + k);
    // log times: a permutation of `count` distinct values (37 is prime to 40 and smaller counts used)
    out.push_back(SampleMessage{std::string(i % 3 == 0 ? "/b" : "/a"), 1000 + static_cast<uint64_t>((i * 37) % count) * 10,
                                std::move(data)});
  }
  return out;
}

// Writes the sample bag; small chunks so it has several. Returns false (with a test failure) on error.
inline bool write_sample_bag(const std::string& path, Compression compression, const std::vector<SampleMessage>& messages,
                             uint64_t chunk_size = 1024) {
  McapWriterOptions o;
  o.compression = compression;
  o.chunk_size = chunk_size;
  auto w = McapWriter::open(path, o);
  EXPECT_TRUE(w.is_ok()) << w.status().message();
  if (!w.is_ok()) return false;
  auto a = (*w)->add_channel("/a", "test_msgs/msg/A", "uint8[] data\n", {{"offered_qos_profiles", ""}});
  auto b = (*w)->add_channel("/b", "test_msgs/msg/B", "uint8[] data\n");
  EXPECT_TRUE(a.is_ok() && b.is_ok());
  if (!a.is_ok() || !b.is_ok()) return false;
  for (const SampleMessage& m : messages) {
    Status s = (*w)->write(m.topic == "/a" ? *a : *b, m.log_time, m.log_time + 1, m.data);
    EXPECT_TRUE(s.is_ok()) << s.message();
    if (!s.is_ok()) return false;
  }
  Status s = (*w)->close();
  EXPECT_TRUE(s.is_ok()) << s.message();
  return s.is_ok();
}

// Every message the reader yields, in order.
inline std::vector<SampleMessage> read_all(McapReader& reader) {
  std::vector<SampleMessage> out;
  for (;;) {
    auto m = reader.next();
    EXPECT_TRUE(m.is_ok()) << m.status().message();
    if (!m.is_ok() || !m->has_value()) break;
    out.push_back(SampleMessage{(*m)->channel->topic, (*m)->header.log_time, std::vector<uint8_t>((*m)->data.begin(), (*m)->data.end())});
  }
  return out;
}

}  // namespace fovea::io::mcap
