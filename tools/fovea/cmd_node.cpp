// `fovea node pipeline.yaml`: the streaming pipeline as one ROS 2 node. Its `ros2_image` sources
// subscribe to camera topics and its `ros2_*` sinks publish Detection2DArray / Classification /
// mask Images (+ LabelInfo), all through one DDS participant that announces the node and its
// endpoints on ros_discovery_info (`ros2 node list`, `ros2 topic info -v`). Runs until Ctrl-C /
// SIGTERM (first: drain, second: drop what is queued) or --duration; prints a summary at exit.
#ifdef FOVEA_HAVE_ROS2

#include <cstdio>

#include "commands.h"
#include "pipeline_session.h"
#include "io/pipeline_assembly.h"
#include "io/ros2/node.h"
#include "pipeline/pipeline_config.h"

namespace fovea::cli {
namespace {

struct NodeFlags {
  std::string config_path;
  double duration_s = -1;  // -1: the config's
  io::RosNodeSettings ros;
};

int run_node(const NodeFlags& flags) {
  Result<pipeline::PipelineConfig> loaded = pipeline::load_pipeline_config(flags.config_path);
  if (!loaded.is_ok()) return report_error(loaded.status().message());
  pipeline::PipelineConfig config = std::move(loaded).value();
  if (flags.duration_s >= 0) config.duration_s = flags.duration_s;
  if (const Status st = pipeline::check_pipeline_config(config); !st.is_ok())
    return report_error(fmt::format("{}: {}", flags.config_path, st.message()));

  Result<io::AssembledPipeline> assembled =
      io::assemble_pipeline(config, pipeline::PipelineOptions{}, pipeline::VisionModel::create, flags.ros);
  if (!assembled.is_ok()) return report_error(fmt::format("{}: {}", flags.config_path, assembled.status().message()));
  io::AssembledPipeline& run = *assembled;
  pipeline::Pipeline& p = *run.pipeline;
  for (const std::string& d : run.model_descriptions) std::fprintf(stderr, "model %s\n", d.c_str());
  if (run.ros_node) {
    const io::ros2::NodeOptions& o = run.ros_node->options();
    const io::ros2::msg::ParticipantEntitiesInfo info = run.ros_node->discovery_info();
    size_t readers = 0, writers = 0;
    for (const auto& n : info.node_entities_info_seq) {
      readers += n.reader_gid_seq.size();
      writers += n.writer_gid_seq.size();
    }
    std::fprintf(stderr, "node %s%s%s (%s, domain %d): %zu readers, %zu writers on ros_discovery_info\n",
                 o.node_namespace.c_str(), o.node_namespace == "/" ? "" : "/", o.name.c_str(),
                 std::string(io::ros2::distro_name(o.distro)).c_str(), run.ros_node->domain_id(), readers, writers);
    for (const std::string& e : run.ros_endpoints) std::fprintf(stderr, "  %s\n", e.c_str());
  } else {
    std::fprintf(stderr, "note: %s has no ros2_image source or ros2_* sink; running without ROS 2 endpoints\n",
                 flags.config_path.c_str());
  }

  const Status ran = run_pipeline_until_stopped(p, config.duration_s, {}, [&] {
    std::fprintf(stderr, "node running%s (Ctrl-C to stop)\n",
                 config.duration_s > 0 ? fmt::format(" for {} s", config.duration_s).c_str() : "");
  });
  if (!ran.is_ok()) return report_error(ran.message());
  const pipeline::MetricsSnapshot snapshot = p.snapshot();
  print_pipeline_summary(snapshot, "node");
  if (run.ros_summary)
    for (const std::string& line : run.ros_summary()) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  if (const Status st = p.accounting().check_balanced(); !st.is_ok())
    return report_error("frame accounting does not balance (a bug): " + st.message());
  return 0;
}

}  // namespace

void add_node_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<NodeFlags>();
  CLI::App* cmd = app.add_subcommand("node", "Run a pipeline YAML as a ROS 2 node (ros2_image sources, ros2_* sinks)");
  cmd->add_option("config", flags->config_path, "Pipeline YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--duration", flags->duration_s, "Stop (and drain) after this many seconds; 0: until Ctrl-C")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--node-name", flags->ros.name, "ROS node name")->capture_default_str();
  cmd->add_option("--namespace", flags->ros.node_namespace, "ROS node namespace")->capture_default_str();
  cmd->add_option("--distro", flags->ros.distro, "Graph layout: humble or jazzy (default: $ROS_DISTRO, else jazzy)");
  cmd->add_option("--domain", flags->ros.domain_id, "ROS domain id (default: $ROS_DOMAIN_ID, else 0)");
  cmd->callback([flags, &exit_code] { exit_code = run_node(*flags); });
}

}  // namespace fovea::cli

#endif  // FOVEA_HAVE_ROS2
