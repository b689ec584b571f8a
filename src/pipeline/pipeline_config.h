// The pipeline's YAML configuration (`fovea run pipeline.yaml`): sources, models (Isaac ROS
// parameter names), batching, queues, sinks, deadline, metrics. Parsing rejects unknown keys and
// wrong types; check_pipeline_config then checks what needs the file system and the models
// (files exist, the network size matches the model input, the batch size is possible) — all
// before anything starts, every error naming its key path, e.g. `models[0].network_image_width`.
// Relative paths are resolved against the config file's folder. docs/pipeline.md has the schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline {

enum class SourceKind { kSynthetic, kImageFolder, kVideoFile, kRos2Image, kMcap };
enum class SinkKind { kJsonLines, kAnnotatedImages, kAnnotatedVideo, kNull, kRos2Detections, kRos2Classification, kRos2Mask, kMcap,
                      kRos2AnnotatedImage };

struct QueueConfig {
  int depth = 4;
  std::optional<QueuePolicy> policy;  // unset: keep_latest for live sources, block for files
};

struct SourceConfig {
  std::string name;
  SourceKind kind = SourceKind::kSynthetic;
  std::string path;          // image_folder: folder; video_file: file
  int streams = 1;           // synthetic: N cameras named <name>_0 .. <name>_{N-1} (just <name> if 1)
  double fps = 30;           // synthetic: frame rate; files: 0 = as fast as the pipeline takes them
  int width = 1920;          // synthetic
  int height = 1080;
  std::string encoding = "rgb8";  // synthetic: rgb8 | bgr8; files decode to rgb8 or bgr8 too
  int64_t frames = 0;        // synthetic: stop after this many frames per stream (0: until stopped)
  bool loop = false;         // files: start over at the end
  std::string frame_id;      // header.frame_id (default: the stream name)
  std::optional<QueueConfig> queue;  // overrides `queues` for this source
  // ros2_image (builds with ROS 2): the topic, CompressedImage instead of Image, and the `qos`
  // block as YAML text (a profile name becomes {profile: NAME}); io/ros2 parses it, since the
  // pipeline layer knows nothing of ROS.
  std::string topic;
  bool compressed = false;
  std::string qos_yaml;
  // ros2_image: also subscribe sensor_msgs/CameraInfo ("": no; "auto": `camera_info` beside the
  // image topic, as Isaac ROS and image_transport name it) and pair each image with the one of its
  // stamp (else the latest), waiting at most camera_info_wait_ms for it (docs/ros2.md, CameraInfo).
  std::string camera_info_topic;
  double camera_info_wait_ms = 20;
  // mcap (a rosbag2 MCAP bag; `topic` above, empty: its first image topic): replay pace, 0 = as
  // fast as the pipeline takes frames (`rate: max`), 1 = the recorded rate, 2 = twice as fast...
  double replay_rate = 0;
};

// A chained model (detector -> classifier on the detected crops): `crops_from` names the upstream
// detector and excludes `sources`; the crop_* keys choose its detections (crop_selection.h).
struct CropConfig {
  std::string from;                  // crops_from ("": the model reads sources)
  std::vector<std::string> classes;  // crop_classes: the upstream's labels or class ids; empty: all
  std::optional<float> min_score;    // crop_min_score; unset: the upstream's confidence_threshold
  float padding = 0.0f;              // crop_padding: fraction of the box size added per side
  int min_size = 1;                  // crop_min_size: px; smaller boxes are skipped
  int max_crops_per_frame = 16;      // highest scores first
};

struct ModelConfig {
  std::string name;
  VisionModelConfig vision;  // model_file_path or engine_file_path, encoder, decoder parameters
  std::string model_file_path;
  std::string engine_file_path;
  int instances = 1;                 // model instances, each its own worker (Triton instance_group)
  std::vector<std::string> sources;  // source (or stream) names; empty: every source
  std::vector<int> preferred_batch_sizes;
  CropConfig crops;
};

struct SinkConfig {
  std::string name;
  SinkKind kind = SinkKind::kNull;
  std::string path;                 // json_lines: file; annotated_images / annotated_video: folder
  std::string image_format = "jpg";  // annotated_images: jpg | png
  double video_fps = 30;            // annotated_video
  std::vector<std::string> models;  // model names; empty: every model
  int queue_depth = 16;
  // ros2_detections / ros2_classification / ros2_mask: topic, `qos` block as YAML text (see
  // SourceConfig), where LabelInfo goes ("": next to `topic`; "none": not published), class ids
  // as "index" or "label", and rgb8 VOC colours instead of mono8 class ids for masks.
  std::string topic;
  std::string qos_yaml;
  std::string label_info_topic;
  std::string class_id_format = "index";
  bool color = false;
  std::string image_encoding = "bgr8";  // ros2_annotated_image: bgr8 | rgb8
  // mcap: chunk compression ("zstd" | "lz4" | "none"), Detection2DArray on `topic` (default
  // /fovea/detections), and the frames as Image on /<stream>/image_raw when record_images.
  std::string compression = "zstd";
  bool record_images = false;
};

struct PipelineConfig {
  std::string config_path;
  std::vector<SourceConfig> sources;
  std::vector<ModelConfig> models;
  int64_t max_queue_delay_us = 0;  // batching.max_queue_delay_us
  QueueConfig queues;
  std::vector<SinkConfig> sinks;
  double deadline_ms = 0;
  bool drop_late_frames = false;
  double deadline_miss_warn_ratio = 0.01;
  int metrics_port = -1;  // -1: no HTTP endpoint; 0: an ephemeral port
  std::string metrics_host = "0.0.0.0";
  double console_interval_s = 5;  // 0: no console line
  std::string summary_path;       // JSON summary at exit ("" : none)
  double duration_s = 0;          // 0: until the sources end or Ctrl-C
};

// "synthetic" | "image_folder" | "video_file" | "ros2_image" | "mcap"; "json_lines" | "annotated_images" |
// "annotated_video" | "null" | "ros2_detections" | "ros2_classification" | "ros2_mask" | "mcap" |
// "ros2_annotated_image".
std::string_view source_kind_name(SourceKind kind);
std::string_view sink_kind_name(SinkKind kind);

// Parses YAML text; `base_dir` resolves relative paths. Errors name the key path.
Result<PipelineConfig> parse_pipeline_config(const std::string& yaml_text, const std::string& base_dir,
                                             const std::string& config_name = "pipeline config");
// Reads and parses a file (relative paths against its folder).
Result<PipelineConfig> load_pipeline_config(const std::string& path);

// Files exist, names resolve, models' inputs match the network size and batch, ... (see top).
Status check_pipeline_config(const PipelineConfig& config);

// The stream names a source expands to (synthetic cameras with streams > 1 give several).
std::vector<std::string> expanded_source_names(const SourceConfig& source);

}  // namespace fovea::pipeline
