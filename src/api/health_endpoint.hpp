// The health endpoints. GET /health/live (and /health): the process answers. GET /health/ready:
// it should be sent traffic — every check passes: storage writable (its last write succeeded and
// its files are the ones opened), storage answering a read within a deadline (store::probe: no
// write lock taken), the outbox relay loop running, not in maintenance mode, not shutting down;
// the JSON body names each check and its outcome. GET /ready stays as it was: the storage checks
// and shutdown only (maintenance does not take a node out of a load balancer). Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/handler.hpp"
#include "console/maintenance_mode.hpp"
#include "runtime/storage_executor.hpp"
#include "storage/store.hpp"

namespace rekey::api {

struct health_check {
  std::string_view name;  // "storage", "relay", "maintenance", "shutdown"
  bool ok = false;
  std::string_view detail;  // e.g. "writable", "no answer within 2000 ms"
};

// {"<name>": {"ok", "detail"}, …}: the checks as /health/ready and GET /admin/v1/system answer them.
boost::json::object named_checks(const std::vector<health_check>& checks);
bool all_ok(const std::vector<health_check>& checks);

class health_endpoint {
 public:
  // stopping: whether the server is shutting down. relay_running: whether the outbox relay loop
  // makes progress (absent: not checked). maintenance: null, not checked.
  health_endpoint(store& storage, storage_executor& executor, std::function<bool()> stopping,
                  std::function<bool()> relay_running = {}, const maintenance_mode* maintenance = nullptr,
                  std::chrono::milliseconds storage_deadline = std::chrono::milliseconds(2000))
      : storage_(storage),
        executor_(executor),
        stopping_(std::move(stopping)),
        relay_running_(std::move(relay_running)),
        maintenance_(maintenance),
        storage_deadline_(storage_deadline) {}

  boost::asio::awaitable<response> live(request_context& ctx);
  boost::asio::awaitable<response> ready(request_context& ctx);
  boost::asio::awaitable<response> ready_checks(request_context& ctx);
  // Every check of /health/ready, in order.
  boost::asio::awaitable<std::vector<health_check>> checks();

 private:
  // The storage checks alone (/ready's): writable, then a read within the deadline.
  boost::asio::awaitable<health_check> storage_check();

  store& storage_;
  storage_executor& executor_;
  std::function<bool()> stopping_;
  std::function<bool()> relay_running_;
  const maintenance_mode* maintenance_;
  std::chrono::milliseconds storage_deadline_;
};

}  // namespace rekey::api
