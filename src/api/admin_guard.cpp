#include "api/admin_guard.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <charconv>

#include "api/error_response.hpp"
#include "core/form_decode.hpp"
#include "crypto/bytes.hpp"
#include "crypto/hmac.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;

// The token of "Bearer <token>"; the scheme is case-insensitive (RFC 9110 §11.1).
std::string_view bearer(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return {};
  }
  auto token = authorization.substr(scheme.size());
  while (token.starts_with(' ')) token.remove_prefix(1);
  return token;
}

bool changes_state(verb method) { return method != verb::get && method != verb::head; }

// "host:port" of an Origin such as "http://127.0.0.1:8080".
std::string_view origin_authority(std::string_view origin) {
  const auto scheme_end = origin.find("://");
  return scheme_end == std::string_view::npos ? std::string_view() : origin.substr(scheme_end + 3);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && constant_time_equal(as_bytes(a), as_bytes(b));
}

}  // namespace

// Browsers send Sec-Fetch-Site on every request and Origin on every POST; a client that sends
// neither (curl with a stolen cookie) still needs the CSRF token.
bool from_same_origin(const request_context& ctx) {
  const auto site = ctx.header("Sec-Fetch-Site");
  if (!site.empty() && site != "same-origin") return false;
  const auto origin = ctx.header("Origin");
  if (origin.empty()) return true;
  const auto host = ctx.header("Host");
  return !host.empty() && origin_authority(origin) == host;
}

std::optional<json::object> object_body(const std::string& body) {
  if (is_blank(body)) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string admin_call::query(std::string_view name) const {
  const std::string_view target(ctx.req.target().data(), ctx.req.target().size());
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string out;
  for_each_form_field(target.substr(q + 1), [&](const std::string& key, const std::string& value) {
    if (key != name) return true;
    out = value;
    return false;
  });
  return out;
}

std::string_view cookie_value(const request_context& ctx, std::string_view name) {
  std::string_view rest = ctx.header("Cookie");
  while (!rest.empty()) {
    const auto semi = std::min(rest.find(';'), rest.size());
    auto pair = rest.substr(0, semi);
    while (pair.starts_with(' ')) pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    rest = semi < rest.size() ? rest.substr(semi + 1) : std::string_view();
  }
  return {};
}

result<void> admin_guard::check_token(const request_context& ctx, std::string_view presented) const {
  const auto now = clock_.now();
  if (failures_.throttled("", ctx.peer, now)) return errc::slow_down;
  if (token_.verify(presented)) return {};
  failures_.record_failure("", ctx.peer, now);
  if (metrics_ != nullptr) metrics_->authentication_failed(metrics::auth_failure::admin_token);
  if (const auto held = refusals_logged_.admit(std::chrono::steady_clock::now())) {
    spdlog::warn("request_id={} admin: refused a wrong or missing admin token from {} ({} more not logged)",
                 ctx.request_id, ctx.peer, *held);
  }
  return errc::admin_unauthorized;
}

result<void> admin_guard::admit(const request_context& ctx) const {
  const auto authorization = ctx.header("Authorization");
  const auto cookie = cookie_value(ctx, session_cookie);
  if (authorization.empty() && !cookie.empty()) {
    const auto now = clock_.now();
    if (failures_.throttled("", ctx.peer, now)) return errc::slow_down;
    const auto session = sessions_.find(cookie);
    if (!session) {  // expired or made up: counted like a wrong token
      failures_.record_failure("", ctx.peer, now);
      if (metrics_ != nullptr) metrics_->authentication_failed(metrics::auth_failure::console_session);
      return errc::admin_unauthorized;
    }
    if (changes_state(ctx.req.method()) &&
        (!from_same_origin(ctx) || !equal_in_constant_time(ctx.header("X-CSRF-Token"), session->csrf_token))) {
      return errc::access_denied;
    }
    return {};
  }
  return check_token(ctx, bearer(authorization));
}

http::handler admin_guard::guarded(method m) const {
  return [this, m = std::move(m)](request_context& ctx) -> boost::asio::awaitable<response> {
    if (auto admitted = admit(ctx); !admitted) {
      co_return error_list_response(to_errc(admitted.error(), ctx.request_id, "admin"), ctx.req.version());
    }
    auto body = object_body(ctx.req.body());
    if (!body) co_return invalid(ctx.req.version(), "The body must be a JSON object.");
    admin_call c{ctx, std::move(*body)};
    co_return co_await m(c);
  };
}

response json_response(status s, unsigned version, const json::value& body) {
  response res{s, version};
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, "no-store");
  res.body() = json::serialize(body);
  return res;
}

response invalid(unsigned version, std::string_view why) {
  return error_list_response(errc::invalid_input, version, why);
}

response failed(const boost::system::error_code& ec, const request_context& ctx) {
  return error_list_response(to_errc(ec, ctx.request_id, "admin"), ctx.req.version());
}

std::optional<page_request> read_page(const admin_call& c, std::string& why) {
  page_request page;
  const auto read = [](const std::string& text, std::size_t& out, std::size_t min, std::size_t max) {
    if (text.empty()) return true;
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < min || v > max) return false;
    out = v;
    return true;
  };
  if (!read(c.query("offset"), page.offset, 0, 1'000'000'000)) {
    why = "offset must be a whole number.";
    return std::nullopt;
  }
  if (!read(c.query("limit"), page.limit, 1, 500)) {
    why = "limit must be a whole number from 1 to 500.";
    return std::nullopt;
  }
  return page;
}

json::object page_answer(std::string_view name, json::array items, const page_request& page, std::size_t total) {
  return {{name, std::move(items)}, {"offset", page.offset}, {"limit", page.limit}, {"total", total}};
}

}  // namespace rekey::api
