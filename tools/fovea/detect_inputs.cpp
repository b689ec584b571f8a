#include "detect_inputs.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "io/image_file.h"
#include "io/video_file.h"

namespace fovea::cli {

ExpandedInputs expand_detect_inputs(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  ExpandedInputs out;
  auto add = [&](const std::string& path, DetectInputKind kind) { out.inputs.push_back({path, kind, {}}); };
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> files;
      for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string p = it->path().string();
        if (it->is_regular_file(ec) && io::is_image_file_name(p)) {
          files.push_back(p);
        } else {
          ++out.skipped_in_folders;
        }
      }
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) add(f, DetectInputKind::kImage);
    } else if (!fs::exists(arg, ec)) {
      add(arg, DetectInputKind::kMissing);
    } else {
      add(arg, io::is_video_file_name(arg) ? DetectInputKind::kVideo : DetectInputKind::kImage);
    }
  }
  std::set<std::string> used;
  for (DetectInput& in : out.inputs) {
    std::string base = fs::path(in.path).stem().string();
    if (base.empty()) base = "input";
    std::string stem = base;
    for (int k = 2; used.count(stem) || stem == "coco_results"; ++k) stem = base + "_" + std::to_string(k);
    used.insert(stem);
    in.output_stem = stem;
  }
  return out;
}

}  // namespace fovea::cli
