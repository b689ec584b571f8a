#include "pipeline/metrics_http_server.h"

#ifdef FOVEA_HAVE_HTTPLIB
#include <sys/socket.h>

#include <chrono>

#include <httplib.h>
#endif

namespace fovea::pipeline {

#ifndef FOVEA_HAVE_HTTPLIB
}  // namespace fovea::pipeline
namespace httplib {
class Server {};  // never created; completes the type for the member's destructor
}  // namespace httplib
namespace fovea::pipeline {

// Without the library (cmake/dependencies.cmake) there is nothing to serve with; say so.
Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::start(const std::string&, int, Render) {
  return unsupported("metrics_port: this fovea was built without cpp-httplib (libcpp-httplib-dev): no /metrics endpoint");
}
void MetricsHttpServer::stop() {}
MetricsHttpServer::~MetricsHttpServer() = default;
#else
Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::start(const std::string& host, int port, Render render) {
  if (port < 0 || port > 65535) return invalid_argument("metrics_port: {} is not in [0, 65535]", port);
  std::unique_ptr<MetricsHttpServer> s(new MetricsHttpServer());
  s->server_ = std::make_unique<httplib::Server>();
  // httplib's default also sets SO_REUSEPORT, which would let a second pipeline share the port
  // and split the scrapes between them; a busy port must be an error instead.
  s->server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  s->server_->Get("/metrics", [render](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s->server_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("fovea pipeline: metrics at /metrics\n", "text/plain");
  });
  const int bound = port == 0 ? s->server_->bind_to_any_port(host) : (s->server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return io_error("metrics_port: cannot listen on {}:{} (in use, or not allowed)", host, port);
  s->port_ = bound;
  s->thread_ = std::thread([server = s->server_.get()] { server->listen_after_bind(); });
  // httplib's stop() does nothing until the accept loop runs: wait for it, so stopping right
  // after starting cannot leave the thread listening forever.
  for (int i = 0; i < 2000 && !s->server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return s;
}

void MetricsHttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

MetricsHttpServer::~MetricsHttpServer() { stop(); }
#endif

}  // namespace fovea::pipeline
