#include "io/coco_dataset.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "vision/image_format.h"

namespace fovea::io {
namespace {

using nlohmann::json;

// Annotation files of real datasets are tens of MB (COCO train: ~450 MB); refuse absurd sizes
// before reading them into memory.
constexpr uintmax_t kMaxAnnotationsBytes = uintmax_t{1} << 30;

// Every check below reports "<source>: <field>: <problem>".
struct FieldReader {
  const std::string& source;

  Status error(const std::string& field, const std::string& problem) const {
    return invalid_argument("{}: {}: {}", source, field, problem);
  }

  const char* type_name(const json& v) const { return v.type_name(); }

  Result<const json*> member(const json& object, const std::string& field, const std::string& key) const {
    auto it = object.find(key);
    if (it == object.end()) return error(field, "missing field \"" + key + "\"");
    return &*it;
  }

  Result<int64_t> integer(const json& object, const std::string& field, const std::string& key, int64_t lo,
                          int64_t hi) const {
    FOVEA_ASSIGN_OR_RETURN(const json* v, member(object, field, key));
    const std::string name = field + "." + key;
    if (!v->is_number_integer()) return error(name, std::string("expected an integer, got ") + type_name(*v));
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return error(name, "value out of range");
    const int64_t value = v->get<int64_t>();
    if (value < lo || value > hi) return error(name, fmt::format("{} is outside [{}, {}]", value, lo, hi));
    return value;
  }

  Result<std::string> string(const json& object, const std::string& field, const std::string& key) const {
    FOVEA_ASSIGN_OR_RETURN(const json* v, member(object, field, key));
    if (!v->is_string()) return error(field + "." + key, std::string("expected a string, got ") + type_name(*v));
    return v->get<std::string>();
  }

  Result<const json*> array(const json& object, const std::string& key) const {
    FOVEA_ASSIGN_OR_RETURN(const json* v, member(object, "top level", key));
    if (!v->is_array()) return error(key, std::string("expected an array, got ") + type_name(*v));
    return v;
  }
};

// A file name inside the image folder: relative, no "..", no NUL, not empty.
Status check_file_name(const FieldReader& r, const std::string& field, const std::string& name) {
  if (name.empty()) return r.error(field, "is empty");
  if (name.find('\0') != std::string::npos) return r.error(field, "contains a NUL character");
  const std::filesystem::path p(name);
  if (p.is_absolute() || name.front() == '/') return r.error(field, "\"" + name + "\" must be relative to the image folder");
  for (const auto& part : p)
    if (part == "..") return r.error(field, "\"" + name + "\" must not contain \"..\"");
  return Status::ok();
}

Status parse_images(const FieldReader& r, const json& list, const std::string& image_dir, CocoDataset& out,
                    std::map<int64_t, size_t>& index_of_image) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = fmt::format("images[{}]", i);
    const json& item = list[i];
    if (!item.is_object()) return r.error(field, std::string("expected an object, got ") + item.type_name());
    CocoImage image;
    FOVEA_ASSIGN_OR_RETURN(image.id, r.integer(item, field, "id", std::numeric_limits<int64_t>::min(),
                                               std::numeric_limits<int64_t>::max()));
    FOVEA_ASSIGN_OR_RETURN(image.file_name, r.string(item, field, "file_name"));
    FOVEA_RETURN_IF_ERROR(check_file_name(r, field + ".file_name", image.file_name));
    FOVEA_ASSIGN_OR_RETURN(int64_t w, r.integer(item, field, "width", 1, vision::kMaxImageSide));
    FOVEA_ASSIGN_OR_RETURN(int64_t h, r.integer(item, field, "height", 1, vision::kMaxImageSide));
    image.width = static_cast<int>(w);
    image.height = static_cast<int>(h);
    image.path = (std::filesystem::path(image_dir) / image.file_name).string();
    if (!index_of_image.emplace(image.id, out.images.size()).second)
      return r.error(field + ".id", fmt::format("image id {} is used twice", image.id));
    out.images.push_back(std::move(image));
  }
  return Status::ok();
}

Status parse_categories(const FieldReader& r, const json& list, CocoDataset& out) {
  if (list.empty()) return r.error("categories", "is empty: at least one category is needed");
  std::set<int> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = fmt::format("categories[{}]", i);
    const json& item = list[i];
    if (!item.is_object()) return r.error(field, std::string("expected an object, got ") + item.type_name());
    CocoCategory category;
    FOVEA_ASSIGN_OR_RETURN(int64_t id, r.integer(item, field, "id", std::numeric_limits<int>::min(),
                                                 std::numeric_limits<int>::max()));
    category.id = static_cast<int>(id);
    FOVEA_ASSIGN_OR_RETURN(category.name, r.string(item, field, "name"));
    if (!ids.insert(category.id).second) return r.error(field + ".id", fmt::format("category id {} is used twice", id));
    out.categories.push_back(std::move(category));
  }
  // Model class k <-> k-th category by id (see the header).
  std::stable_sort(out.categories.begin(), out.categories.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return Status::ok();
}

Result<vision::BoxXYWH> parse_bbox(const FieldReader& r, const json& item, const std::string& field) {
  FOVEA_ASSIGN_OR_RETURN(const json* v, r.member(item, field, "bbox"));
  const std::string name = field + ".bbox";
  if (!v->is_array() || v->size() != 4)
    return r.error(name, v->is_array() ? fmt::format("expected 4 numbers [x, y, width, height], got {}", v->size())
                                       : std::string("expected an array [x, y, width, height], got ") + v->type_name());
  double values[4];
  for (size_t k = 0; k < 4; ++k) {
    const json& e = (*v)[k];
    if (!e.is_number()) return r.error(fmt::format("{}[{}]", name, k), std::string("expected a number, got ") + e.type_name());
    values[k] = e.get<double>();
    if (!std::isfinite(values[k])) return r.error(fmt::format("{}[{}]", name, k), "is not finite");
  }
  if (values[2] < 0 || values[3] < 0)
    return r.error(name, fmt::format("negative width or height ({} x {})", values[2], values[3]));
  return vision::BoxXYWH{values[0], values[1], values[2], values[3]};
}

Status parse_annotations(const FieldReader& r, const json& list, const std::map<int64_t, size_t>& index_of_image,
                         CocoDataset& out) {
  std::set<int64_t> ids;
  std::set<int> category_ids;
  for (const auto& c : out.categories) category_ids.insert(c.id);
  out.annotations_of_image.assign(out.images.size(), {});
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = fmt::format("annotations[{}]", i);
    const json& item = list[i];
    if (!item.is_object()) return r.error(field, std::string("expected an object, got ") + item.type_name());
    CocoAnnotation a;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    FOVEA_ASSIGN_OR_RETURN(a.id, r.integer(item, field, "id", kMin, kMax));
    if (!ids.insert(a.id).second) return r.error(field + ".id", fmt::format("annotation id {} is used twice", a.id));
    FOVEA_ASSIGN_OR_RETURN(a.image_id, r.integer(item, field, "image_id", kMin, kMax));
    auto image = index_of_image.find(a.image_id);
    if (image == index_of_image.end())
      return r.error(field + ".image_id", fmt::format("no image has id {}", a.image_id));
    FOVEA_ASSIGN_OR_RETURN(int64_t category, r.integer(item, field, "category_id", std::numeric_limits<int>::min(),
                                                       std::numeric_limits<int>::max()));
    if (!category_ids.count(static_cast<int>(category)))
      return r.error(field + ".category_id", fmt::format("no category has id {}", category));
    a.category_id = static_cast<int>(category);
    FOVEA_ASSIGN_OR_RETURN(a.bbox, parse_bbox(r, item, field));
    a.area = a.bbox.width * a.bbox.height;
    if (auto it = item.find("area"); it != item.end()) {
      if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0)
        return r.error(field + ".area", "expected a finite number >= 0");
      a.area = it->get<double>();
    }
    if (auto it = item.find("iscrowd"); it != item.end()) {
      if (it->is_boolean()) {
        a.iscrowd = it->get<bool>();
      } else if (it->is_number_integer() && (it->get<int64_t>() == 0 || it->get<int64_t>() == 1)) {
        a.iscrowd = it->get<int64_t>() == 1;
      } else {
        return r.error(field + ".iscrowd", "expected 0 or 1");
      }
    }
    out.annotations_of_image[image->second].push_back(out.annotations.size());
    out.annotations.push_back(a);
  }
  return Status::ok();
}

}  // namespace

int CocoDataset::class_of_category(int category_id) const {
  for (size_t k = 0; k < categories.size(); ++k)
    if (categories[k].id == category_id) return static_cast<int>(k);
  return -1;
}

std::vector<vision::GroundTruthObject> CocoDataset::ground_truth_of_image(size_t image_index) const {
  std::vector<vision::GroundTruthObject> out;
  if (image_index >= annotations_of_image.size()) return out;
  for (size_t a : annotations_of_image[image_index])
    out.push_back({annotations[a].bbox, annotations[a].category_id, annotations[a].iscrowd});
  return out;
}

std::vector<vision::EvaluationCategory> CocoDataset::evaluation_categories() const {
  std::vector<vision::EvaluationCategory> out;
  for (const auto& c : categories) out.push_back({c.id, c.name});
  return out;
}

Result<CocoDataset> parse_coco_annotations(std::string_view json_text, const std::string& source_name,
                                           const std::string& image_dir) {
  const FieldReader r{source_name};
  // No exceptions: a parse failure comes back as a discarded value.
  const json root = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return invalid_argument("{}: not valid JSON", source_name);
  if (!root.is_object()) return r.error("top level", std::string("expected an object, got ") + root.type_name());

  CocoDataset out;
  std::map<int64_t, size_t> index_of_image;
  FOVEA_ASSIGN_OR_RETURN(const json* images, r.array(root, "images"));
  FOVEA_ASSIGN_OR_RETURN(const json* categories, r.array(root, "categories"));
  FOVEA_ASSIGN_OR_RETURN(const json* annotations, r.array(root, "annotations"));
  FOVEA_RETURN_IF_ERROR(parse_images(r, *images, image_dir, out, index_of_image));
  FOVEA_RETURN_IF_ERROR(parse_categories(r, *categories, out));
  FOVEA_RETURN_IF_ERROR(parse_annotations(r, *annotations, index_of_image, out));
  return out;
}

Result<CocoDataset> load_coco_dataset(const std::string& dataset_dir, const std::string& annotations_path,
                                      const std::string& image_dir) {
  namespace fs = std::filesystem;
  const std::string json_path = annotations_path.empty() ? (fs::path(dataset_dir) / "annotations.json").string()
                                                         : annotations_path;
  const std::string images = image_dir.empty() ? (fs::path(dataset_dir) / "images").string() : image_dir;
  std::error_code ec;
  if (!fs::is_regular_file(json_path, ec)) return not_found("{}: annotations file not found", json_path);
  const uintmax_t size = fs::file_size(json_path, ec);
  if (ec) return io_error("{}: cannot read its size: {}", json_path, ec.message());
  if (size > kMaxAnnotationsBytes)
    return out_of_range("{}: {} bytes is larger than the {} byte limit for annotation files", json_path, size,
                        kMaxAnnotationsBytes);
  if (!fs::is_directory(images, ec)) return not_found("{}: image folder not found", images);
  std::ifstream in(json_path, std::ios::binary);
  if (!in) return io_error("{}: cannot open", json_path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error("{}: read failed", json_path);
  FOVEA_ASSIGN_OR_RETURN(CocoDataset dataset, parse_coco_annotations(text.str(), json_path, images));
  // Some writers make file_name relative to the dataset folder ("images/000001.jpg"), not to
  // the image folder: use that file when the image folder has none.
  for (CocoImage& image : dataset.images) {
    if (fs::exists(image.path, ec)) continue;
    const fs::path beside = fs::path(dataset_dir) / image.file_name;
    if (fs::exists(beside, ec)) image.path = beside.string();
  }
  return dataset;
}

}  // namespace fovea::io
