#include "engine/timing_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/logging.h"

namespace fovea {
namespace {

using nlohmann::json;

constexpr const char* kFormatName = "fovea timing cache";
constexpr int kFormatVersion = 1;
// Far above any real cache (a few hundred bytes per layer); refuses to slurp a wrong, huge file.
constexpr uintmax_t kMaxFileBytes = uintmax_t{256} << 20;

// One entry from its JSON object, or an error naming the source and the layer.
Result<TimingCacheEntry> parse_entry(const json& j, const std::string& layer, const std::string& source) {
  auto bad = [&](const char* what) {
    return invalid_argument("timing cache '{}': entry '{}': {}; delete the file to rebuild it", source, layer, what);
  };
  if (!j.is_object()) return bad("is not an object");
  const auto tactic = j.find("tactic"), id = j.find("tactic_id"), ws = j.find("workspace_bytes"),
             ms = j.find("milliseconds");
  if (tactic == j.end() || !tactic->is_string()) return bad("'tactic' is missing or not a string");
  if (id == j.end() || !id->is_number_integer()) return bad("'tactic_id' is missing or not an integer");
  if (ws == j.end() || !ws->is_number_unsigned()) return bad("'workspace_bytes' is missing or not a non-negative integer");
  if (ms == j.end() || !ms->is_number()) return bad("'milliseconds' is missing or not a number");
  TimingCacheEntry e;
  e.tactic.name = tactic->get<std::string>();
  e.tactic.id = id->get<int64_t>();
  e.tactic.workspace_bytes = ws->get<size_t>();
  e.milliseconds = ms->get<double>();
  if (!std::isfinite(e.milliseconds) || e.milliseconds < 0) return bad("'milliseconds' is negative or not finite");
  return e;
}

}  // namespace

TimingCache::TimingCache(std::string environment_key) : environment_key_(std::move(environment_key)) {}

const TimingCacheEntry* TimingCache::find(const std::string& layer_key) const {
  auto it = entries_.find(layer_key);
  if (it == entries_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  return &it->second;
}

void TimingCache::insert(const std::string& layer_key, TimingCacheEntry entry) {
  entries_[layer_key] = std::move(entry);
}

std::string TimingCache::to_json() const {
  json entries = json::object();
  for (const auto& [key, e] : entries_)
    entries[key] = {{"tactic", e.tactic.name},
                    {"tactic_id", e.tactic.id},
                    {"workspace_bytes", e.tactic.workspace_bytes},
                    {"milliseconds", e.milliseconds}};
  json doc = {{"format", kFormatName},
              {"format_version", kFormatVersion},
              {"environment", environment_key_},
              {"entries", std::move(entries)}};
  return doc.dump(1) + "\n";
}

Result<TimingCache> TimingCache::from_json(const std::string& text, const std::string& environment_key,
                                           const std::string& source) {
  TimingCache cache(environment_key);
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return invalid_argument("timing cache '{}' is not valid JSON (corrupt or truncated); delete it to rebuild it", source);
  const auto format = doc.is_object() ? doc.find("format") : doc.end();
  if (!doc.is_object() || format == doc.end() || *format != kFormatName)
    return invalid_argument("timing cache '{}' is not a fovea timing cache (no \"format\": \"{}\")", source, kFormatName);
  const auto version = doc.find("format_version");
  if (version == doc.end() || !version->is_number_integer())
    return invalid_argument("timing cache '{}': 'format_version' is missing or not an integer", source);
  if (version->get<int64_t>() != kFormatVersion) {
    log::warn("timing cache '{}' has format version {}, this fovea reads version {}; ignoring it (it is rewritten "
              "after this build)", source, version->get<int64_t>(), kFormatVersion);
    return cache;
  }
  const auto env = doc.find("environment");
  if (env == doc.end() || !env->is_string())
    return invalid_argument("timing cache '{}': 'environment' is missing or not a string", source);
  if (env->get<std::string>() != environment_key) {
    log::warn("timing cache '{}' was measured on '{}', this build runs on '{}'; ignoring it (it is rewritten after "
              "this build)", source, env->get<std::string>(), environment_key);
    return cache;
  }
  const auto entries = doc.find("entries");
  if (entries == doc.end() || !entries->is_object())
    return invalid_argument("timing cache '{}': 'entries' is missing or not an object", source);
  for (const auto& [key, value] : entries->items()) {
    FOVEA_ASSIGN_OR_RETURN(TimingCacheEntry e, parse_entry(value, key, source));
    cache.entries_.emplace(key, std::move(e));
  }
  cache.loaded_from_file_matched_ = true;
  return cache;
}

Result<TimingCache> TimingCache::load(const std::string& path, const std::string& environment_key) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    log::info("timing cache '{}' does not exist yet; starting an empty one", path);
    return TimingCache(environment_key);
  }
  if (ec) return io_error("timing cache '{}': {}", path, ec.message());
  if (!std::filesystem::is_regular_file(status)) return io_error("timing cache '{}' is not a regular file", path);
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return io_error("timing cache '{}': {}", path, ec.message());
  if (size > kMaxFileBytes)
    return invalid_argument("timing cache '{}' is {} bytes, larger than any timing cache; wrong file?", path, size);
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open timing cache '{}'", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error("reading timing cache '{}' failed", path);
  return from_json(text.str(), environment_key, path);
}

Status TimingCache::save(const std::string& path) const {
  // A name unique to this process, in the same folder, so the rename is atomic and two builds
  // writing the same cache never interleave bytes: readers see the old file or the new one.
  const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return io_error("cannot write timing cache: cannot create '{}'", tmp);
    out << to_json();
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return io_error("writing timing cache '{}' failed (disk full?)", tmp);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return io_error("cannot replace timing cache '{}': {}", path, ec.message());
  }
  return Status::ok();
}

namespace {

// FNV-1a: a stable digest of small attribute tensors (not cryptographic; only distinguishes).
uint64_t fnv1a(std::span<const std::byte> bytes) {
  uint64_t h = 1469598103934665603ull;
  for (std::byte b : bytes) {
    h ^= static_cast<uint64_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

// Canonical text of an attribute value: JSON-escaped strings, shortest round-trip floats.
std::string attribute_text(const AttributeValue& value) {
  struct Printer {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(float v) const { return fmt::format("{}", v); }
    std::string operator()(const std::string& v) const { return json(v).dump(); }
    std::string operator()(const Tensor& t) const {
      return fmt::format("tensor<{}>{}#{:016x}", dtype_name(t.dtype()), dims_to_string(t.dims()), fnv1a(t.bytes()));
    }
    std::string operator()(const std::vector<int64_t>& v) const { return fmt::format("[{}]", fmt::join(v, ",")); }
    std::string operator()(const std::vector<float>& v) const {
      std::vector<std::string> parts;
      for (float f : v) parts.push_back(fmt::format("{}", f));
      return fmt::format("[{}]", fmt::join(parts, ","));
    }
    std::string operator()(const std::vector<std::string>& v) const { return json(v).dump(); }
  };
  return std::visit(Printer{}, value);
}

std::string tensors_text(const std::vector<Value*>& slots, const std::vector<std::pair<DType, Dims>>& given) {
  std::string s;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (i) s += ",";
    if (!slots[i]) s += "-";  // an omitted optional input or output
    else if (i >= given.size()) s += "?";
    else s += fmt::format("{}{}", dtype_name(given[i].first), dims_to_string(given[i].second));
  }
  return s;
}

// fp16 when the layer touches float16 data, fp32 when float32, "other" otherwise (integer ops).
const char* precision_tag(const Node& node, const std::vector<std::pair<DType, Dims>>& inputs,
                          const std::vector<std::pair<DType, Dims>>& outputs) {
  bool f16 = false, f32 = false;
  auto scan = [&](const std::vector<Value*>& slots, const std::vector<std::pair<DType, Dims>>& given) {
    for (size_t i = 0; i < slots.size() && i < given.size(); ++i) {
      if (!slots[i]) continue;
      f16 |= given[i].first == DType::kFloat16;
      f32 |= given[i].first == DType::kFloat32;
    }
  };
  scan(node.inputs, inputs);
  scan(node.outputs, outputs);
  return f16 ? "fp16" : f32 ? "fp32" : "other";
}

}  // namespace

std::string layer_signature(const Node& node, const std::vector<std::pair<DType, Dims>>& inputs,
                            const std::vector<std::pair<DType, Dims>>& outputs) {
  std::vector<const Attribute*> attrs;
  for (const Attribute& a : node.attributes) attrs.push_back(&a);
  std::sort(attrs.begin(), attrs.end(), [](const Attribute* a, const Attribute* b) { return a->name < b->name; });
  std::vector<std::string> attr_text;
  for (const Attribute* a : attrs) attr_text.push_back(a->name + "=" + attribute_text(a->value));
  const std::string domain = node.domain.empty() ? "ai.onnx" : node.domain;
  return fmt::format("{}::{} {} in({}) out({}) attrs{{{}}}", domain, node.op_type, precision_tag(node, inputs, outputs),
                     tensors_text(node.inputs, inputs), tensors_text(node.outputs, outputs), fmt::join(attr_text, ";"));
}

}  // namespace fovea
