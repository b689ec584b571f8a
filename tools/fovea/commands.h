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

// Prints "error: <message>" to stderr and returns the exit code for a failed command.
int report_error(const std::string& message);

}  // namespace fovea::cli
