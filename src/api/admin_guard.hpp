// admin_guard: who may call the admin API and the console's own routes, and the pieces every
// admin handler shares (its request as a `admin_call`, JSON answers, paging).
//
// A caller is let in with `Authorization: Bearer <admin token>` (the CLI, scripts) or with the
// console's session cookie (console_sessions.hpp). A cookie caller's request that can change
// anything (any method but GET and HEAD) must also carry the session's `X-CSRF-Token` and, when
// the browser says where it comes from (`Sec-Fetch-Site`, `Origin`), come from the same origin;
// otherwise it is refused 403 AccessDenied before its body is parsed. Wrong admin tokens and
// unknown session cookies count against the caller's address (failure_throttle): past the limit
// that address gets 429 before its token or cookie is looked at, and wrong tokens are logged (at
// most one line per 10 s). Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/handler.hpp"
#include "auth/failure_throttle.hpp"
#include "console/admin_token.hpp"
#include "console/console_sessions.hpp"
#include "core/log_limiter.hpp"
#include "http/router.hpp"
#include "metrics/service_metrics.hpp"

namespace rekey::api {

// One admin request, let in and with its body read.
struct admin_call {
  request_context& ctx;
  boost::json::object body;
  unsigned version() const { return ctx.req.version(); }
  std::string param(std::string_view name) const { return std::string(ctx.param(name)); }
  // A query-string parameter ("state" of "?state=dead"), percent-decoded; empty when absent.
  std::string query(std::string_view name) const;
};

// The console's session cookie.
inline constexpr std::string_view session_cookie = "rekey_session";

class admin_guard {
 public:
  // metrics may be null (nothing counted).
  admin_guard(const admin_token& token, failure_throttle& failures, const console_sessions& sessions,
              const clock& clock, metrics::service_metrics* metrics = nullptr)
      : token_(token), failures_(failures), sessions_(sessions), clock_(clock), metrics_(metrics) {}

  using method = std::function<boost::asio::awaitable<response>(admin_call&)>;
  // The router's handler for `m`: lets the caller in (else the ErrorList of the refusal) and
  // reads the body as a JSON object (else 400), then runs m.
  http::handler guarded(method m) const;
  // The same for a member function of a route table (admin_api, queue_admin_api, system_api).
  template <class Api>
  http::handler guarded(Api* self, boost::asio::awaitable<response> (Api::*m)(admin_call&)) const {
    return guarded([self, m](admin_call& c) { return (self->*m)(c); });
  }

  // Whether the request may go on: admin_unauthorized, slow_down, access_denied.
  [[nodiscard]] result<void> admit(const request_context& ctx) const;
  // Whether `presented` is the admin token; counts and logs a wrong one against the peer.
  // slow_down when the peer is past its limit (the token is then not looked at).
  [[nodiscard]] result<void> check_token(const request_context& ctx, std::string_view presented) const;

 private:
  const admin_token& token_;
  failure_throttle& failures_;
  const console_sessions& sessions_;
  const clock& clock_;
  metrics::service_metrics* metrics_;
  mutable log_limiter refusals_logged_{std::chrono::seconds(10)};
};

// Whether the browser says the request comes from the page's own origin (Sec-Fetch-Site, Origin
// against Host); true when it says nothing (a client that is not a browser).
bool from_same_origin(const request_context& ctx);
// Reads a JSON object body; an empty body is an empty object; nullopt when it is not one.
std::optional<boost::json::object> object_body(const std::string& body);

// The value of cookie `name` in the request's Cookie header; empty when absent.
std::string_view cookie_value(const request_context& ctx, std::string_view name);

// A JSON answer, never cached.
response json_response(status s, unsigned version, const boost::json::value& body);
// 400 InvalidInput with `why` as its details.
response invalid(unsigned version, std::string_view why);
// The ErrorList for a failed service call (service_unavailable included).
response failed(const boost::system::error_code& ec, const request_context& ctx);

// offset and limit of a list's page from the query string; nullopt (and `why`) when malformed.
struct page_request {
  std::size_t offset = 0;
  std::size_t limit = 50;
};
std::optional<page_request> read_page(const admin_call& c, std::string& why);
// A paged list's answer: the page's items under `name`, with the page and the total.
boost::json::object page_answer(std::string_view name, boost::json::array items, const page_request& page,
                                std::size_t total);
// The page of `items` (a whole list) as page_answer, each item made JSON by `to_json`.
template <class Items, class ToJson>
boost::json::object page_of(std::string_view name, const Items& items, const page_request& page, ToJson to_json) {
  boost::json::array list;
  for (std::size_t i = page.offset; i < items.size() && list.size() < page.limit; ++i)
    list.push_back(to_json(items[i]));
  return page_answer(name, std::move(list), page, items.size());
}

}  // namespace rekey::api
