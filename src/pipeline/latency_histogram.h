// A latency histogram cheap enough to record every frame of every stage: fine log-spaced buckets
// (16 per doubling from 1 us, so a quantile is within 4.4% of the true sample, and never above
// the exact max) for p50/p90/p99, plus exact cumulative counts at fixed bounds for the Prometheus
// histogram (le = 0.1 ms ... 10 s). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

namespace fovea::pipeline {

// Upper bounds (milliseconds) of the Prometheus buckets (plus +Inf).
inline constexpr std::array<double, 20> kLatencyBucketBoundsMs{
    0.1, 0.25, 0.5, 1, 2, 4, 8, 12, 16, 25, 33, 50, 66, 100, 250, 500, 1000, 2500, 5000, 10000};

struct LatencySummary {
  uint64_t count = 0;
  double sum_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  // cumulative[i] = samples <= kLatencyBucketBoundsMs[i] (exact).
  std::array<uint64_t, kLatencyBucketBoundsMs.size()> cumulative{};
  double mean_ms() const { return count ? sum_ms / static_cast<double>(count) : 0.0; }
};

class LatencyHistogram {
 public:
  LatencyHistogram();
  void record_ms(double ms);  // negative and NaN samples count as 0
  LatencySummary summary() const;
  // The q-quantile (0 < q <= 1) estimate: the upper edge of the bucket holding the sample of
  // rank ceil(q * count), clamped to [min, max]. 0 when empty.
  double quantile_ms(double q) const;
  void reset();

 private:
  double quantile_locked(double q) const;

  mutable std::mutex mutex_;
  std::vector<uint64_t> fine_;
  std::array<uint64_t, kLatencyBucketBoundsMs.size()> coarse_{};  // not cumulative
  uint64_t count_ = 0;
  double sum_ = 0, min_ = 0, max_ = 0;
};

}  // namespace fovea::pipeline
