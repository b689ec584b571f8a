// What `fovea detect` was given: image files, video files and folders (their images, sorted by
// name, not recursive) expanded to one list, with a unique output stem per input.
#pragma once

#include <string>
#include <vector>

namespace fovea::cli {

enum class DetectInputKind { kImage, kVideo, kMissing };

struct DetectInput {
  std::string path;
  DetectInputKind kind = DetectInputKind::kImage;
  std::string output_stem;  // file stem, made unique within the run ("img", "img_2", ...)
};

struct ExpandedInputs {
  std::vector<DetectInput> inputs;
  int skipped_in_folders = 0;  // folder entries that are not images (sub-folders, other files)
};

// Files are taken as given: a video by extension (.mp4, .avi, ...), anything else as an image
// (decoding decides; a bad file fails later with a message naming it). A path that does not
// exist becomes kMissing so that the run reports it and goes on.
ExpandedInputs expand_detect_inputs(const std::vector<std::string>& args);

}  // namespace fovea::cli
