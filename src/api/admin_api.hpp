// admin_api: the admin REST API under /admin/v1/ for applications, their secrets, destinations,
// subscriptions and deliveries, the audit trail and the --dev clock, as a route table:
// add_routes() puts one line per route into the router, each to one handler method. Callers are
// let in by admin_guard (the admin token, or the console's session with its CSRF token); bodies
// are JSON objects (else 400); errors are ErrorLists; an unknown path under /admin/v1/ is 404.
// Secrets are never returned except the one-time values of creation calls. Thread-safe.
// The routes and their bodies are listed in docs/architecture.md ("Admin API"); the queue and
// system routes are queue_admin_api's and system_api's.
//
// Every change made through it is recorded in the audit trail (actor "admin").
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

#include "api/admin_guard.hpp"
#include "console/admin_service.hpp"
#include "core/offset_clock.hpp"
#include "delivery/publisher.hpp"
#include "http/router.hpp"
#include "rotation/rate_limit_mirror.hpp"
#include "rotation/rotation_service.hpp"

namespace rekey::api {

class admin_api {
 public:
  // Sends a test message to a destination through its real delivery path.
  using destination_tester = std::function<boost::asio::awaitable<delivery_outcome>(const destination_record&)>;

  // What the routes reach beyond the admin service; each may be absent.
  struct options {
    // Called when the outbox relay has work sooner than it thinks (a delivery made due again,
    // the clock moved).
    std::function<void()> wake_relay;
    // Absent: POST …/destinations/{id}/test does not exist.
    destination_tester tester;
    // The clock to move in --dev mode; null otherwise, and then /admin/v1/dev/ does not exist.
    offset_clock* dev_clock = nullptr;
    // Null: POST …/applications/{id}/rotate does not exist.
    rotation_service* rotation = nullptr;
    // After a rotation from the console: wakes its queue's long polls or the relay.
    std::function<void(const rotation_outcome&)> rotated;
    // Forgets an application's remembered rate-limit refusal when its usage plan changes.
    rate_limit_mirror* mirror = nullptr;
    // Its expiry warnings set the application list's "warning" badge.
    secret_policy_config policy;
  };

  admin_api(admin_service& service, const admin_guard& guard, storage_executor& executor, const clock& clock,
            options options)
      : service_(service), guard_(guard), executor_(executor), clock_(clock), options_(std::move(options)) {}

  void add_routes(http::router& routes);

 private:
  boost::asio::awaitable<response> create_application(admin_call& c);
  boost::asio::awaitable<response> list_applications(admin_call& c);
  boost::asio::awaitable<response> show_application(admin_call& c);
  boost::asio::awaitable<response> update_usage_plan(admin_call& c);
  boost::asio::awaitable<response> rotate(admin_call& c);
  boost::asio::awaitable<response> create_destination(admin_call& c);
  boost::asio::awaitable<response> set_subscription(admin_call& c);
  boost::asio::awaitable<response> delete_subscription(admin_call& c);
  boost::asio::awaitable<response> create_refresh_token(admin_call& c);
  boost::asio::awaitable<response> revoke_secret(admin_call& c);
  boost::asio::awaitable<response> test_destination(admin_call& c);
  boost::asio::awaitable<response> list_deliveries(admin_call& c);
  boost::asio::awaitable<response> retry_delivery(admin_call& c);
  boost::asio::awaitable<response> create_access_key(admin_call& c);
  boost::asio::awaitable<response> list_audit(admin_call& c);
  boost::asio::awaitable<response> verify_audit(admin_call& c);
  boost::asio::awaitable<response> show_dev_clock(admin_call& c);
  boost::asio::awaitable<response> advance_dev_clock(admin_call& c);

  // The destination the body asks for: embedded (default), webhook or sqs.
  boost::asio::awaitable<response> create_webhook_destination(admin_call& c);
  boost::asio::awaitable<response> create_sqs_destination(admin_call& c);
  boost::asio::awaitable<response> create_embedded_destination(admin_call& c);

  admin_service& service_;
  const admin_guard& guard_;
  storage_executor& executor_;
  const clock& clock_;
  options options_;
};

}  // namespace rekey::api
