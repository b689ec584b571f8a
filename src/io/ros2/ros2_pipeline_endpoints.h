// Builds the pipeline's ROS 2 sources and sinks from their config entries (pipeline assembly
// calls this for `ros2_image` sources and `ros2_*` sinks), all on one node created with the first
// of them. QoS blocks from the YAML are applied over fovea's defaults (subscribe best-effort,
// publish reliable); errors name the config key (`sources[0]: qos.depth ...`).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "io/ros2/node.h"
#include "pipeline/frame_source.h"
#include "pipeline/pipeline_config.h"

namespace fovea::io::ros2 {

class Ros2ImageSource;

class Ros2PipelineEndpoints {
 public:
  explicit Ros2PipelineEndpoints(NodeOptions options) : options_(std::move(options)) {}

  // `key`: the entry's key path ("sources[2]") for errors.
  Result<std::unique_ptr<pipeline::FrameSource>> make_source(const pipeline::SourceConfig& config, const std::string& key);
  Result<std::unique_ptr<pipeline::FrameSink>> make_sink(const pipeline::SinkConfig& config,
                                                         const pipeline::PipelineConfig& pipeline, const std::string& key);

  // The node (null until the first endpoint) and one line per endpoint created.
  const std::shared_ptr<Node>& node() const { return node_; }
  const std::vector<std::string>& descriptions() const { return descriptions_; }
  // What the sources made here report at the end (CameraInfo pairing, one line each), to be
  // called while the pipeline that owns them lives, after it has stopped.
  std::function<std::vector<std::string>()> summary_reporter() const;

 private:
  Result<std::shared_ptr<Node>> ensure_node();

  NodeOptions options_;
  std::shared_ptr<Node> node_;
  std::vector<std::string> descriptions_;
  std::vector<const Ros2ImageSource*> sources_;  // owned by the pipeline
};

}  // namespace fovea::io::ros2
