// Turns a checked PipelineConfig into a ready (not started) Pipeline: the sources and sinks of
// src/io/, one VisionModel per model instance (through a factory, so tests can pass fakes), queue
// policies (keep_latest for live sources and block for files unless configured), batching and
// deadline options. Lives in io because the pipeline layer cannot know the io sources.
#pragma once

#include <functional>
#include <memory>

#include "core/status.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_runtime.h"
#include "pipeline/vision_model.h"

namespace fovea::io {

namespace ros2 {
class Node;
}

// The ROS 2 node that `ros2_*` sources and sinks share (one node per pipeline; `fovea node` sets
// these, `fovea run` uses the defaults). Ignored by builds without ROS 2.
struct RosNodeSettings {
  std::string name = "fovea";
  std::string node_namespace = "/";
  std::string distro;  // "humble" | "jazzy"; "": $ROS_DISTRO, else jazzy
  int domain_id = -1;  // -1: $ROS_DOMAIN_ID, else 0
};

using VisionModelFactory =
    std::function<Result<std::unique_ptr<pipeline::VisionModel>>(const pipeline::VisionModelConfig&)>;

struct AssembledPipeline {
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::vector<std::string> model_descriptions;  // "name: description", one per model
  int64_t finite_frames = 0;  // frames all finite sources will produce (for a progress bar)
  bool has_endless_source = false;
  std::shared_ptr<ros2::Node> ros_node;  // null when the config has no ROS 2 source or sink
  std::vector<std::string> ros_endpoints;  // "subscribes /camera/image_raw (sensor_msgs/msg/Image, ...)"
  // Lines the ROS 2 sources report once the pipeline has stopped (CameraInfo pairing); null in
  // builds without ROS 2. Call only while `pipeline` lives.
  std::function<std::vector<std::string>()> ros_summary;
};

// `options` supplies what the config does not hold (console callback, NVML); the config's
// deadline and interval fields override its counterparts. Errors name the config key at fault
// (`models[1]: ...` when a model cannot be created).
Result<AssembledPipeline> assemble_pipeline(const pipeline::PipelineConfig& config, pipeline::PipelineOptions options,
                                            const VisionModelFactory& factory = pipeline::VisionModel::create,
                                            const RosNodeSettings& ros = {});

}  // namespace fovea::io
