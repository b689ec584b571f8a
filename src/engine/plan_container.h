// The binary framing of plan files, the same in every format version (docs/plan-format.md):
//   "FOVEAPLN" | u32 format_version | u32 section_count | sections...
//   section:  char tag[4] | u64 payload_size | u64 xxh3_64(payload) | payload
// All integers little-endian. Which sections a version has is decided by engine/plan_file.cpp;
// this layer only checks bounds and checksums, before anything looks inside a payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fovea::plan_container {

inline constexpr std::string_view kMagic = "FOVEAPLN";
inline constexpr size_t kPrefixBytes = 16;         // magic, format version, section count
inline constexpr size_t kSectionHeaderBytes = 20;  // tag, payload size, checksum
// More sections than any version has means a corrupt count, not a plan.
inline constexpr uint32_t kMaxSections = 64;

struct Prefix {
  uint32_t format_version = 0;
  uint32_t section_count = 0;
};

struct SectionHeader {
  std::string tag;      // four characters, e.g. "HEAD"
  uint64_t payload_size = 0;
  uint64_t checksum = 0;
};

struct Section {
  std::string tag;
  std::span<const std::byte> payload;
};

struct Container {
  uint32_t format_version = 0;
  std::vector<Section> sections;   // payloads point into the parsed bytes
};

// XXH3 64-bit of a section payload.
uint64_t checksum(std::span<const std::byte> bytes);

// The first kPrefixBytes of a file: the magic must match and the count be sane.
Result<Prefix> parse_prefix(std::span<const std::byte> bytes);
// kSectionHeaderBytes at the start of `bytes`; the tag must be four printable ASCII characters.
Result<SectionHeader> parse_section_header(std::span<const std::byte> bytes);
Status verify_checksum(const SectionHeader& header, std::span<const std::byte> payload);

// Splits a whole plan into sections. Every size is checked against the bytes left before use,
// and the last section must end exactly at the end of `bytes`.
Result<Container> parse(std::span<const std::byte> bytes, bool verify_checksums);

// Sections as (tag, payload); tags must be four characters.
std::string write(uint32_t format_version, const std::vector<std::pair<std::string, std::string_view>>& sections);

}  // namespace fovea::plan_container
