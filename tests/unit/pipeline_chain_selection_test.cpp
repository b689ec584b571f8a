// Chained models, the pure parts: which detections become crops (class, score, size, count,
// order), the padded box clipped to the image, crop_classes resolution, and the join's order and
// outcomes (chain_join.h) with crops finishing out of order.
#include <gtest/gtest.h>

#include <cmath>
#include <future>
#include <limits>

#include "pipeline/chain_join.h"
#include "pipeline/crop_selection.h"

namespace fovea::pipeline {
namespace {

using namespace std::chrono_literals;

vision::Detection box(float x1, float y1, float x2, float y2, float score, int class_id) {
  vision::Detection d;
  d.x1 = x1;
  d.y1 = y1;
  d.x2 = x2;
  d.y2 = y2;
  d.score = score;
  d.class_id = class_id;
  return d;
}

FrameResult result_of(std::vector<vision::Detection> detections, int width = 200, int height = 100) {
  FrameResult r;
  r.image_width = width;
  r.image_height = height;
  r.detections = std::move(detections);
  return r;
}

std::vector<size_t> indices(const std::vector<SelectedCrop>& crops) {
  std::vector<size_t> out;
  for (const SelectedCrop& c : crops) out.push_back(c.detection);
  return out;
}

TEST(PipelineChainSelection, ClassScoreSizeAndCountHighestScoresFirst) {
  const FrameResult r = result_of({
      box(10, 10, 50, 50, 0.40f, 0),   // 0
      box(60, 10, 90, 50, 0.95f, 1),   // 1
      box(10, 60, 15, 90, 0.90f, 0),   // 2: 5 px wide
      box(100, 10, 140, 50, 0.20f, 0), // 3: low score
      box(150, 10, 190, 50, 0.70f, 2), // 4: class 2
      box(20, 20, 60, 60, 0.70f, 0),   // 5: same score as 4, later
  });
  CropSelection all;
  EXPECT_EQ(indices(select_crops(r, all)), (std::vector<size_t>{1, 2, 4, 5, 0, 3}));

  CropSelection s;
  s.class_ids = {0, 2};
  s.min_score = 0.3f;
  s.min_size = 8;
  EXPECT_EQ(indices(select_crops(r, s)), (std::vector<size_t>{4, 5, 0})) << "ties keep the upstream's order";
  s.max_crops = 2;
  EXPECT_EQ(indices(select_crops(r, s)), (std::vector<size_t>{4, 5}));
  s.class_ids = {7};
  EXPECT_TRUE(select_crops(r, s).empty());
  s.class_ids = {};
  s.min_score = 0.96f;
  EXPECT_TRUE(select_crops(r, s).empty());
  EXPECT_TRUE(select_crops(result_of({}), all).empty());
}

TEST(PipelineChainSelection, PaddedBoxIsClippedAndRoundedOutwards) {
  // 40 x 20 box, 25% padding: 10 px left/right, 5 px top/bottom.
  vision::CropRoi roi = padded_crop_roi(box(20, 30, 60, 50, 1, 0), 0.25f, 200, 100);
  EXPECT_EQ(roi.x, 10);
  EXPECT_EQ(roi.y, 25);
  EXPECT_EQ(roi.width, 60);
  EXPECT_EQ(roi.height, 30);
  // Near the corner: clipped to the image.
  roi = padded_crop_roi(box(2, 3, 190, 98, 1, 0), 0.1f, 200, 100);
  EXPECT_EQ(roi.x, 0);
  EXPECT_EQ(roi.y, 0);
  EXPECT_EQ(roi.width, 200);
  EXPECT_EQ(roi.height, 100);
  // Fractional corners round outwards: [10.4, 20.6] x [5.5, 7.2] -> [10, 21] x [5, 8].
  roi = padded_crop_roi(box(10.4f, 5.5f, 20.6f, 7.2f, 1, 0), 0, 200, 100);
  EXPECT_EQ(roi.x, 10);
  EXPECT_EQ(roi.y, 5);
  EXPECT_EQ(roi.width, 11);
  EXPECT_EQ(roi.height, 3);
  // Entirely outside: empty, and select_crops skips it.
  roi = padded_crop_roi(box(250, 10, 300, 50, 1, 0), 0.1f, 200, 100);
  EXPECT_EQ(roi.width, 0);
  EXPECT_TRUE(select_crops(result_of({box(250, 10, 300, 50, 1, 0)}), CropSelection{}).empty());

  CropSelection s;
  s.padding = 0.5f;
  const std::vector<SelectedCrop> crops = select_crops(result_of({box(180, 80, 200, 100, 0.5f, 0)}), s);
  ASSERT_EQ(crops.size(), 1u);
  EXPECT_EQ(crops[0].roi.x, 170);
  EXPECT_EQ(crops[0].roi.y, 70);
  EXPECT_EQ(crops[0].roi.width, 30);
  EXPECT_EQ(crops[0].roi.height, 30);
}

TEST(PipelineChainSelection, NonFiniteDetectionsAreSkipped) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const FrameResult r = result_of({box(10, 10, 50, 50, nan, 0), box(nan, 10, 50, 50, 0.9f, 0), box(10, 10, 50, 50, 0.5f, 0)});
  EXPECT_EQ(indices(select_crops(r, CropSelection{})), (std::vector<size_t>{2}));
}

TEST(PipelineChainSelection, CropClassesResolveLabelsAndIds) {
  const std::vector<std::string> labels = {"stop_sign", "person", "box"};
  auto ids = resolve_crop_classes({"person", "2", "box"}, labels, "models[1].crop_classes");
  ASSERT_TRUE(ids.is_ok()) << ids.status().to_string();
  EXPECT_EQ(*ids, (std::vector<int>{1, 2, 2}));
  auto bad = resolve_crop_classes({"person", "cat"}, labels, "models[1].crop_classes");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("models[1].crop_classes[1]: 'cat'"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("stop_sign, person, box"), std::string::npos);
  auto high = resolve_crop_classes({"3"}, labels, "k");
  ASSERT_FALSE(high.is_ok());
  EXPECT_NE(high.status().message().find("k[0]: class id 3"), std::string::npos) << high.status().message();
  auto no_labels = resolve_crop_classes({"17"}, {}, "k");
  ASSERT_TRUE(no_labels.is_ok());
  EXPECT_EQ(*no_labels, (std::vector<int>{17}));
  EXPECT_FALSE(resolve_crop_classes({"-1"}, {}, "k").is_ok());
  EXPECT_FALSE(resolve_crop_classes({"person"}, {}, "k").is_ok());
}

// The join: parents leave in registration order whatever order their crops finish in.
struct JoinHarness {
  std::vector<std::pair<int64_t, std::vector<std::vector<vision::ClassScore>>>> delivered;
  std::vector<DropReason> dropped;
  ChainJoin join{1, 8, [this](size_t, ChainParent& p) { delivered.emplace_back(p.result.sequence, p.result.detection_classes); },
                 [this](size_t, DropReason r) { dropped.push_back(r); }};

  std::shared_ptr<ChainParent> add(int64_t sequence, size_t detections) {
    auto frame = std::make_shared<PipelineFrame>();
    frame->frame.sequence = sequence;
    FrameResult r;
    r.sequence = sequence;
    r.detections.resize(detections);
    return join.add_parent(0, frame, std::move(r), detections);
  }
  static const ChainCropFrame& crop(const FramePtr& f) { return ChainJoin::crop_of(*f); }
};

TEST(PipelineChainJoin, OrderOutcomesAndZeroCropParents) {
  JoinHarness h;
  auto p0 = h.add(0, 2);
  auto p1 = h.add(1, 0);  // nothing to classify: waits behind frame 0
  auto p2 = h.add(2, 1);
  auto p3 = h.add(3, 2);
  ASSERT_TRUE(p0 && p1 && p2 && p3);
  EXPECT_TRUE(h.delivered.empty()) << "frame 1 must not overtake frame 0";
  const vision::CropRoi roi{1, 2, 3, 4};
  const FramePtr c00 = ChainJoin::make_crop_frame(p0, 0, roi), c01 = ChainJoin::make_crop_frame(p0, 1, roi);
  const FramePtr c20 = ChainJoin::make_crop_frame(p2, 0, roi);
  const FramePtr c30 = ChainJoin::make_crop_frame(p3, 0, roi), c31 = ChainJoin::make_crop_frame(p3, 1, roi);
  EXPECT_EQ(c00->frame.roi->x, 1);
  EXPECT_EQ(c00->frame.sequence, 0);
  // Frame 2's crop and frame 3's crops finish first; nothing leaves before frame 0.
  h.join.crop_classified(JoinHarness::crop(c20), {{20, 0.2f}}, {}, 1);
  h.join.crop_dropped(JoinHarness::crop(c31), DropReason::kDeadline);
  h.join.crop_classified(JoinHarness::crop(c30), {{30, 0.3f}}, {}, 1);
  EXPECT_TRUE(h.delivered.empty());
  EXPECT_EQ(h.join.parents_waiting(), 4u);
  h.join.crop_failed(JoinHarness::crop(c01));  // stays unclassified
  EXPECT_TRUE(h.delivered.empty());
  h.join.crop_classified(JoinHarness::crop(c00), {{0, 0.5f}}, {}, 2);
  ASSERT_EQ(h.delivered.size(), 3u) << "0, 1 and 2 leave together; 3 is dropped";
  EXPECT_EQ(h.delivered[0].first, 0);
  EXPECT_EQ(h.delivered[1].first, 1);
  EXPECT_EQ(h.delivered[2].first, 2);
  ASSERT_EQ(h.delivered[0].second.size(), 2u);
  ASSERT_EQ(h.delivered[0].second[0].size(), 1u);
  EXPECT_EQ(h.delivered[0].second[0][0].class_id, 0);
  EXPECT_TRUE(h.delivered[0].second[1].empty()) << "the failed crop's detection has no classes";
  EXPECT_TRUE(h.delivered[1].second.empty());
  EXPECT_EQ(h.delivered[2].second[0][0].class_id, 20);
  EXPECT_EQ(h.dropped, (std::vector<DropReason>{DropReason::kDeadline}));
  EXPECT_EQ(h.join.parents_waiting(), 0u);
}

TEST(PipelineChainJoin, AFullLaneBlocksUntilTheHeadLeavesOrAbort) {
  std::atomic<int> delivered{0};
  ChainJoin join(1, 2, [&](size_t, ChainParent&) { ++delivered; }, [](size_t, DropReason) {});
  auto frame = std::make_shared<PipelineFrame>();
  FrameResult one;
  one.detections.resize(1);
  auto p0 = join.add_parent(0, frame, one, 1);
  auto p1 = join.add_parent(0, frame, one, 1);
  ASSERT_TRUE(p0 && p1);
  auto blocked = std::async(std::launch::async, [&] { return join.add_parent(0, frame, FrameResult{}, 0); });
  EXPECT_EQ(blocked.wait_for(50ms), std::future_status::timeout) << "the lane holds 2 parents";
  join.crop_classified(ChainJoin::crop_of(*ChainJoin::make_crop_frame(p0, 0, {})), {}, {}, 1);
  ASSERT_EQ(blocked.wait_for(2s), std::future_status::ready);
  EXPECT_NE(blocked.get(), nullptr);
  EXPECT_EQ(delivered.load(), 1) << "the zero-crop parent waits behind p1";
  // The lane holds p1 and the zero-crop parent again: the next one waits until abort.
  auto blocked2 = std::async(std::launch::async, [&] { return join.add_parent(0, frame, one, 1); });
  EXPECT_EQ(blocked2.wait_for(50ms), std::future_status::timeout);
  join.abort();
  ASSERT_EQ(blocked2.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(blocked2.get(), nullptr) << "abort: the caller counts the parent as a shutdown drop";
}

}  // namespace
}  // namespace fovea::pipeline
