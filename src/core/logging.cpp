#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace fovea::log {
namespace {

spdlog::logger& sink() {
  static auto logger = [] {
    auto l = spdlog::stderr_color_mt("fovea");
    l->set_pattern("[%^%l%$] %v");
    l->set_level(spdlog::level::warn);
    spdlog::set_default_logger(l);
    return l;
  }();
  return *logger;
}

}  // namespace

void set_level(Level level) {
  static const spdlog::level::level_enum map[] = {spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
                                                  spdlog::level::warn,  spdlog::level::err,   spdlog::level::off};
  sink().set_level(map[static_cast<int>(level)]);
}

bool set_level_from_string(const std::string& name) {
  static const std::pair<const char*, Level> names[] = {{"trace", Level::kTrace}, {"debug", Level::kDebug},
                                                        {"info", Level::kInfo},   {"warn", Level::kWarn},
                                                        {"error", Level::kError}, {"off", Level::kOff}};
  for (auto& [n, l] : names)
    if (name == n) { set_level(l); return true; }
  return false;
}

}  // namespace fovea::log
