#include "app/request_telemetry.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace rekey {

void request_telemetry::answered(const http::answered_request& request) {
  const auto method = http::beast_http::to_string(request.method);
  metrics_.request_answered(std::string_view(method.data(), method.size()), request.route, request.status,
                            std::chrono::duration_cast<std::chrono::nanoseconds>(request.duration));
  if (!access_log_) return;
  access_log_->info("access method={} route={} status={} duration_ms={:.3f} request_id={} peer={}",
                    std::string_view(method.data(), method.size()), request.route.empty() ? "-" : request.route,
                    request.status, std::chrono::duration<double, std::milli>(request.duration).count(),
                    request.request_id, request.peer);
}

}  // namespace rekey
