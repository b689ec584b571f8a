// Serves the Prometheus text at GET /metrics (cpp-httplib, on its own thread). The page is
// rendered on each scrape by a callback, so the server knows nothing about the pipeline. A build
// without libcpp-httplib (FOVEA_HAVE_HTTPLIB unset) compiles, and start() says it is not built in.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/status.h"

namespace httplib {
class Server;
}

namespace fovea::pipeline {

class MetricsHttpServer {
 public:
  using Render = std::function<std::string()>;
  // Binds `host`:`port` (port 0: an ephemeral port, see port()) and starts serving.
  static Result<std::unique_ptr<MetricsHttpServer>> start(const std::string& host, int port, Render render);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  MetricsHttpServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace fovea::pipeline
