// DynamicBatcher (Triton dynamic_batching semantics), BoundedQueue policies and LaneSequencer.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "pipeline/dynamic_batcher.h"
#include "pipeline/lane_sequencer.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::vector<int> items_of(const std::vector<DynamicBatcher<int>::Entry>& batch) {
  std::vector<int> out;
  for (const auto& e : batch) out.push_back(e.item);
  return out;
}

DynamicBatcher<int> make(int max, std::chrono::microseconds delay, size_t lanes = 1, size_t depth = 64,
                         QueuePolicy policy = QueuePolicy::kBlock, std::vector<int> preferred = {}) {
  return DynamicBatcher<int>(BatcherOptions{max, delay, std::move(preferred)},
                             std::vector<LaneOptions>(lanes, LaneOptions{depth, policy}));
}

TEST(PipelineBatcher, FullBatchDispatchesAtOnce) {
  auto b = make(4, 10s);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(b.push(0, i).accepted);
  const auto t0 = Clock::now();
  const auto batch = b.next_batch();
  EXPECT_LT(ms_since(t0), 100.0) << "a full batch must not wait for max_queue_delay";
  EXPECT_EQ(items_of(batch), (std::vector<int>{0, 1, 2, 3}));
}

TEST(PipelineBatcher, PartialBatchAfterMaxQueueDelay) {
  auto b = make(8, 60ms);
  const auto pushed = Clock::now();
  b.push(0, 1);
  b.push(0, 2);
  const auto batch = b.next_batch();
  const double waited = ms_since(pushed);
  EXPECT_EQ(items_of(batch), (std::vector<int>{1, 2}));
  EXPECT_GE(waited, 59.0) << "a partial batch waits max_queue_delay from the oldest item";
  EXPECT_LT(waited, 60.0 + 250.0);
}

TEST(PipelineBatcher, DelayCountsFromTheOldestItem) {
  auto b = make(8, 80ms);
  const auto first = Clock::now();
  b.push(0, 1);
  std::this_thread::sleep_for(50ms);
  b.push(0, 2);  // arrives late: the batch still goes 80 ms after the FIRST item
  const auto batch = b.next_batch();
  EXPECT_EQ(batch.size(), 2u);
  EXPECT_GE(ms_since(first), 79.0);
  EXPECT_LT(ms_since(first), 80.0 + 40.0 + 250.0);
}

TEST(PipelineBatcher, BatchCompletesEarlyWhenItFills) {
  auto b = make(3, 5s);
  b.push(0, 1);
  auto later = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(30ms);
    b.push(0, 2);
    b.push(0, 3);
  });
  const auto t0 = Clock::now();
  const auto batch = b.next_batch();
  EXPECT_EQ(items_of(batch), (std::vector<int>{1, 2, 3}));
  EXPECT_LT(ms_since(t0), 1000.0) << "filling the batch must wake the waiting instance";
  later.get();
}

TEST(PipelineBatcher, ZeroDelaySendsWhateverIsPending) {
  auto b = make(8, 0us);
  b.push(0, 7);
  const auto t0 = Clock::now();
  EXPECT_EQ(items_of(b.next_batch()), (std::vector<int>{7}));
  EXPECT_LT(ms_since(t0), 50.0);
}

TEST(PipelineBatcher, NeverExceedsMaxBatchSize) {
  auto b = make(4, 0us);
  for (int i = 0; i < 10; ++i) b.push(0, i);
  b.close();
  std::vector<size_t> sizes;
  std::vector<int> all;
  for (auto batch = b.next_batch(); !batch.empty(); batch = b.next_batch()) {
    sizes.push_back(batch.size());
    for (int v : items_of(batch)) all.push_back(v);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{4, 4, 2}));
  EXPECT_EQ(all, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(PipelineBatcher, PreferredSizeDispatchesWithoutWaiting) {
  // Triton: if a preferred size can be formed, the largest such batch goes at once.
  auto b = make(8, 10s, 1, 64, QueuePolicy::kBlock, {2, 4});
  for (int i = 0; i < 5; ++i) b.push(0, i);
  const auto t0 = Clock::now();
  EXPECT_EQ(items_of(b.next_batch()), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_LT(ms_since(t0), 100.0);
  // One left: below every preferred size, so it waits for the delay; closing flushes it.
  auto rest = std::async(std::launch::async, [&] { return b.next_batch(); });
  EXPECT_EQ(rest.wait_for(50ms), std::future_status::timeout);
  b.close();
  EXPECT_EQ(items_of(rest.get()), (std::vector<int>{4}));
}

TEST(PipelineBatcher, ArrivalOrderAcrossLanesAndPerLaneTickets) {
  auto b = make(5, 0us, 3);
  // Interleaved arrivals from three sources.
  const std::vector<std::pair<size_t, int>> pushes{{0, 0}, {1, 100}, {0, 1}, {2, 200}, {1, 101}, {2, 201}, {0, 2}};
  for (const auto& [lane, v] : pushes) b.push(lane, v);
  b.close();
  std::vector<std::pair<size_t, int>> out;
  std::vector<std::vector<uint64_t>> tickets(3);
  for (auto batch = b.next_batch(); !batch.empty(); batch = b.next_batch()) {
    EXPECT_LE(batch.size(), 5u);
    for (const auto& e : batch) {
      out.emplace_back(e.lane, e.item);
      tickets[e.lane].push_back(e.ticket);
    }
  }
  EXPECT_EQ(out, pushes);
  EXPECT_EQ(tickets[0], (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(tickets[1], (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(tickets[2], (std::vector<uint64_t>{0, 1}));
}

TEST(PipelineBatcher, KeepLatestEvictsTheOldestOfThatLane) {
  auto b = make(8, 0us, 2, 2, QueuePolicy::kKeepLatest);
  std::vector<int> evicted;
  for (int i = 0; i < 5; ++i) {
    auto out = b.push(0, i);
    EXPECT_TRUE(out.accepted);
    if (out.evicted) evicted.push_back(*out.evicted);
  }
  EXPECT_FALSE(b.push(1, 50).evicted) << "another lane's room is its own";
  EXPECT_EQ(evicted, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(b.depth(0), 2u);
  EXPECT_EQ(items_of(b.next_batch()), (std::vector<int>{3, 4, 50}));
}

TEST(PipelineBatcher, BlockPolicyWaitsForRoom) {
  auto b = make(1, 0us, 1, 2, QueuePolicy::kBlock);
  b.push(0, 1);
  b.push(0, 2);
  auto blocked = std::async(std::launch::async, [&] { return b.push(0, 3); });
  EXPECT_EQ(blocked.wait_for(50ms), std::future_status::timeout) << "a full block-policy lane must wait";
  EXPECT_EQ(items_of(b.next_batch()), (std::vector<int>{1}));
  const auto out = blocked.get();
  EXPECT_TRUE(out.accepted);
  EXPECT_FALSE(out.evicted);
}

TEST(PipelineBatcher, CloseDrainsAndRejectsAbortHandsBack) {
  auto b = make(4, 10s);
  b.push(0, 1);
  b.close();
  const auto rejected = b.push(0, 2);
  EXPECT_FALSE(rejected.accepted);
  ASSERT_TRUE(rejected.rejected);
  EXPECT_EQ(*rejected.rejected, 2);
  EXPECT_EQ(items_of(b.next_batch()), (std::vector<int>{1})) << "closing flushes without waiting the delay";
  EXPECT_TRUE(b.next_batch().empty());

  auto c = make(4, 10s, 2);
  c.push(0, 1);
  c.push(1, 2);
  const auto taken = c.abort();
  EXPECT_EQ(taken.size(), 2u);
  EXPECT_TRUE(c.next_batch().empty());
}

TEST(PipelineBatcher, BlockedProducerIsReleasedByClose) {
  auto b = make(1, 0us, 1, 1, QueuePolicy::kBlock);
  b.push(0, 1);
  auto blocked = std::async(std::launch::async, [&] { return b.push(0, 2); });
  std::this_thread::sleep_for(20ms);
  b.abort();
  const auto out = blocked.get();
  EXPECT_FALSE(out.accepted);
  EXPECT_TRUE(out.rejected);
}

TEST(PipelineBatcher, OptionsValidationNamesTheField) {
  EXPECT_NE(validate_batcher_options({0, 0us, {}}, "m").message().find("m.max_batch_size"), std::string::npos);
  EXPECT_NE(validate_batcher_options({4, 0us, {8}}, "m").message().find("m.preferred_batch_sizes[0]"), std::string::npos);
  EXPECT_TRUE(validate_batcher_options({4, 100us, {2, 4}}, "m").is_ok());
}

TEST(PipelineQueue, KeepLatestAndBlock) {
  BoundedQueue<int> latest(2, QueuePolicy::kKeepLatest);
  latest.push(1);
  latest.push(2);
  auto out = latest.push(3);
  ASSERT_TRUE(out.evicted);
  EXPECT_EQ(*out.evicted, 1);
  EXPECT_EQ(*latest.pop(), 2);
  EXPECT_EQ(*latest.pop(), 3);

  BoundedQueue<int> block(1, QueuePolicy::kBlock);
  block.push(1);
  auto waiting = std::async(std::launch::async, [&] { return block.push(2).accepted; });
  EXPECT_EQ(waiting.wait_for(30ms), std::future_status::timeout);
  EXPECT_EQ(*block.pop(), 1);
  EXPECT_TRUE(waiting.get());
  block.close();
  EXPECT_EQ(*block.pop(), 2);
  EXPECT_FALSE(block.pop().has_value());
  EXPECT_EQ(parse_queue_policy("block").value(), QueuePolicy::kBlock);
  EXPECT_FALSE(parse_queue_policy("newest").is_ok());
}

TEST(PipelineSequencer, EmitsInTicketOrderAndSkipsDrops) {
  LaneSequencer<int> seq(2);
  std::vector<std::pair<size_t, int>> emitted;
  auto emit = [&](size_t lane, int&& v) { emitted.emplace_back(lane, v); };
  seq.complete(0, 2, 12, emit);
  seq.complete(0, 1, std::nullopt, emit);  // dropped
  seq.complete(1, 0, 100, emit);
  EXPECT_EQ(emitted, (std::vector<std::pair<size_t, int>>{{1, 100}}));
  EXPECT_EQ(seq.held(), 2u);
  seq.complete(0, 0, 10, emit);
  EXPECT_EQ(emitted, (std::vector<std::pair<size_t, int>>{{1, 100}, {0, 10}, {0, 12}}));
  EXPECT_EQ(seq.held(), 0u);
}

}  // namespace
}  // namespace fovea::pipeline
