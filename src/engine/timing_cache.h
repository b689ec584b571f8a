// The timing cache: which tactic won for a layer, and how fast it ran, so a rebuild (or another
// model with the same layers) skips the timing. Stored as JSON; the header names the environment
// the timings were measured in (GPU, compute capability, CUDA/cuDNN/cuBLAS and fovea versions),
// and a file written in another environment is ignored with a warning.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "backends/tactic.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

struct TimingCacheEntry {
  Tactic tactic;
  double milliseconds = 0;
};

class TimingCache {
 public:
  // `environment_key` names where timings are valid, e.g. "NVIDIA H100 sm_90 cuda 13000 ...".
  explicit TimingCache(std::string environment_key);

  // Reads a cache file. A missing file, or one written for another environment or by another
  // cache format version, gives an empty cache (the latter two with a warning); an unreadable or
  // corrupt file is an error naming the file.
  static Result<TimingCache> load(const std::string& path, const std::string& environment_key);
  // Writes the cache atomically: to a temporary file next to `path`, then renamed over it.
  Status save(const std::string& path) const;

  // The entry for a layer signature (layer_signature()), or nullptr. Counts hits and misses.
  const TimingCacheEntry* find(const std::string& layer_key) const;
  void insert(const std::string& layer_key, TimingCacheEntry entry);  // replaces an existing entry

  size_t size() const { return entries_.size(); }
  const std::string& environment_key() const { return environment_key_; }
  // True when load() read entries from a file written for this environment.
  bool loaded_from_file_matched() const { return loaded_from_file_matched_; }
  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }

  // The cache as JSON text, and back (what save/load write and read). `source` names the origin
  // of the text in errors and warnings.
  std::string to_json() const;
  static Result<TimingCache> from_json(const std::string& text, const std::string& environment_key,
                                       const std::string& source);

 private:
  std::string environment_key_;
  std::map<std::string, TimingCacheEntry> entries_;
  bool loaded_from_file_matched_ = false;
  mutable size_t hits_ = 0, misses_ = 0;
};

// The key of a layer: op domain/type, every attribute (canonical text), input and output dtypes
// and dims, the precision, and which optional inputs are present; not the node's name nor its
// weight values, so the same layer in another model hits the cache. `inputs` and `outputs` have one
// entry per slot of node.inputs / node.outputs (entries of omitted slots are ignored).
std::string layer_signature(const Node& node, const std::vector<std::pair<DType, Dims>>& inputs,
                            const std::vector<std::pair<DType, Dims>>& outputs);

}  // namespace fovea
