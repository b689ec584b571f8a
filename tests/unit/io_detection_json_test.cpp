// Result JSON: the per-image document's fields, COCO results (bbox as x, y, w, h; image and
// category id mappings), and atomic writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/detection_json.h"

namespace fovea::io {
namespace {

pipeline::FrameResult sample_result() {
  pipeline::FrameResult r;
  r.source = "images/000000000139.jpg";
  r.sequence = 4;
  r.image_width = 640;
  r.image_height = 426;
  r.header.frame_id = "cam0";
  r.header.stamp_ns = 123456789;
  vision::Detection d;
  d.x1 = 10.5f, d.y1 = 20.25f, d.x2 = 110.5f, d.y2 = 70.25f, d.score = 0.875f, d.class_id = 2;
  d.keypoints = {12.f, 22.f, 0.9f, 13.f, 23.f, 0.1f};
  r.detections.push_back(d);
  d.keypoints.clear();
  d.class_id = 79;
  d.score = 0.5f;
  r.detections.push_back(d);
  return r;
}

TEST(DetectionJson, PerImageDocument) {
  const pipeline::FrameResult r = sample_result();
  ImageTiming timing;
  timing.read_ms = 1.5;
  timing.stages.infer_ms = 3.25;
  const auto j = frame_result_to_json(r, {"person", "bicycle", "car"}, &timing);
  EXPECT_EQ(j["source"], "images/000000000139.jpg");
  EXPECT_EQ(j["width"], 640);
  EXPECT_EQ(j["height"], 426);
  EXPECT_EQ(j["header"]["frame_id"], "cam0");
  EXPECT_EQ(j["header"]["stamp_ns"], 123456789);
  ASSERT_EQ(j["detections"].size(), 2u);
  EXPECT_EQ(j["detections"][0]["label"], "car");
  EXPECT_EQ(j["detections"][1]["label"], "class 79");
  EXPECT_DOUBLE_EQ(j["detections"][0]["box"][0].get<double>(), 10.5);
  EXPECT_DOUBLE_EQ(j["detections"][0]["box"][3].get<double>(), 70.25);
  EXPECT_DOUBLE_EQ(j["detections"][0]["score"].get<double>(), 0.875);
  ASSERT_EQ(j["detections"][0]["keypoints"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["detections"][0]["keypoints"][1][2].get<double>(), 0.1);
  EXPECT_FALSE(j["detections"][1].contains("keypoints"));
  EXPECT_FALSE(j.contains("classes"));
  EXPECT_FALSE(j.contains("mask"));
  EXPECT_DOUBLE_EQ(j["timing_ms"]["infer"].get<double>(), 3.25);
  EXPECT_DOUBLE_EQ(j["timing_ms"]["read"].get<double>(), 1.5);
  EXPECT_EQ(j.begin().key(), "source");  // fields keep their written order
  EXPECT_FALSE(frame_result_to_json(r, {}).contains("timing_ms"));
}

TEST(DetectionJson, ClassesAndMask) {
  pipeline::FrameResult r;
  r.classes = {{7, 0.75f}, {1, 0.125f}};
  r.mask = Tensor::from_vector(std::vector<uint8_t>{0, 3, 3, 15}, {2, 2});
  const auto j = frame_result_to_json(r, {});
  ASSERT_EQ(j["classes"].size(), 2u);
  EXPECT_EQ(j["classes"][0]["class_id"], 7);
  EXPECT_EQ(j["mask"]["class_ids"], nlohmann::ordered_json({0, 3, 15}));
}

TEST(DetectionJson, CocoResults) {
  const pipeline::FrameResult r = sample_result();
  EXPECT_EQ(coco_image_id(r.source, 5), 139);
  EXPECT_EQ(coco_image_id("dir/frame_12.png", 5), 5);
  EXPECT_EQ(coco_image_id("dir/.png", 5), 5);

  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  ASSERT_TRUE(append_coco_results(r, 139, CocoCategoryIds::kClassId, a).is_ok());
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0]["image_id"], 139);
  EXPECT_EQ(a[0]["category_id"], 2);
  EXPECT_DOUBLE_EQ(a[0]["bbox"][0].get<double>(), 10.5);
  EXPECT_DOUBLE_EQ(a[0]["bbox"][1].get<double>(), 20.25);
  EXPECT_DOUBLE_EQ(a[0]["bbox"][2].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(a[0]["bbox"][3].get<double>(), 50.0);
  EXPECT_EQ(a[0]["keypoints"].size(), 6u);

  nlohmann::ordered_json b = nlohmann::ordered_json::array();
  ASSERT_TRUE(append_coco_results(r, 1, CocoCategoryIds::kCoco91, b).is_ok());
  EXPECT_EQ(b[0]["category_id"], 3);   // car
  EXPECT_EQ(b[1]["category_id"], 90);  // toothbrush
  nlohmann::ordered_json c = nlohmann::ordered_json::array();
  ASSERT_TRUE(append_coco_results(r, 1, CocoCategoryIds::kClassIdPlusOne, c).is_ok());
  EXPECT_EQ(c[1]["category_id"], 80);

  pipeline::FrameResult bad = r;
  bad.detections[0].class_id = 80;
  nlohmann::ordered_json d = nlohmann::ordered_json::array();
  Status s = append_coco_results(bad, 1, CocoCategoryIds::kCoco91, d);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("000000000139.jpg"), std::string::npos);

  EXPECT_EQ(*parse_coco_category_ids("coco91"), CocoCategoryIds::kCoco91);
  EXPECT_FALSE(parse_coco_category_ids("coco").is_ok());
}

TEST(DetectionJson, WritesFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "fovea_detection_json_test";
  fs::create_directories(dir);
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  ASSERT_TRUE(append_coco_results(sample_result(), 7, CocoCategoryIds::kClassId, a).is_ok());
  const std::string path = (dir / "coco.json").string();
  ASSERT_TRUE(write_json_lines_array(path, a).is_ok());
  std::ifstream in(path);
  const auto back = nlohmann::json::parse(in);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1]["image_id"], 7);
  ASSERT_TRUE(write_json_lines_array(path, nlohmann::ordered_json::array()).is_ok());
  std::ifstream empty(path);
  EXPECT_TRUE(nlohmann::json::parse(empty).empty());
  EXPECT_FALSE(write_json_file((dir / "missing_dir" / "x.json").string(), a).is_ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fovea::io
