// admin_api: the admin REST API under /admin/v1/ that the CLI (and later the web console)
// call. Every call needs `Authorization: Bearer <admin token>`. Requests and responses are
// JSON; errors are ErrorLists. Secrets are never returned except the one-time values of
// application creation and refresh-token creation. Thread-safe.
//
//   POST /admin/v1/applications                       {"name", "rotateRate"?, "rotateBurst"?}
//   GET  /admin/v1/applications
//   GET  /admin/v1/applications/{id}
//   POST /admin/v1/applications/{id}/destinations     {"kind":"embedded","queue"}
//   PUT  /admin/v1/applications/{id}/subscriptions/{notificationType}   {"destinationId"}
//   POST /admin/v1/applications/{id}/refresh-tokens
//   POST /admin/v1/applications/{id}/secrets/{secretId}/revoke
//   GET  /admin/v1/audit?after=N&limit=M           entries after seq N, oldest first
//   GET  /admin/v1/audit/verify                    {"ok", "entries", "firstBad"?, "why"?}
//   GET  /admin/v1/dev/clock, POST {"advance":"89d"}   --dev only: rekey's clock (time travel)
//
// Every change made through it is recorded in the audit trail (actor "admin").
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>

#include "console/admin_service.hpp"
#include "console/admin_token.hpp"
#include "core/offset_clock.hpp"
#include "delivery/publisher.hpp"
#include "http/message.hpp"
#include "http/storage_executor.hpp"

namespace rekey {

class admin_api {
 public:
  // Sends a test message to a destination through its real delivery path.
  using destination_tester = std::function<boost::asio::awaitable<delivery_outcome>(const destination_record&)>;

  // wake_relay: called when the outbox relay has work sooner than it thinks (a delivery made due
  // again, the clock moved). dev_clock: the clock to move in --dev mode; null otherwise, and then
  // /admin/v1/dev/ does not exist.
  admin_api(admin_service& service, const admin_token& token, http::storage_executor& executor, const clock& clock,
            std::function<void()> wake_relay = {}, destination_tester tester = {}, offset_clock* dev_clock = nullptr)
      : service_(service),
        token_(token),
        executor_(executor),
        clock_(clock),
        wake_relay_(std::move(wake_relay)),
        tester_(std::move(tester)),
        dev_clock_(dev_clock) {}

  // Handles every request under /admin/v1/.
  boost::asio::awaitable<http::response> handle(http::request_context& ctx);

 private:
  admin_service& service_;
  const admin_token& token_;
  http::storage_executor& executor_;
  const clock& clock_;
  boost::asio::awaitable<void> audit(const http::request_context& ctx, std::string action, std::string application_id,
                                     std::string detail);

  std::function<void()> wake_relay_;
  destination_tester tester_;
  offset_clock* dev_clock_;
};

}  // namespace rekey
