// admin_api: the admin REST API under /admin/v1/ that the CLI (and later the web console)
// call, as a route table: add_routes() puts one line per route into the router, each to one
// handler method. Every call needs `Authorization: Bearer <admin token>` (else 401); bodies
// are JSON objects (else 400); errors are ErrorLists; an unknown path under /admin/v1/ is 404.
// Secrets are never returned except the one-time values of creation calls. Wrong admin tokens
// count against the caller's address (failure_throttle): past the limit that address gets 429
// before its token is looked at, and refusals are logged (at most one line per 10 s, with the
// count held back). Thread-safe.
// The routes and their bodies are listed in docs/architecture.md ("Admin API").
//
// Every change made through it is recorded in the audit trail (actor "admin").
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <string>

#include "api/handler.hpp"
#include "auth/failure_throttle.hpp"
#include "console/admin_service.hpp"
#include "console/admin_token.hpp"
#include "core/log_limiter.hpp"
#include "core/offset_clock.hpp"
#include "delivery/publisher.hpp"
#include "http/router.hpp"

namespace rekey::api {

class admin_api {
 public:
  // Sends a test message to a destination through its real delivery path.
  using destination_tester = std::function<boost::asio::awaitable<delivery_outcome>(const destination_record&)>;

  // wake_relay: called when the outbox relay has work sooner than it thinks (a delivery made due
  // again, the clock moved). tester: absent, and POST …/destinations/{id}/test does not exist.
  // dev_clock: the clock to move in --dev mode; null otherwise, and then /admin/v1/dev/ does
  // not exist.
  // failures: where wrong admin tokens are counted, per address.
  admin_api(admin_service& service, const admin_token& token, failure_throttle& failures, storage_executor& executor,
            const clock& clock, std::function<void()> wake_relay = {}, destination_tester tester = {},
            offset_clock* dev_clock = nullptr)
      : service_(service),
        token_(token),
        failures_(failures),
        executor_(executor),
        clock_(clock),
        wake_relay_(std::move(wake_relay)),
        tester_(std::move(tester)),
        dev_clock_(dev_clock) {}

  void add_routes(http::router& routes);

 private:
  // One admin request, authenticated and with its body read.
  struct call {
    request_context& ctx;
    boost::json::object body;
    unsigned version() const { return ctx.req.version(); }
    std::string param(std::string_view name) const { return std::string(ctx.param(name)); }
  };
  using method = boost::asio::awaitable<response> (admin_api::*)(call&);

  // The router's handler for `m`: authenticates and reads the body first.
  http::handler guarded(method m);
  // After authentication and the body, nothing matched: 404.
  boost::asio::awaitable<response> not_found(call& c);

  boost::asio::awaitable<response> create_application(call& c);
  boost::asio::awaitable<response> list_applications(call& c);
  boost::asio::awaitable<response> show_application(call& c);
  boost::asio::awaitable<response> create_destination(call& c);
  boost::asio::awaitable<response> set_subscription(call& c);
  boost::asio::awaitable<response> create_refresh_token(call& c);
  boost::asio::awaitable<response> revoke_secret(call& c);
  boost::asio::awaitable<response> test_destination(call& c);
  boost::asio::awaitable<response> list_deliveries(call& c);
  boost::asio::awaitable<response> retry_delivery(call& c);
  boost::asio::awaitable<response> create_access_key(call& c);
  boost::asio::awaitable<response> list_audit(call& c);
  boost::asio::awaitable<response> verify_audit(call& c);
  boost::asio::awaitable<response> show_dev_clock(call& c);
  boost::asio::awaitable<response> advance_dev_clock(call& c);

  // The destination the body asks for: embedded (default), webhook or sqs.
  boost::asio::awaitable<response> create_webhook_destination(call& c);
  boost::asio::awaitable<response> create_sqs_destination(call& c);
  boost::asio::awaitable<response> create_embedded_destination(call& c);

  // Whether the request's bearer token is the admin token; counts and logs a wrong one.
  result<void> authenticate(const request_context& ctx);

  admin_service& service_;
  const admin_token& token_;
  failure_throttle& failures_;
  log_limiter refusals_logged_{std::chrono::seconds(10)};
  storage_executor& executor_;
  const clock& clock_;
  std::function<void()> wake_relay_;
  destination_tester tester_;
  offset_clock* dev_clock_;
};

}  // namespace rekey::api
