#include "pipeline/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace fovea::pipeline {
namespace {

constexpr double kFirstEdgeMs = 0.001;  // 1 us
constexpr int kBucketsPerDoubling = 16;
constexpr int kFineBuckets = 32 * kBucketsPerDoubling;  // up to 1 us * 2^32 (about 50 days)

int fine_index(double ms) {
  if (!(ms > kFirstEdgeMs)) return 0;
  const double i = std::floor(std::log2(ms / kFirstEdgeMs) * kBucketsPerDoubling);
  return static_cast<int>(std::min<double>(i + 1, kFineBuckets - 1));
}

double fine_upper_edge(int index) {
  return kFirstEdgeMs * std::exp2(static_cast<double>(index) / kBucketsPerDoubling);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : fine_(kFineBuckets, 0) {}

void LatencyHistogram::record_ms(double ms) {
  if (!(ms >= 0)) ms = 0;  // NaN too
  std::lock_guard lock(mutex_);
  ++fine_[fine_index(ms)];
  const auto bound = std::lower_bound(kLatencyBucketBoundsMs.begin(), kLatencyBucketBoundsMs.end(), ms);
  if (bound != kLatencyBucketBoundsMs.end()) ++coarse_[bound - kLatencyBucketBoundsMs.begin()];
  min_ = count_ == 0 ? ms : std::min(min_, ms);
  max_ = count_ == 0 ? ms : std::max(max_, ms);
  sum_ += ms;
  ++count_;
}

double LatencyHistogram::quantile_locked(double q) const {
  if (count_ == 0) return 0.0;
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (int i = 0; i < kFineBuckets; ++i) {
    seen += fine_[i];
    if (seen >= rank) return std::clamp(fine_upper_edge(i), min_, max_);
  }
  return max_;
}

double LatencyHistogram::quantile_ms(double q) const {
  std::lock_guard lock(mutex_);
  return quantile_locked(q);
}

LatencySummary LatencyHistogram::summary() const {
  std::lock_guard lock(mutex_);
  LatencySummary s;
  s.count = count_;
  s.sum_ms = sum_;
  s.min_ms = min_;
  s.max_ms = max_;
  s.p50_ms = quantile_locked(0.50);
  s.p90_ms = quantile_locked(0.90);
  s.p99_ms = quantile_locked(0.99);
  uint64_t running = 0;
  for (size_t i = 0; i < coarse_.size(); ++i) {
    running += coarse_[i];
    s.cumulative[i] = running;
  }
  return s;
}

void LatencyHistogram::reset() {
  std::lock_guard lock(mutex_);
  std::fill(fine_.begin(), fine_.end(), 0);
  coarse_.fill(0);
  count_ = 0;
  sum_ = min_ = max_ = 0;
}

}  // namespace fovea::pipeline
