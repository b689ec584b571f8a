#include "engine/plan_container.h"

#include <cassert>
#include <cstring>

namespace fovea::plan_container {
namespace {

uint32_t read_u32(std::span<const std::byte> b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(b[at + i]) << (8 * i);
  return v;
}

uint64_t read_u64(std::span<const std::byte> b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

void append_u32(std::string& out, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void append_u64(std::string& out, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

Result<Prefix> parse_prefix(std::span<const std::byte> bytes) {
  if (bytes.size() < kPrefixBytes)
    return invalid_argument("not a fovea plan: {} bytes is shorter than the {}-byte plan prefix (truncated file?)", bytes.size(),
                            kPrefixBytes);
  if (std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0)
    return invalid_argument("not a fovea plan: the file does not start with '{}' (an ONNX model? pass it to `fovea build`)", kMagic);
  Prefix p{read_u32(bytes, 8), read_u32(bytes, 12)};
  if (p.format_version == 0) return invalid_argument("plan format version 0 is not valid");
  if (p.section_count == 0 || p.section_count > kMaxSections)
    return invalid_argument("plan section count {} is out of range [1, {}] (corrupt file?)", p.section_count, kMaxSections);
  return p;
}

Result<SectionHeader> parse_section_header(std::span<const std::byte> bytes) {
  if (bytes.size() < kSectionHeaderBytes)
    return invalid_argument("section header needs {} bytes, {} left (truncated file?)", kSectionHeaderBytes, bytes.size());
  SectionHeader h;
  for (size_t i = 0; i < 4; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x21 || c > 0x7e) return invalid_argument("section tag byte {} is 0x{:02x}, not a printable character (corrupt file?)", i, c);
    h.tag.push_back(static_cast<char>(c));
  }
  h.payload_size = read_u64(bytes, 4);
  h.checksum = read_u64(bytes, 12);
  return h;
}

Status verify_checksum(const SectionHeader& header, std::span<const std::byte> payload) {
  const uint64_t actual = checksum(payload);
  if (actual != header.checksum)
    return invalid_argument("section '{}' is corrupt: its checksum is {:016x}, the file records {:016x}", header.tag, actual,
                            header.checksum);
  return Status::ok();
}

Result<Container> parse(std::span<const std::byte> bytes, bool verify_checksums) {
  FOVEA_ASSIGN_OR_RETURN(Prefix prefix, parse_prefix(bytes));
  Container c;
  c.format_version = prefix.format_version;
  size_t at = kPrefixBytes;
  for (uint32_t i = 0; i < prefix.section_count; ++i) {
    auto header = parse_section_header(bytes.subspan(at));
    if (!header.is_ok()) return header.status().with_context(fmt::format("section {} of {}", i + 1, prefix.section_count));
    at += kSectionHeaderBytes;
    const size_t left = bytes.size() - at;
    if (header->payload_size > left)
      return invalid_argument("section '{}' claims {} bytes but only {} are left in the file (truncated file?)", header->tag,
                              header->payload_size, left);
    const auto payload = bytes.subspan(at, static_cast<size_t>(header->payload_size));
    if (verify_checksums) FOVEA_RETURN_IF_ERROR(verify_checksum(*header, payload));
    c.sections.push_back({header->tag, payload});
    at += payload.size();
  }
  if (at != bytes.size())
    return invalid_argument("{} bytes follow the last of the {} sections (corrupt section count or size?)", bytes.size() - at,
                            prefix.section_count);
  return c;
}

std::string write(uint32_t format_version, const std::vector<std::pair<std::string, std::string_view>>& sections) {
  size_t total = kPrefixBytes;
  for (const auto& [tag, payload] : sections) total += kSectionHeaderBytes + payload.size();
  std::string out;
  out.reserve(total);
  out.append(kMagic);
  append_u32(out, format_version);
  append_u32(out, static_cast<uint32_t>(sections.size()));
  for (const auto& [tag, payload] : sections) {
    assert(tag.size() == 4 && "plan section tags are four characters");
    out.append(tag);
    append_u64(out, payload.size());
    append_u64(out, checksum(std::as_bytes(std::span(payload.data(), payload.size()))));
    out.append(payload);
  }
  return out;
}

}  // namespace fovea::plan_container
