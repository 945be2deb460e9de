// POST /auth/o2/token — the LWA-compatible token endpoint (SPEC §3): reads the request in any
// of its real-world shapes, answers from memory when it can and from storage when it must
// (token_service), and writes the LWA response. A refused request (invalid_client,
// invalid_grant) is answered `failure_delay` after it was read, not sooner, so that its timing
// does not tell an unknown client id from a known one with a wrong secret: the two take
// different work (a known client's secrets are read and compared), and no amount of dummy work
// makes rows that are not there cost what rows cost. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/handler.hpp"
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "metrics/service_metrics.hpp"
#include "runtime/storage_executor.hpp"
#include "storage/store.hpp"

namespace rekey::api {

class token_endpoint {
 public:
  // metrics may be null (nothing counted).
  token_endpoint(token_service& tokens, store& storage, storage_executor& executor, millis failure_delay,
                 metrics::service_metrics* metrics = nullptr)
      : tokens_(tokens), storage_(storage), executor_(executor), failure_delay_(failure_delay), metrics_(metrics) {}

  boost::asio::awaitable<response> handle(request_context& ctx);

 private:
  token_service& tokens_;
  store& storage_;
  storage_executor& executor_;
  millis failure_delay_;
  metrics::service_metrics* metrics_;
};

}  // namespace rekey::api
