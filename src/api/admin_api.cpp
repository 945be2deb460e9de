#include "api/admin_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "api/admin_body.hpp"
#include "api/admin_json.hpp"
#include "api/error_response.hpp"
#include "core/duration.hpp"
#include "core/time_format.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using awaitable_response = boost::asio::awaitable<response>;

response json_response(status s, unsigned version, const json::value& body) {
  response res{s, version};
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, "no-store");
  res.body() = json::serialize(body);
  return res;
}

// "state=dead" from a target's query string; empty when absent.
std::string query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = std::min(rest.find('&'), rest.size());
    const auto pair = rest.substr(0, amp);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    rest = amp < rest.size() ? rest.substr(amp + 1) : std::string_view();
  }
  return {};
}

std::string_view target_of(const request_context& ctx) {
  return std::string_view(ctx.req.target().data(), ctx.req.target().size());
}

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

// Reads a JSON object body; an empty body is an empty object.
std::optional<json::object> object_body(const std::string& body) {
  if (is_blank(body)) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

response invalid(unsigned version, std::string_view why) {
  return error_list_response(errc::invalid_input, version, why);
}

// The ErrorList for a failed service call (service_unavailable included).
response failed(const boost::system::error_code& ec, const request_context& ctx) {
  return error_list_response(to_errc(ec, ctx.request_id, "admin"), ctx.req.version());
}

}  // namespace

void admin_api::add_routes(http::router& routes) {
  routes.add(verb::post, "/admin/v1/applications", guarded(&admin_api::create_application));
  routes.add(verb::get, "/admin/v1/applications", guarded(&admin_api::list_applications));
  routes.add(verb::get, "/admin/v1/applications/{id}", guarded(&admin_api::show_application));
  routes.add(verb::post, "/admin/v1/applications/{id}/destinations", guarded(&admin_api::create_destination));
  routes.add(verb::put, "/admin/v1/applications/{id}/subscriptions/{type}", guarded(&admin_api::set_subscription));
  routes.add(verb::post, "/admin/v1/applications/{id}/refresh-tokens", guarded(&admin_api::create_refresh_token));
  routes.add(verb::post, "/admin/v1/applications/{id}/secrets/{secretId}/revoke", guarded(&admin_api::revoke_secret));
  routes.add(verb::get, "/admin/v1/deliveries", guarded(&admin_api::list_deliveries));
  routes.add(verb::post, "/admin/v1/deliveries/{id}/retry", guarded(&admin_api::retry_delivery));
  routes.add(verb::post, "/admin/v1/access-keys", guarded(&admin_api::create_access_key));
  routes.add(verb::get, "/admin/v1/audit", guarded(&admin_api::list_audit));
  routes.add(verb::get, "/admin/v1/audit/verify", guarded(&admin_api::verify_audit));
  if (tester_) routes.add(verb::post, "/admin/v1/destinations/{id}/test", guarded(&admin_api::test_destination));
  if (dev_clock_ != nullptr) {
    routes.add(verb::get, "/admin/v1/dev/clock", guarded(&admin_api::show_dev_clock));
    routes.add(verb::post, "/admin/v1/dev/clock", guarded(&admin_api::advance_dev_clock));
  }
  routes.add_prefix("/admin/v1/", guarded(&admin_api::not_found));
}

result<void> admin_api::authenticate(const request_context& ctx) {
  const auto now = clock_.now();
  if (failures_.throttled("", ctx.peer, now)) return errc::slow_down;
  if (token_.verify(bearer(ctx.header("Authorization")))) return {};
  failures_.record_failure("", ctx.peer, now);
  if (const auto held = refusals_logged_.admit(std::chrono::steady_clock::now())) {
    spdlog::warn("request_id={} admin: refused a wrong or missing admin token from {} ({} more not logged)",
                 ctx.request_id, ctx.peer, *held);
  }
  return errc::admin_unauthorized;
}

http::handler admin_api::guarded(method m) {
  return [this, m](request_context& ctx) -> awaitable_response {
    if (auto authenticated = authenticate(ctx); !authenticated) {
      co_return error_list_response(to_errc(authenticated.error(), ctx.request_id, "admin"), ctx.req.version());
    }
    auto body = object_body(ctx.req.body());
    if (!body) co_return invalid(ctx.req.version(), "The body must be a JSON object.");
    call c{ctx, std::move(*body)};
    co_return co_await (this->*m)(c);
  };
}

awaitable_response admin_api::not_found(call& c) { co_return error_list_response(errc::not_found, c.version()); }

awaitable_response admin_api::create_application(call& c) {
  admin_body fields(c.body, {"name", "rotateRate", "rotateBurst"});
  const auto name = fields.text("name", 200, true);
  const auto rate = fields.positive_number("rotateRate", 1'000'000);
  const auto burst = fields.integer("rotateBurst", 1, 1'000'000);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created = co_await executor_.run([&] {
    return service_.create_application(c.ctx.request_id, *name, rate,
                                       burst ? std::optional<unsigned>(static_cast<unsigned>(*burst)) : std::nullopt);
  });
  if (!created) co_return failed(created.error(), c.ctx);
  auto o = to_json(created->app);
  o["clientSecret"] = created->client_secret;
  o["secret"] = to_json(created->secret, clock_.now());
  spdlog::info("request_id={} admin created application={}", c.ctx.request_id, created->app.id);
  co_return json_response(status::created, c.version(), o);
}

awaitable_response admin_api::list_applications(call& c) {
  auto apps = co_await executor_.run([&] { return service_.list_applications(); });
  if (!apps) co_return failed(apps.error(), c.ctx);
  json::array list;
  for (const auto& a : *apps) list.push_back(to_json(a));
  co_return json_response(status::ok, c.version(), json::object{{"applications", std::move(list)}});
}

awaitable_response admin_api::show_application(call& c) {
  const auto id = c.param("id");
  auto details = co_await executor_.run([&] { return service_.show_application(id); });
  if (!details) co_return failed(details.error(), c.ctx);
  co_return json_response(status::ok, c.version(), to_json(*details, clock_.now()));
}

awaitable_response admin_api::create_destination(call& c) {
  const auto* kind_field = c.body.if_contains("kind");
  if (kind_field != nullptr && !kind_field->is_string()) {
    co_return invalid(c.version(), "kind must be \"embedded\", \"webhook\" or \"sqs\".");
  }
  const auto kind = string_field(c.body, "kind").value_or("embedded");
  if (kind == "webhook") co_return co_await create_webhook_destination(c);
  if (kind == "sqs") co_return co_await create_sqs_destination(c);
  if (kind == "embedded") co_return co_await create_embedded_destination(c);
  co_return invalid(c.version(), "kind must be \"embedded\", \"webhook\" or \"sqs\".");
}

awaitable_response admin_api::create_webhook_destination(call& c) {
  const auto app_id = c.param("id");
  admin_body fields(c.body, {"kind", "url"});
  const auto url = fields.text("url", 2048, true);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created =
      co_await executor_.run([&] { return service_.create_webhook_destination(c.ctx.request_id, app_id, *url); });
  if (!created) co_return failed(created.error(), c.ctx);
  auto o = to_json(created->first);
  o["signingSecret"] = created->second;
  co_return json_response(status::created, c.version(), o);
}

awaitable_response admin_api::create_sqs_destination(call& c) {
  const auto app_id = c.param("id");
  admin_body fields(c.body, {"kind", "queueUrl", "region", "accessKeyId", "secretAccessKey"});
  const auto queue_url = fields.text("queueUrl", 2048, true);
  const auto key_id = fields.text("accessKeyId", 128, true);
  const auto secret = fields.text("secretAccessKey", 256, true);
  const auto region = fields.text("region", 32, false).value_or("us-east-1");
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created = co_await executor_.run(
      [&] { return service_.create_sqs_destination(c.ctx.request_id, app_id, *queue_url, region, *key_id, *secret); });
  if (!created) co_return failed(created.error(), c.ctx);
  co_return json_response(status::created, c.version(), to_json(*created));
}

awaitable_response admin_api::create_embedded_destination(call& c) {
  const auto app_id = c.param("id");
  admin_body fields(c.body, {"kind", "queue"});
  const auto queue = fields.text("queue", 256, true);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created =
      co_await executor_.run([&] { return service_.create_embedded_destination(c.ctx.request_id, app_id, *queue); });
  if (!created) co_return failed(created.error(), c.ctx);
  co_return json_response(status::created, c.version(), to_json(*created));
}

awaitable_response admin_api::set_subscription(call& c) {
  const auto app_id = c.param("id");
  const auto type = c.param("type");
  admin_body fields(c.body, {"destinationId"});
  const auto destination = fields.text("destinationId", 128, true);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto set =
      co_await executor_.run([&] { return service_.set_subscription(c.ctx.request_id, app_id, type, *destination); });
  if (!set) co_return failed(set.error(), c.ctx);
  co_return json_response(status::ok, c.version(), to_json(*set));
}

awaitable_response admin_api::create_refresh_token(call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto app_id = c.param("id");
  auto token = co_await executor_.run([&] { return service_.create_refresh_token(c.ctx.request_id, app_id); });
  if (!token) co_return failed(token.error(), c.ctx);
  co_return json_response(status::created, c.version(),
                          json::object{{"applicationId", app_id}, {"refreshToken", *token}});
}

awaitable_response admin_api::revoke_secret(call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto app_id = c.param("id");
  const auto secret_id = c.param("secretId");
  auto revoked = co_await executor_.run([&] { return service_.revoke_secret(app_id, secret_id, c.ctx.request_id); });
  if (!revoked) co_return failed(revoked.error(), c.ctx);
  spdlog::warn("request_id={} admin revoked secret {} of application={}", c.ctx.request_id, secret_id, app_id);
  co_return json_response(status::ok, c.version(), to_json(*revoked, clock_.now()));
}

awaitable_response admin_api::test_destination(call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto found = co_await executor_.run([&] { return service_.find_destination(id); });
  if (!found) co_return failed(found.error(), c.ctx);
  const auto outcome = co_await tester_(*found);
  json::object answer{{"destinationId", id}, {"delivered", outcome.delivered}};
  if (!outcome.delivered) answer["error"] = outcome.error;
  co_return json_response(outcome.delivered ? status::ok : status::bad_gateway, c.version(), answer);
}

awaitable_response admin_api::list_deliveries(call& c) {
  const auto state = parse_outbox_state(query_param(target_of(c.ctx), "state"));
  if (!state) co_return invalid(c.version(), "state must be pending, delivered or dead.");
  auto items = co_await executor_.run([&] { return service_.list_deliveries(*state); });
  if (!items) co_return failed(items.error(), c.ctx);
  json::array list;
  for (const auto& item : *items) list.push_back(to_json(item));
  co_return json_response(status::ok, c.version(), json::object{{"deliveries", std::move(list)}});
}

awaitable_response admin_api::retry_delivery(call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto retried = co_await executor_.run([&] { return service_.retry_delivery(c.ctx.request_id, id); });
  if (!retried) co_return failed(retried.error(), c.ctx);
  if (wake_relay_) wake_relay_();
  co_return json_response(status::ok, c.version(), to_json(*retried));
}

awaitable_response admin_api::create_access_key(call& c) {
  admin_body fields(c.body, {"account"});
  const auto account = fields.text("account", 12, true);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created = co_await executor_.run([&] { return service_.create_access_key(c.ctx.request_id, *account); });
  if (!created) co_return failed(created.error(), c.ctx);
  spdlog::info("request_id={} admin created access key {} for account {}", c.ctx.request_id, created->id,
               created->account);
  co_return json_response(
      status::created, c.version(),
      json::object{{"accessKeyId", created->id}, {"secretAccessKey", created->secret}, {"account", created->account}});
}

awaitable_response admin_api::list_audit(call& c) {
  std::int64_t after = 0;
  int limit = 1000;
  const auto after_text = query_param(target_of(c.ctx), "after");
  const auto limit_text = query_param(target_of(c.ctx), "limit");
  if (!after_text.empty()) after = std::strtoll(after_text.c_str(), nullptr, 10);
  if (!limit_text.empty()) limit = std::clamp(std::atoi(limit_text.c_str()), 1, 10'000);
  auto entries = co_await executor_.run([&] { return service_.list_audit(after, limit); });
  if (!entries) co_return failed(entries.error(), c.ctx);
  json::array list;
  for (const auto& e : *entries) list.push_back(to_json(e));
  co_return json_response(status::ok, c.version(), json::object{{"entries", std::move(list)}});
}

awaitable_response admin_api::verify_audit(call& c) {
  auto checked = co_await executor_.run([&] { return service_.verify_audit(); });
  if (!checked) co_return failed(checked.error(), c.ctx);
  json::object o{{"ok", !checked->first_bad}, {"entries", checked->entries}};
  if (checked->first_bad) {
    o["firstBad"] = to_json(*checked->first_bad);
    o["why"] = checked->why;
  }
  co_return json_response(status::ok, c.version(), o);
}

awaitable_response admin_api::show_dev_clock(call& c) {
  co_return json_response(status::ok, c.version(),
                          json::object{{"now", to_iso8601(clock_.now())}, {"offsetMs", dev_clock_->offset().count()}});
}

awaitable_response admin_api::advance_dev_clock(call& c) {
  admin_body fields(c.body, {"advance"});
  const auto text = fields.text("advance", 32, false);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto by = text ? parse_duration(*text) : result<millis>(errc::invalid_input);
  if (!by || by->count() <= 0) {
    co_return invalid(c.version(), "advance must be a positive duration such as 89d, 12h or 30s.");
  }
  if (!dev_clock_->advance(*by)) {
    co_return invalid(c.version(), "advance would move rekey's clock past the year 9999.");
  }
  const auto offset = dev_clock_->offset();
  auto saved = co_await executor_.run([&] { return service_.save_dev_clock_offset(c.ctx.request_id, offset, *text); });
  if (!saved) spdlog::warn("request_id={} dev clock offset not saved", c.ctx.request_id);
  spdlog::warn("request_id={} dev clock advanced by {}; it now reads {}", c.ctx.request_id, *text,
               to_iso8601(clock_.now()));
  if (wake_relay_) wake_relay_();
  co_return co_await show_dev_clock(c);
}

}  // namespace rekey::api
