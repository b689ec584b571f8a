// The one log sink. Everything logs through these functions (spdlog underneath), to stderr.
#pragma once

#include <spdlog/spdlog.h>

namespace fovea::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };
void set_level(Level level);
// Parses "trace|debug|info|warn|error|off"; returns false for anything else.
bool set_level_from_string(const std::string& name);

template <typename... Args> void debug(fmt::format_string<Args...> f, Args&&... a) { spdlog::debug(f, std::forward<Args>(a)...); }
template <typename... Args> void info(fmt::format_string<Args...> f, Args&&... a) { spdlog::info(f, std::forward<Args>(a)...); }
template <typename... Args> void warn(fmt::format_string<Args...> f, Args&&... a) { spdlog::warn(f, std::forward<Args>(a)...); }
template <typename... Args> void error(fmt::format_string<Args...> f, Args&&... a) { spdlog::error(f, std::forward<Args>(a)...); }

}  // namespace fovea::log
