// plan_buffers: the "greedy by size, best fit" offset assignment (as in TFLite's arena planner).
// Largest buffers are placed first, each in the smallest gap between the already placed buffers
// whose lifetimes overlap its own, or above all of them when no gap fits.
#include <algorithm>
#include <limits>
#include <optional>
#include <numeric>

#include "planner/memory_plan.h"

namespace fovea::planner {
namespace {

// `bytes` rounded up to a multiple of `alignment`, or nullopt on overflow.
std::optional<size_t> align_up(size_t bytes, size_t alignment) {
  if (bytes > std::numeric_limits<size_t>::max() - (alignment - 1)) return std::nullopt;
  return (bytes + alignment - 1) / alignment * alignment;
}

Status check_request(const BufferRequest& r, size_t index) {
  if (r.first_step < 0 || r.last_step < r.first_step)
    return invalid_argument("buffer request {} ('{}'): lifetime [{}, {}] is not a valid step interval", index, r.name,
                            r.first_step, r.last_step);
  return Status::ok();
}

struct Placed {
  size_t offset;
  size_t size;
};

}  // namespace

Result<MemoryPlan> plan_buffers(const std::vector<BufferRequest>& requests, size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return invalid_argument("memory plan alignment must be a power of two, got {}", alignment);
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> sizes(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    FOVEA_RETURN_IF_ERROR(check_request(requests[i], i));
    auto aligned = align_up(requests[i].bytes, alignment);
    if (!aligned || plan.naive_bytes > std::numeric_limits<size_t>::max() - requests[i].bytes)
      return out_of_range("buffer request {} ('{}'): {} bytes overflow the arena size", i, requests[i].name,
                          requests[i].bytes);
    sizes[i] = *aligned;
    plan.naive_bytes += requests[i].bytes;
  }

  // Largest first; ties by earlier start, then request index, so the result is deterministic.
  std::vector<size_t> by_size(requests.size());
  std::iota(by_size.begin(), by_size.end(), size_t{0});
  std::stable_sort(by_size.begin(), by_size.end(), [&](size_t a, size_t b) {
    if (sizes[a] != sizes[b]) return sizes[a] > sizes[b];
    return requests[a].first_step < requests[b].first_step;
  });

  std::vector<size_t> placed_ids;
  std::vector<Placed> conflicts;
  for (size_t id : by_size) {
    if (sizes[id] == 0) continue;  // occupies nothing; offset 0 is as good as any
    conflicts.clear();
    for (size_t other : placed_ids)
      if (lifetimes_overlap(requests[id], requests[other])) conflicts.push_back({plan.offsets[other], sizes[other]});
    std::sort(conflicts.begin(), conflicts.end(), [](const Placed& a, const Placed& b) { return a.offset < b.offset; });

    // Walk the gaps between conflicting buffers in address order; keep the tightest that fits.
    size_t best_offset = 0, best_gap = std::numeric_limits<size_t>::max();
    bool found = false;
    size_t cursor = 0;  // lowest free address above everything seen so far
    for (const Placed& c : conflicts) {
      if (c.offset > cursor) {
        const size_t gap = c.offset - cursor;
        if (gap >= sizes[id] && gap < best_gap) {
          best_gap = gap;
          best_offset = cursor;
          found = true;
        }
      }
      cursor = std::max(cursor, c.offset + c.size);
    }
    if (!found) best_offset = cursor;
    if (best_offset > std::numeric_limits<size_t>::max() - sizes[id])
      return out_of_range("buffer request {} ('{}'): the arena size overflows", id, requests[id].name);
    plan.offsets[id] = best_offset;
    plan.arena_bytes = std::max(plan.arena_bytes, best_offset + sizes[id]);
    placed_ids.push_back(id);
  }
  return plan;
}

}  // namespace fovea::planner
