// Frame accounting: every frame a source produces is either delivered by each model it feeds or
// counted as dropped with a reason, so nothing disappears silently. Counters are kept per lane
// (one model fed by one source) plus, per source, the frames it produced and the ones it could
// not decode (which never reach a lane). After a drained run every lane balances:
// entered == processed + sum of dropped (check_balanced).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fovea::pipeline {

enum class DropReason {
  kQueueFull,    // keep_latest evicted it for a newer frame
  kDecodeError,  // the source could not produce it (corrupt file, bad message)
  kDeadline,     // already older than the deadline when a model instance took it (drop_late_frames)
  kShutdown,     // still queued, or blocked on a full queue, when the pipeline was aborted
  kModelError,   // the model rejected it (invalid frame) or failed
};
inline constexpr size_t kDropReasonCount = 5;
std::string_view drop_reason_name(DropReason reason);  // "queue_full", "decode_error", ...

struct LaneCounts {
  uint64_t entered = 0;
  uint64_t processed = 0;
  std::array<uint64_t, kDropReasonCount> dropped{};
  uint64_t dropped_total() const;
  uint64_t in_flight() const;  // entered - processed - dropped (0 after a drained run)
};

struct SourceCounts {
  uint64_t frames = 0;         // frames the source produced (each enters every lane it feeds)
  uint64_t decode_errors = 0;  // frames it failed to produce
};

class FrameAccounting {
 public:
  struct Lane {
    size_t model = 0;
    size_t source = 0;
  };
  FrameAccounting(std::vector<std::string> source_names, std::vector<std::string> model_names,
                  std::vector<Lane> lanes);

  void source_frame(size_t source) { sources_[source].frames.fetch_add(1, std::memory_order_relaxed); }
  void source_decode_error(size_t source) { sources_[source].decode_errors.fetch_add(1, std::memory_order_relaxed); }
  void entered(size_t lane) { lanes_[lane].entered.fetch_add(1, std::memory_order_relaxed); }
  void processed(size_t lane) { lanes_[lane].processed.fetch_add(1, std::memory_order_relaxed); }
  void dropped(size_t lane, DropReason reason) {
    lanes_[lane].dropped[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }

  LaneCounts lane_counts(size_t lane) const;
  SourceCounts source_counts(size_t source) const;
  size_t lane_count() const { return lane_defs_.size(); }
  size_t source_count() const { return source_names_.size(); }
  const Lane& lane(size_t i) const { return lane_defs_[i]; }
  const std::string& source_name(size_t i) const { return source_names_[i]; }
  const std::string& model_name(size_t i) const { return model_names_[i]; }
  std::string lane_name(size_t i) const;  // "model 'det' <- source 'cam_0'"

  // Every lane: entered == processed + dropped. The error names the first lane that does not.
  Status check_balanced() const;

 private:
  struct AtomicLane {
    std::atomic<uint64_t> entered{0};
    std::atomic<uint64_t> processed{0};
    std::array<std::atomic<uint64_t>, kDropReasonCount> dropped{};
  };
  struct AtomicSource {
    std::atomic<uint64_t> frames{0};
    std::atomic<uint64_t> decode_errors{0};
  };
  std::vector<std::string> source_names_;
  std::vector<std::string> model_names_;
  std::vector<Lane> lane_defs_;
  std::unique_ptr<AtomicLane[]> lanes_;
  std::unique_ptr<AtomicSource[]> sources_;
};

}  // namespace fovea::pipeline
