// A COCO-format detection dataset: an annotations JSON (images, categories, annotations with
// [x, y, width, height] boxes) plus the folder its image files live in. The JSON is untrusted:
// every field is checked and an error names the file and the field at fault
// ("annotations.json: annotations[3].bbox: ...").
//
// Layout read by load_coco_dataset(DIR): DIR/annotations.json and DIR/images/<file_name>.
//
// Model classes and categories: model class id k <-> the k-th category when the categories are
// sorted by id (so ids 0..7, or COCO's sparse 1..90, map to classes 0..N-1 in id order).
// `categories` below is kept in that order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "vision/detection_evaluation.h"

namespace fovea::io {

struct CocoImage {
  int64_t id = 0;
  std::string file_name;  // as in the JSON: relative, no ".." components
  std::string path;       // image folder / file_name
  int width = 0;
  int height = 0;
};

struct CocoCategory {
  int id = 0;
  std::string name;
};

struct CocoAnnotation {
  int64_t id = 0;
  int64_t image_id = 0;
  int category_id = 0;
  vision::BoxXYWH bbox;
  double area = 0;  // from the JSON, else width * height
  bool iscrowd = false;
};

struct CocoDataset {
  std::vector<CocoImage> images;            // JSON order
  std::vector<CocoCategory> categories;     // sorted by id: index = model class id
  std::vector<CocoAnnotation> annotations;  // JSON order
  std::vector<std::vector<size_t>> annotations_of_image;  // per images[i]: indices into annotations

  // The model class id of a category id (its index in `categories`), or -1.
  int class_of_category(int category_id) const;
  // images[i]'s annotations as evaluator ground truth.
  std::vector<vision::GroundTruthObject> ground_truth_of_image(size_t image_index) const;
  // The categories as evaluator categories (same order).
  std::vector<vision::EvaluationCategory> evaluation_categories() const;
};

// Parses annotations JSON text; `source_name` prefixes error messages and `image_dir` prefixes
// each image's path. Required: "images" (id, file_name, width, height), "categories" (id, name;
// at least one), "annotations" (id, image_id, category_id, bbox; optional area, iscrowd 0/1).
// Ids must be unique; annotations must refer to existing images and categories.
Result<CocoDataset> parse_coco_annotations(std::string_view json_text, const std::string& source_name,
                                           const std::string& image_dir);

// Reads `annotations_path` (default: dataset_dir/annotations.json) with images under
// `image_dir` (default: dataset_dir/images). An image's path is image_dir/file_name, or
// dataset_dir/file_name when only that file exists (file names written relative to the dataset
// folder, e.g. "images/000001.jpg"). Checks that the image folder exists; missing image files
// are left for the reader to report.
Result<CocoDataset> load_coco_dataset(const std::string& dataset_dir, const std::string& annotations_path = "",
                                      const std::string& image_dir = "");

}  // namespace fovea::io
