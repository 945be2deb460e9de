#include "api/console_endpoint.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>

#include "api/error_response.hpp"
#include "console/web_assets.hpp"
#include "core/time_format.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using awaitable_response = boost::asio::awaitable<response>;

constexpr std::string_view console_prefix = "/console/";

response with_console_headers(response res) {
  res.set("Content-Security-Policy", console_csp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set(beast_http::field::cache_control, "no-store");
  return res;
}

response session_answer(unsigned version, const console_session& session) {
  return with_console_headers(
      json_response(status::ok, version,
                    json::object{{"csrfToken", session.csrf_token}, {"expiresAt", to_iso8601(session.expires_at)}}));
}

response refused(errc e, unsigned version) { return with_console_headers(error_list_response(e, version)); }

}  // namespace

void console_endpoint::add_routes(http::router& routes) {
  routes.add(verb::get, "/console", [](request_context& ctx) -> awaitable_response {
    response res{status::moved_permanently, ctx.req.version()};
    res.set(beast_http::field::location, console_prefix);
    co_return with_console_headers(std::move(res));
  });
  routes.add(verb::post, "/console/api/session", [this](request_context& ctx) { return sign_in(ctx); });
  routes.add(verb::get, "/console/api/session", [this](request_context& ctx) { return show_session(ctx); });
  routes.add(verb::delete_, "/console/api/session", [this](request_context& ctx) { return sign_out(ctx); });
  const http::handler not_found = [](request_context& ctx) -> awaitable_response {
    co_return refused(errc::not_found, ctx.req.version());
  };
  routes.add_prefix("/console/api/", not_found);
  // A pattern for the two-segment paths (/console/console.css): patterns are tried in the order
  // added, and the SQS queue path /{account}/{queue} comes later.
  const http::handler serve = [this](request_context& ctx) { return asset(ctx); };
  routes.add(verb::get, "/console/{file}", serve);
  routes.add(verb::post, "/console/{file}", not_found);
  routes.add_prefix(std::string(console_prefix), serve);
}

awaitable_response console_endpoint::asset(request_context& ctx) {
  if (ctx.req.method() != verb::get) co_return refused(errc::not_found, ctx.req.version());
  auto path = http::path_of(std::string_view(ctx.req.target().data(), ctx.req.target().size()));
  path.remove_prefix(console_prefix.size());
  const auto found = find_web_asset(path.empty() ? "index.html" : path);
  if (!found) co_return refused(errc::not_found, ctx.req.version());
  response res{status::ok, ctx.req.version()};
  res.set(beast_http::field::content_type, found->content_type);
  res.body() = std::string(found->body);
  co_return with_console_headers(std::move(res));
}

boost::asio::awaitable<void> console_endpoint::record(const request_context& ctx, std::string actor,
                                                      std::string action) {
  const std::string detail = "from " + ctx.peer;
  auto recorded = co_await executor_.run(
      [&] { return service_.record_console_event(ctx.request_id, std::move(actor), std::move(action), detail); });
  if (!recorded) spdlog::warn("request_id={} console: the audit entry could not be written", ctx.request_id);
}

awaitable_response console_endpoint::sign_in(request_context& ctx) {
  const auto version = ctx.req.version();
  if (!from_same_origin(ctx)) co_return refused(errc::access_denied, version);
  const auto body = object_body(ctx.req.body());
  const auto* token = body ? body->if_contains("token") : nullptr;
  if (token == nullptr || !token->is_string()) {
    co_return with_console_headers(
        error_list_response(errc::invalid_input, version, "The body must be {\"token\": \"<admin token>\"}."));
  }
  if (auto checked = guard_.check_token(ctx, token->as_string()); !checked) {
    const auto e = to_errc(checked.error(), ctx.request_id, "console sign-in");
    if (e == errc::admin_unauthorized) co_await record(ctx, "console", "console.sign_in_failed");
    co_return refused(e, version);
  }
  const auto opened = sessions_.open();
  co_await record(ctx, "admin", "console.signed_in");
  auto res = session_answer(version, opened.session);
  res.set(beast_http::field::set_cookie,
          fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", session_cookie, opened.id,
                      sessions_.lifetime().count() / 1000, secure_cookie_ ? "; Secure" : ""));
  spdlog::info("request_id={} console: signed in from {}", ctx.request_id, ctx.peer);
  co_return res;
}

awaitable_response console_endpoint::show_session(request_context& ctx) {
  const auto session = sessions_.find(cookie_value(ctx, session_cookie));
  if (!session) co_return refused(errc::admin_unauthorized, ctx.req.version());
  co_return session_answer(ctx.req.version(), *session);
}

awaitable_response console_endpoint::sign_out(request_context& ctx) {
  const auto id = cookie_value(ctx, session_cookie);
  if (id.empty()) co_return refused(errc::admin_unauthorized, ctx.req.version());
  if (auto admitted = guard_.admit(ctx); !admitted) {
    co_return refused(to_errc(admitted.error(), ctx.request_id, "console sign-out"), ctx.req.version());
  }
  sessions_.close(id);
  co_await record(ctx, "admin", "console.signed_out");
  response res{status::no_content, ctx.req.version()};
  res.set(beast_http::field::set_cookie, fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
                                                     session_cookie, secure_cookie_ ? "; Secure" : ""));
  co_return with_console_headers(std::move(res));
}

}  // namespace rekey::api
