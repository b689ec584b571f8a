#include "pipeline/frame_accounting.h"

#include <fmt/format.h>

namespace fovea::pipeline {

std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::kQueueFull: return "queue_full";
    case DropReason::kDecodeError: return "decode_error";
    case DropReason::kDeadline: return "deadline";
    case DropReason::kShutdown: return "shutdown";
    case DropReason::kModelError: return "model_error";
  }
  return "unknown";
}

uint64_t LaneCounts::dropped_total() const {
  uint64_t n = 0;
  for (uint64_t d : dropped) n += d;
  return n;
}

uint64_t LaneCounts::in_flight() const { return entered - processed - dropped_total(); }

FrameAccounting::FrameAccounting(std::vector<std::string> source_names, std::vector<std::string> model_names,
                                 std::vector<Lane> lanes)
    : source_names_(std::move(source_names)), model_names_(std::move(model_names)), lane_defs_(std::move(lanes)),
      lanes_(new AtomicLane[lane_defs_.size()]), sources_(new AtomicSource[source_names_.size()]) {}

LaneCounts FrameAccounting::lane_counts(size_t lane) const {
  // Read processed and drops before entered: a concurrent frame can then only make in_flight
  // look larger, never negative.
  LaneCounts c;
  c.processed = lanes_[lane].processed.load();
  for (size_t r = 0; r < kDropReasonCount; ++r) c.dropped[r] = lanes_[lane].dropped[r].load();
  c.entered = lanes_[lane].entered.load();
  return c;
}

SourceCounts FrameAccounting::source_counts(size_t source) const {
  return SourceCounts{sources_[source].frames.load(), sources_[source].decode_errors.load()};
}

std::string FrameAccounting::lane_name(size_t i) const {
  return fmt::format("model '{}' <- source '{}'", model_names_[lane_defs_[i].model],
                     source_names_[lane_defs_[i].source]);
}

Status FrameAccounting::check_balanced() const {
  for (size_t i = 0; i < lane_defs_.size(); ++i) {
    const LaneCounts c = lane_counts(i);
    if (c.entered != c.processed + c.dropped_total())
      return internal_error("{}: {} frames entered but {} processed + {} dropped", lane_name(i), c.entered,
                            c.processed, c.dropped_total());
  }
  return Status::ok();
}

}  // namespace fovea::pipeline
