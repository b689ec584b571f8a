#include "engine/plan_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/model_import.h"
#include "engine/plan_container.h"
#include "engine/plan_sections.h"
#include "ir/onnx/onnx_exporter.h"

namespace fovea {
namespace {

namespace fs = std::filesystem;

// Format version 1: these sections, in this order, each exactly once.
constexpr std::array<const char*, 4> kSectionTags = {"HEAD", "GRPH", "TACT", "MEMR"};
// The header is a few hundred bytes of JSON; anything this large is corruption.
constexpr uint64_t kMaxHeaderBytes = 1 << 20;

std::string_view as_text(std::span<const std::byte> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

Result<PlanHeader> parse_header_section(const plan_container::Section& s, uint32_t format_version) {
  if (s.tag != kSectionTags[0])
    return invalid_argument("the first section is '{}'; a plan starts with its '{}' section", s.tag, kSectionTags[0]);
  if (s.payload.size() > kMaxHeaderBytes)
    return invalid_argument("the header section has {} bytes, more than the {} a header can have", s.payload.size(), kMaxHeaderBytes);
  return plan_sections::header_from_json(as_text(s.payload), format_version);
}

Status unsupported_format(const PlanHeader& header, const std::string& source_name) {
  return unsupported("plan format version {} is not supported: this fovea ({}) reads version {}. Rebuild it with: {}",
                     header.format_version, FOVEA_VERSION, kPlanFormatVersion, plan_rebuild_command(header, source_name));
}

Result<Plan> parse_sections(const plan_container::Container& c, const std::string& source_name) {
  Plan plan;
  FOVEA_ASSIGN_OR_RETURN(plan.header, parse_header_section(c.sections[0], c.format_version));
  if (c.format_version != kPlanFormatVersion) return unsupported_format(plan.header, source_name);
  if (c.sections.size() != kSectionTags.size())
    return invalid_argument("the plan has {} sections; format version {} has {}", c.sections.size(), kPlanFormatVersion,
                            kSectionTags.size());
  for (size_t i = 0; i < kSectionTags.size(); ++i)
    if (c.sections[i].tag != kSectionTags[i])
      return invalid_argument("section {} is '{}'; format version {} has '{}' there", i + 1, c.sections[i].tag,
                              kPlanFormatVersion, kSectionTags[i]);

  // The graph goes through the ONNX importer, op checks and shape inference, as a model does.
  auto graph = load_onnx_model_from_bytes(c.sections[1].payload);
  if (!graph.is_ok()) return graph.status().with_context("graph section");
  plan.graph = std::move(graph).value();

  FOVEA_ASSIGN_OR_RETURN(plan.tactics, plan_sections::tactics_from_json(as_text(c.sections[2].payload)));
  std::map<std::string, const Node*> nodes;
  for (const auto& n : plan.graph.nodes()) nodes.emplace(n->name, n.get());
  for (const auto& [node, tactic] : plan.tactics)
    if (!nodes.contains(node))
      return invalid_argument("tactics section: tactic '{}' is for node '{}', which is not in the graph", tactic.name, node);

  plan.memory_report.assign(as_text(c.sections[3].payload));
  return plan;
}

Result<std::string> read_whole_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return not_found("'{}' is not a readable file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '{}'", path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return io_error("reading '{}' failed", path);
  return data;
}

// Reads exactly `size` bytes at `offset`, or an error saying the file is too short.
Result<std::string> read_range(std::ifstream& in, const std::string& path, uint64_t offset, uint64_t size) {
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (!in) return io_error("reading {} bytes at offset {} of '{}' failed", size, offset, path);
  return data;
}

Status write_all(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("writing '{}' failed: {}", path, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

}  // namespace

Result<std::string> serialize_plan(const Plan& plan) {
  if (plan.header.format_version != kPlanFormatVersion)
    return invalid_argument("this fovea writes plan format version {}, not {}", kPlanFormatVersion, plan.header.format_version);
  for (const auto& [node, tactic] : plan.tactics) {
    bool found = false;
    for (const auto& n : plan.graph.nodes()) found |= n->name == node;
    if (!found) return invalid_argument("tactic '{}' is for node '{}', which is not in the plan's graph", tactic.name, node);
  }
  auto graph = export_onnx_model(plan.graph);
  if (!graph.is_ok()) return graph.status().with_context("plan graph");
  const std::string header = plan_sections::header_to_json(plan.header);
  const std::string tactics = plan_sections::tactics_to_json(plan.tactics);
  return plan_container::write(kPlanFormatVersion, {{kSectionTags[0], header},
                                                    {kSectionTags[1], *graph},
                                                    {kSectionTags[2], tactics},
                                                    {kSectionTags[3], plan.memory_report}});
}

Result<Plan> parse_plan(std::span<const std::byte> bytes, const std::string& source_name, const PlanParseOptions& options) {
  auto container = plan_container::parse(bytes, options.verify_checksums);
  if (!container.is_ok()) return container.status().with_context(source_name);
  auto plan = parse_sections(*container, source_name);
  if (!plan.is_ok()) return plan.status().with_context(source_name);
  return plan;
}

Result<Plan> parse_plan(std::span<const std::byte> bytes, const std::string& source_name) {
  return parse_plan(bytes, source_name, PlanParseOptions{});
}

Status write_plan_file(const std::string& path, const Plan& plan) {
  auto bytes = serialize_plan(plan);
  if (!bytes.is_ok()) return bytes.status().with_context(path);
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create '{}': {}", tmp, std::strerror(errno));
  Status s = write_all(fd, *bytes, tmp);
  if (s.is_ok() && ::fsync(fd) != 0) s = io_error("flushing '{}' failed: {}", tmp, std::strerror(errno));
  if (::close(fd) != 0 && s.is_ok()) s = io_error("closing '{}' failed: {}", tmp, std::strerror(errno));
  std::error_code ec;
  if (s.is_ok()) {
    fs::rename(tmp, path, ec);
    if (ec) s = io_error("cannot rename '{}' to '{}': {}", tmp, path, ec.message());
  }
  if (!s.is_ok()) fs::remove(tmp, ec);
  return s;
}

Result<Plan> read_plan_file(const std::string& path) {
  FOVEA_ASSIGN_OR_RETURN(std::string data, read_whole_file(path));
  return parse_plan(std::as_bytes(std::span(data.data(), data.size())), path);
}

Result<PlanHeader> read_plan_header(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return not_found("'{}' is not a readable file", path);
  const uint64_t file_size = fs::file_size(path, ec);
  if (ec) return io_error("cannot get the size of '{}': {}", path, ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '{}'", path);
  auto fail = [&](const Status& s) { return s.with_context(path); };

  const uint64_t prefix_size = std::min<uint64_t>(file_size, plan_container::kPrefixBytes + plan_container::kSectionHeaderBytes);
  FOVEA_ASSIGN_OR_RETURN(std::string head, read_range(in, path, 0, prefix_size));
  const auto head_bytes = std::as_bytes(std::span(head.data(), head.size()));
  auto prefix = plan_container::parse_prefix(head_bytes);
  if (!prefix.is_ok()) return fail(prefix.status());
  auto section = plan_container::parse_section_header(head_bytes.subspan(std::min(head_bytes.size(), plan_container::kPrefixBytes)));
  if (!section.is_ok()) return fail(section.status().with_context("section 1"));
  const uint64_t left = file_size - prefix_size;
  if (section->payload_size > left || section->payload_size > kMaxHeaderBytes)
    return fail(invalid_argument("the header section claims {} bytes; the file has {} left (truncated or corrupt file?)",
                                 section->payload_size, left));
  FOVEA_ASSIGN_OR_RETURN(std::string payload, read_range(in, path, prefix_size, section->payload_size));
  const auto payload_bytes = std::as_bytes(std::span(payload.data(), payload.size()));
  Status checked = plan_container::verify_checksum(*section, payload_bytes);
  if (!checked.is_ok()) return fail(checked);
  auto header = parse_header_section({section->tag, payload_bytes}, prefix->format_version);
  if (!header.is_ok()) return fail(header.status());
  return header;
}

}  // namespace fovea
