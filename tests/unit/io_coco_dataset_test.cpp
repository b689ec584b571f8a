// COCO annotations loader: a valid file (categories ordered by id = model classes, defaults,
// image paths), malformed JSON and every field check naming the field at fault, files on disk.
#include "io/coco_dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fovea::io {
namespace {

namespace fs = std::filesystem;

const char* kValid = R"({
  "images": [{"id": 10, "file_name": "a.jpg", "width": 640, "height": 480},
             {"id": 11, "file_name": "sub/b.jpg", "width": 1920, "height": 1080},
             {"id": 12, "file_name": "empty.jpg", "width": 8, "height": 8}],
  "categories": [{"id": 7, "name": "cone"}, {"id": 2, "name": "stop"}, {"id": 5, "name": "box"}],
  "annotations": [
    {"id": 1, "image_id": 10, "category_id": 7, "bbox": [1, 2, 30, 40], "area": 1000, "iscrowd": 0},
    {"id": 2, "image_id": 11, "category_id": 2, "bbox": [10.5, 20.25, 5, 6]},
    {"id": 3, "image_id": 10, "category_id": 5, "bbox": [0, 0, 100, 50], "iscrowd": true}
  ]
})";

Result<CocoDataset> parse(const std::string& text) { return parse_coco_annotations(text, "ann.json", "/data/images"); }

// The error message for `text`, or "" when it parsed.
std::string error_of(const std::string& text) {
  auto r = parse(text);
  return r.is_ok() ? std::string() : r.status().message();
}

// kValid with one substring replaced (must occur).
std::string valid_with(const std::string& from, const std::string& to) {
  std::string s = kValid;
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(IoCocoDataset, ParsesAValidFile) {
  auto r = parse(kValid);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const CocoDataset& d = *r;
  ASSERT_EQ(d.images.size(), 3u);
  EXPECT_EQ(d.images[1].id, 11);
  EXPECT_EQ(d.images[1].width, 1920);
  EXPECT_EQ(d.images[1].path, "/data/images/sub/b.jpg");
  // Sorted by id: model class k <-> k-th category.
  ASSERT_EQ(d.categories.size(), 3u);
  EXPECT_EQ(d.categories[0].id, 2);
  EXPECT_EQ(d.categories[1].name, "box");
  EXPECT_EQ(d.categories[2].name, "cone");
  EXPECT_EQ(d.class_of_category(7), 2);
  EXPECT_EQ(d.class_of_category(2), 0);
  EXPECT_EQ(d.class_of_category(3), -1);
  ASSERT_EQ(d.annotations.size(), 3u);
  EXPECT_EQ(d.annotations[0].area, 1000);
  EXPECT_DOUBLE_EQ(d.annotations[1].area, 30);  // defaults to width * height
  EXPECT_DOUBLE_EQ(d.annotations[1].bbox.y, 20.25);
  EXPECT_FALSE(d.annotations[0].iscrowd);
  EXPECT_TRUE(d.annotations[2].iscrowd);
  ASSERT_EQ(d.annotations_of_image.size(), 3u);
  EXPECT_EQ(d.annotations_of_image[0], (std::vector<size_t>{0, 2}));
  EXPECT_TRUE(d.annotations_of_image[2].empty());
  const auto gt = d.ground_truth_of_image(0);
  ASSERT_EQ(gt.size(), 2u);
  EXPECT_EQ(gt[1].category_id, 5);
  EXPECT_TRUE(gt[1].is_crowd);
  EXPECT_EQ(gt[0].box.width, 30);
  EXPECT_EQ(d.evaluation_categories()[2].id, 7);
}

TEST(IoCocoDataset, EmptyAnnotationsAreFine) {
  auto r = parse(R"({"images": [], "categories": [{"id": 0, "name": "x"}], "annotations": []})");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->images.empty());
}

TEST(IoCocoDataset, MalformedJsonIsAnError) {
  EXPECT_NE(error_of("").find("ann.json: not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"images\": [").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(std::string(kValid).substr(0, 200)).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"images\": [] } trailing").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("top level: expected an object, got array"), std::string::npos);
  EXPECT_NE(error_of("\"text\"").find("top level"), std::string::npos);
  // Very deep nesting neither overflows the stack nor is accepted.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(error_of(deep).find("top level"), std::string::npos);
  const std::string deep_object = "{\"images\": " + deep + "}";
  EXPECT_FALSE(error_of(deep_object).empty());
}

TEST(IoCocoDataset, MissingOrMistypedSectionsNameTheField) {
  EXPECT_NE(error_of(R"({"categories": [{"id": 0, "name": "x"}], "annotations": []})").find("missing field \"images\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"images": [], "annotations": []})").find("missing field \"categories\""), std::string::npos);
  EXPECT_NE(error_of(R"({"images": [], "categories": [{"id": 0, "name": "x"}]})").find("missing field \"annotations\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"images": {}, "categories": [], "annotations": []})").find("images: expected an array, got object"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"images": [], "categories": [], "annotations": []})").find("categories: is empty"),
            std::string::npos);
}

TEST(IoCocoDataset, ImageFieldsAreChecked) {
  EXPECT_NE(error_of(valid_with(R"({"id": 11, )", "7, {")).find("images[1]: expected an object"), std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("id": 11, )", "")).find("images[1]: missing field \"id\""), std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("id": 11,)", R"("id": "11",)")).find("images[1].id: expected an integer, got string"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("id": 11,)", R"("id": 1e30,)")).find("images[1].id: expected an integer, got number"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("id": 11,)", R"("id": 18446744073709551615,)")).find("images[1].id: value out of range"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("id": 11,)", R"("id": 10,)")).find("images[1].id: image id 10 is used twice"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("width": 1920)", R"("width": 0)")).find("images[1].width: 0 is outside [1, 32768]"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("height": 1080)", R"("height": -5)")).find("images[1].height"), std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("height": 1080)", R"("height": 100000)")).find("images[1].height"), std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("file_name": "a.jpg")", R"("file_name": 3)")).find("images[0].file_name: expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("file_name": "a.jpg")", R"("file_name": "")")).find("images[0].file_name: is empty"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("file_name": "a.jpg")", R"("file_name": "/etc/passwd")")).find("must be relative"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("file_name": "a.jpg")", R"("file_name": "x/../../a.jpg")")).find("must not contain \"..\""),
            std::string::npos);
}

TEST(IoCocoDataset, CategoryFieldsAreChecked) {
  EXPECT_NE(error_of(valid_with(R"({"id": 2, "name": "stop"})", R"({"id": 7, "name": "stop"})"))
                .find("categories[1].id: category id 7 is used twice"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("name": "stop")", R"("name": null)")).find("categories[1].name: expected a string, got null"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"({"id": 2, "name": "stop"})", R"({"name": "stop"})")).find("categories[1]: missing field \"id\""),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"({"id": 2, "name": "stop"})", R"({"id": 4294967296, "name": "stop"})")).find("categories[1].id"),
            std::string::npos);
}

TEST(IoCocoDataset, AnnotationFieldsAreChecked) {
  const std::string bbox = R"("bbox": [10.5, 20.25, 5, 6])";
  EXPECT_NE(error_of(valid_with(bbox, R"("bbox": [10.5, 20.25, 5])"))
                .find("annotations[1].bbox: expected 4 numbers [x, y, width, height], got 3"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(bbox, R"("bbox": "10 20 5 6")")).find("annotations[1].bbox: expected an array"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(bbox, R"("bbox": [10.5, "20", 5, 6])")).find("annotations[1].bbox[1]: expected a number, got string"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(bbox, R"("bbox": [10.5, 20.25, -5, 6])")).find("annotations[1].bbox: negative width or height"),
            std::string::npos);
  // nlohmann/json refuses a number that overflows double as a parse error.
  EXPECT_NE(error_of(valid_with(bbox, R"("bbox": [10.5, 20.25, 1e400, 6])")).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(valid_with(bbox, "\"box\": [1, 2, 3, 4]")).find("annotations[1]: missing field \"bbox\""),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("image_id": 11)", R"("image_id": 99)")).find("annotations[1].image_id: no image has id 99"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("category_id": 2,)", R"("category_id": 3,)")).find("annotations[1].category_id: no category has id 3"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("id": 2, "image_id")", R"("id": 1, "image_id")")).find("annotations[1].id: annotation id 1 is used twice"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("iscrowd": 0)", R"("iscrowd": 2)")).find("annotations[0].iscrowd: expected 0 or 1"),
            std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("area": 1000)", R"("area": -1)")).find("annotations[0].area"), std::string::npos);
  EXPECT_NE(error_of(valid_with(R"("area": 1000)", R"("area": "big")")).find("annotations[0].area"), std::string::npos);
  EXPECT_NE(error_of(valid_with(R"({"id": 3,)", R"(null, {"id": 3,)")).find("annotations[2]: expected an object, got null"),
            std::string::npos);
}

class IoCocoDatasetFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fovea_coco_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(dir_ / "images");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
  fs::path dir_;
};

TEST_F(IoCocoDatasetFiles, LoadsTheDefaultLayout) {
  write(dir_ / "annotations.json", kValid);
  auto r = load_coco_dataset(dir_.string());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->images[0].path, (dir_ / "images" / "a.jpg").string());
  EXPECT_EQ(r->annotations.size(), 3u);
}

TEST_F(IoCocoDatasetFiles, ExplicitAnnotationsAndImageFolder) {
  write(dir_ / "val.json", kValid);
  auto r = load_coco_dataset(dir_.string(), (dir_ / "val.json").string(), dir_.string());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->images[1].path, (dir_ / "sub" / "b.jpg").string());
}

TEST_F(IoCocoDatasetFiles, FileNamesRelativeToTheDatasetFolder) {
  // "images/x.jpg" (relative to the dataset folder) resolves when the image folder has no such file.
  write(dir_ / "images" / "x.jpg", "not really a jpeg");
  write(dir_ / "images" / "y.jpg", "");
  fs::create_directories(dir_ / "images" / "images");
  write(dir_ / "images" / "images" / "y.jpg", "");
  write(dir_ / "annotations.json", R"({"images": [{"id": 1, "file_name": "images/x.jpg", "width": 4, "height": 4},
      {"id": 2, "file_name": "images/y.jpg", "width": 4, "height": 4},
      {"id": 3, "file_name": "z.jpg", "width": 4, "height": 4}],
      "categories": [{"id": 0, "name": "a"}], "annotations": []})");
  auto r = load_coco_dataset(dir_.string());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->images[0].path, (dir_ / "images/x.jpg").string());
  EXPECT_EQ(r->images[1].path, (dir_ / "images" / "images/y.jpg").string());  // the image folder wins
  EXPECT_EQ(r->images[2].path, (dir_ / "images" / "z.jpg").string());         // missing: left to the reader
}

TEST_F(IoCocoDatasetFiles, MissingFilesAreNamed) {
  auto r = load_coco_dataset(dir_.string());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("annotations.json: annotations file not found"), std::string::npos);
  write(dir_ / "annotations.json", kValid);
  r = load_coco_dataset(dir_.string(), "", (dir_ / "nope").string());
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("nope: image folder not found"), std::string::npos);
  write(dir_ / "annotations.json", "{\"images\": [");
  r = load_coco_dataset(dir_.string());
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("annotations.json: not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace fovea::io
