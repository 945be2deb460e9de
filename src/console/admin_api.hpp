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
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>

#include "console/admin_service.hpp"
#include "console/admin_token.hpp"
#include "delivery/publisher.hpp"
#include "http/message.hpp"
#include "http/storage_executor.hpp"

namespace rekey {

class admin_api {
 public:
  // Sends a test message to a destination through its real delivery path.
  using destination_tester = std::function<boost::asio::awaitable<delivery_outcome>(const destination_record&)>;

  // on_retry: called after a delivery was made due again (wakes the outbox relay).
  admin_api(admin_service& service, const admin_token& token, http::storage_executor& executor, const clock& clock,
            std::function<void()> on_retry = {}, destination_tester tester = {})
      : service_(service),
        token_(token),
        executor_(executor),
        clock_(clock),
        on_retry_(std::move(on_retry)),
        tester_(std::move(tester)) {}

  // Handles every request under /admin/v1/.
  boost::asio::awaitable<http::response> handle(http::request_context& ctx);

 private:
  admin_service& service_;
  const admin_token& token_;
  http::storage_executor& executor_;
  const clock& clock_;
  std::function<void()> on_retry_;
  destination_tester tester_;
};

}  // namespace rekey
