// GET /health (the process is up) and GET /ready (it should be sent traffic: not shutting down,
// storage writable — its last write succeeded and its files are the ones opened — reachable, and
// its queue not full). Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>

#include "api/handler.hpp"
#include "runtime/storage_executor.hpp"
#include "storage/store.hpp"

namespace rekey::api {

class health_endpoint {
 public:
  health_endpoint(store& storage, storage_executor& executor, std::function<bool()> stopping)
      : storage_(storage), executor_(executor), stopping_(std::move(stopping)) {}

  boost::asio::awaitable<response> health(request_context& ctx);
  boost::asio::awaitable<response> ready(request_context& ctx);
  // "ready", or why not: "stopping", "storage not writable", "storage unavailable".
  boost::asio::awaitable<std::string_view> readiness();

 private:
  store& storage_;
  storage_executor& executor_;
  std::function<bool()> stopping_;
};

}  // namespace rekey::api
