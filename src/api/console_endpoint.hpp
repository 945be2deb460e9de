// console_endpoint: the web console under /console/ — its page and assets (web_assets.hpp) and its
// session routes, /console/api/session: POST signs in with the admin token (a session cookie and
// a CSRF token), GET answers the session's CSRF token, DELETE signs out. Every answer carries the
// console's security headers (a strict Content-Security-Policy with no inline script,
// frame-ancestors 'none', nosniff, no referrer, no caching). Sign-ins are throttled like wrong
// admin tokens (admin_guard) and each sign-in, refused sign-in and sign-out is written to the
// audit trail. The routes and headers are in docs/console.md. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/admin_guard.hpp"
#include "console/admin_service.hpp"
#include "console/console_sessions.hpp"
#include "http/router.hpp"

namespace rekey::api {

// The console's Content-Security-Policy.
inline constexpr std::string_view console_csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

class console_endpoint {
 public:
  // secure_cookie: the listener has TLS, so the cookie gets `Secure`.
  console_endpoint(admin_service& service, const admin_guard& guard, console_sessions& sessions,
                   storage_executor& executor, bool secure_cookie)
      : service_(service), guard_(guard), sessions_(sessions), executor_(executor), secure_cookie_(secure_cookie) {}

  void add_routes(http::router& routes);

 private:
  boost::asio::awaitable<response> asset(request_context& ctx);
  boost::asio::awaitable<response> sign_in(request_context& ctx);
  boost::asio::awaitable<response> show_session(request_context& ctx);
  boost::asio::awaitable<response> sign_out(request_context& ctx);
  // Writes a console event to the audit trail; a failure is logged, not answered.
  boost::asio::awaitable<void> record(const request_context& ctx, std::string actor, std::string action);

  admin_service& service_;
  const admin_guard& guard_;
  console_sessions& sessions_;
  storage_executor& executor_;
  bool secure_cookie_;
};

}  // namespace rekey::api
