// fovea: the command-line front end. This file sets up the app, global flags and subcommands;
// each subcommand lives in its own cmd_<name>.cpp.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "core/logging.h"

namespace fovea::cli {

int report_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

}  // namespace fovea::cli

int main(int argc, char** argv) {
  CLI::App app{"fovea: ONNX inference for vision models"};
  app.set_version_flag("--version", "fovea " FOVEA_VERSION);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "Log level: trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.require_subcommand(1);

  int exit_code = 0;
  fovea::cli::add_inspect_command(app, exit_code);
  fovea::cli::add_infer_command(app, exit_code);
  fovea::cli::add_devices_command(app, exit_code);
  fovea::cli::add_build_command(app, exit_code);
  fovea::cli::add_bench_command(app, exit_code);
  fovea::cli::add_validate_command(app, exit_code);
  fovea::cli::add_run_command(app, exit_code);
  fovea::cli::add_detect_command(app, exit_code);
  fovea::cli::add_eval_command(app, exit_code);
#ifdef FOVEA_HAVE_ROS2
  fovea::cli::add_camera_command(app, exit_code);
  fovea::cli::add_echo_command(app, exit_code);
  fovea::cli::add_node_command(app, exit_code);
#endif
  // Global options are parsed before any subcommand callback runs.
  app.parse_complete_callback([&] { fovea::log::set_level_from_string(log_level); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);  // help and --version print to stdout and return 0; errors go to stderr
  } catch (const std::exception& e) {
    return fovea::cli::report_error(std::string("unexpected failure: ") + e.what());
  }
  return exit_code;
}
