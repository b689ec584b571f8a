// The subcommands of `fovea`. Each adds itself to the app; its callback runs the command and
// stores the process exit code (0 on success, 1 on error, with the message on stderr).
#pragma once

#include <CLI/CLI.hpp>

namespace fovea::cli {

void add_inspect_command(CLI::App& app, int& exit_code);
void add_infer_command(CLI::App& app, int& exit_code);
void add_devices_command(CLI::App& app, int& exit_code);
void add_build_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_validate_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_detect_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app, int& exit_code);

#ifdef FOVEA_HAVE_ROS2
void add_camera_command(CLI::App& app, int& exit_code);
void add_echo_command(CLI::App& app, int& exit_code);
void add_node_command(CLI::App& app, int& exit_code);
#endif

// Prints "error: <message>" to stderr and returns the exit code for a failed command.
int report_error(const std::string& message);

}  // namespace fovea::cli
