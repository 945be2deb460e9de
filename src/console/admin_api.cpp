#include "console/admin_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "core/duration.hpp"
#include "core/identifiers.hpp"
#include "core/time_format.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"

namespace rekey {
namespace {

namespace json = boost::json;
using http::response;
using http::status;
using http::verb;

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    const auto end = std::min(path.find('/', pos), path.size());
    if (end > pos) out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

response json_response(status s, unsigned version, const json::value& body) {
  response res{s, version};
  res.set(http::beast_http::field::content_type, "application/json");
  res.set(http::beast_http::field::cache_control, "no-store");
  res.body() = json::serialize(body);
  return res;
}

json::object render(const application_record& a) {
  json::object o{
      {"applicationId", a.id}, {"name", a.name}, {"clientId", a.client_id}, {"createdAt", to_iso8601(a.created_at)}};
  json::object plan;
  if (a.rotate_rate) plan["rotateRate"] = *a.rotate_rate;
  if (a.rotate_burst) plan["rotateBurst"] = *a.rotate_burst;
  o["usagePlan"] = std::move(plan);
  return o;
}

json::object render(const secret_record& s, time_point now) {
  const bool usable = s.state == secret_state::current || s.state == secret_state::old;
  return {{"secretId", s.id},
          {"fingerprint", s.fingerprint},
          {"state", to_string(s.state)},
          {"expired", usable && now >= s.expires_at},
          {"createdAt", to_iso8601(s.created_at)},
          {"expiresAt", to_iso8601(s.expires_at)},
          {"lastUsedAt", s.last_used_at ? json::value(to_iso8601(*s.last_used_at)) : json::value(nullptr)},
          {"useCount", s.use_count}};
}

json::object render(const audit_record& e) {
  return {{"seq", e.seq},
          {"at", to_iso8601(e.at)},
          {"actor", e.actor},
          {"action", e.action},
          {"applicationId", e.application_id},
          {"requestId", e.request_id},
          {"fingerprint", e.fingerprint},
          {"detail", e.detail},
          {"hash", to_hex(e.hash)}};
}

json::object render(const destination_record& d) {
  json::object o{{"destinationId", d.id}, {"kind", d.kind}, {"createdAt", to_iso8601(d.created_at)}};
  boost::system::error_code ec;
  auto config = json::parse(d.config_json, ec);
  if (!ec && config.is_object()) {
    config.as_object().erase("sealedSecret");  // sealed, but nobody outside needs it
    o["config"] = std::move(config);
  }
  return o;
}

json::object render(const subscription_record& s) {
  return {{"subscriptionId", s.id}, {"notificationType", s.notification_type}, {"destinationId", s.destination_id}};
}

json::object render(const outbox_record& o) {
  json::object out{{"notificationId", o.id},
                   {"applicationId", o.application_id},
                   {"notificationType", o.notification_type},
                   {"destinationId", o.destination_id},
                   {"state", to_string(o.state)},
                   {"attempts", o.attempts},
                   {"createdAt", to_iso8601(o.created_at)}};
  if (o.delivered_at) out["deliveredAt"] = to_iso8601(*o.delivered_at);
  if (o.state == outbox_state::pending) out["nextAttemptAt"] = to_iso8601(o.next_attempt_at);
  if (!o.last_error.empty()) out["lastError"] = o.last_error;
  return out;
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

std::string_view bearer(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (!authorization.starts_with(scheme)) return {};
  return authorization.substr(scheme.size());
}

// Reads a JSON object body; an empty body is an empty object.
std::optional<json::object> object_body(const std::string& body) {
  if (http::is_blank(body)) return json::object{};
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

response from_error(boost::system::error_code ec, const http::request_context& ctx) {
  if (ec.category() != rekey_category()) {
    spdlog::error("request_id={} admin: {}", ctx.request_id, ec.message());
    return http::error_list_response(errc::internal, ctx.req.version());
  }
  return http::error_list_response(static_cast<errc>(ec.value()), ctx.req.version());
}

}  // namespace

boost::asio::awaitable<void> admin_api::audit(const http::request_context& ctx, std::string action,
                                              std::string application_id, std::string detail) {
  audit_event event{"admin", std::move(action), std::move(application_id), ctx.request_id, "", std::move(detail)};
  auto recorded = co_await executor_.run([&] { return service_.record_admin_action(event); });
  if (!recorded || !*recorded)
    spdlog::error("request_id={} admin: the audit entry could not be written", ctx.request_id);
}

boost::asio::awaitable<response> admin_api::handle(http::request_context& ctx) {
  const unsigned version = ctx.req.version();
  if (!token_.verify(bearer(ctx.header("Authorization")))) {
    co_return http::error_list_response(errc::admin_unauthorized, version);
  }
  const auto path = http::path_of(std::string_view(ctx.req.target().data(), ctx.req.target().size()));
  const auto parts = segments(path);  // "admin", "v1", ...
  const auto method = ctx.req.method();
  const auto body = object_body(ctx.req.body());
  if (!body) co_return http::error_list_response(errc::invalid_input, version, "The body must be a JSON object.");
  const auto n = parts.size();
  const auto unavailable = [version] { return http::error_list_response(errc::service_unavailable, version); };

  if (n == 3 && parts[2] == "applications" && method == verb::post) {
    const auto name = string_field(*body, "name");
    std::optional<double> rate;
    std::optional<unsigned> burst;
    if (const auto* r = body->if_contains("rotateRate"); r && r->is_number()) rate = r->to_number<double>();
    if (const auto* b = body->if_contains("rotateBurst"); b && b->is_int64() && b->as_int64() > 0) {
      burst = static_cast<unsigned>(b->as_int64());
    }
    if (!name) co_return http::error_list_response(errc::invalid_input, version, "name is required.");
    auto created = co_await executor_.run([&] { return service_.create_application(*name, rate, burst); });
    if (!created) co_return unavailable();
    if (!*created) co_return from_error(created->error(), ctx);
    auto o = render((*created)->app);
    o["clientSecret"] = (*created)->client_secret;
    o["secret"] = render((*created)->secret, clock_.now());
    spdlog::info("request_id={} admin created application={}", ctx.request_id, (*created)->app.id);
    co_await audit(ctx, "application.created", (*created)->app.id, "name " + *name);
    co_return json_response(status::created, version, o);
  }
  if (n == 3 && parts[2] == "applications" && method == verb::get) {
    auto apps = co_await executor_.run([&] { return service_.list_applications(); });
    if (!apps) co_return unavailable();
    if (!*apps) co_return from_error(apps->error(), ctx);
    json::array list;
    for (const auto& a : **apps) list.push_back(render(a));
    co_return json_response(status::ok, version, json::object{{"applications", std::move(list)}});
  }
  if (n == 3 && parts[2] == "deliveries" && method == verb::get) {
    const auto state =
        parse_outbox_state(query_param(std::string_view(ctx.req.target().data(), ctx.req.target().size()), "state"));
    if (!state) {
      co_return http::error_list_response(errc::invalid_input, version, "state must be pending, delivered or dead.");
    }
    auto items = co_await executor_.run([&] { return service_.list_deliveries(*state); });
    if (!items) co_return unavailable();
    if (!*items) co_return from_error(items->error(), ctx);
    json::array list;
    for (const auto& item : **items) list.push_back(render(item));
    co_return json_response(status::ok, version, json::object{{"deliveries", std::move(list)}});
  }
  if (n == 5 && parts[2] == "deliveries" && parts[4] == "retry" && method == verb::post) {
    const std::string id(parts[3]);
    auto retried = co_await executor_.run([&] { return service_.retry_delivery(id); });
    if (!retried) co_return unavailable();
    if (!*retried) co_return from_error(retried->error(), ctx);
    if (wake_relay_) wake_relay_();
    co_await audit(ctx, "delivery.retried", (*retried)->application_id, "notification " + id);
    co_return json_response(status::ok, version, render(**retried));
  }
  if (n == 5 && parts[2] == "destinations" && parts[4] == "test" && method == verb::post && tester_) {
    const std::string id(parts[3]);
    auto found = co_await executor_.run([&] { return service_.find_destination(id); });
    if (!found) co_return unavailable();
    if (!*found) co_return from_error(found->error(), ctx);
    const auto outcome = co_await tester_(**found);
    json::object answer{{"destinationId", id}, {"delivered", outcome.delivered}};
    if (!outcome.delivered) answer["error"] = outcome.error;
    co_return json_response(outcome.delivered ? status::ok : status::bad_gateway, version, answer);
  }
  if (n == 3 && parts[2] == "access-keys" && method == verb::post) {
    const auto account = string_field(*body, "account");
    if (!account) co_return http::error_list_response(errc::invalid_input, version, "account is required.");
    auto created = co_await executor_.run([&] { return service_.create_access_key(*account); });
    if (!created) co_return unavailable();
    if (!*created) co_return from_error(created->error(), ctx);
    spdlog::info("request_id={} admin created access key {} for account {}", ctx.request_id, (*created)->id,
                 (*created)->account);
    co_await audit(ctx, "access_key.created", "", "key " + (*created)->id + " for account " + (*created)->account);
    co_return json_response(status::created, version,
                            json::object{{"accessKeyId", (*created)->id},
                                         {"secretAccessKey", (*created)->secret},
                                         {"account", (*created)->account}});
  }
  if (n >= 4 && parts[2] == "applications") {
    const std::string app_id(parts[3]);
    if (n == 4 && method == verb::get) {
      auto details = co_await executor_.run([&] { return service_.show_application(app_id); });
      if (!details) co_return unavailable();
      if (!*details) co_return from_error(details->error(), ctx);
      const auto now = clock_.now();
      auto o = render((*details)->app);
      json::array secrets, destinations, subscriptions, deliveries;
      for (const auto& s : (*details)->secrets) secrets.push_back(render(s, now));
      for (const auto& d : (*details)->destinations) destinations.push_back(render(d));
      for (const auto& s : (*details)->subscriptions) subscriptions.push_back(render(s));
      for (const auto& d : (*details)->deliveries) deliveries.push_back(render(d));
      o["secrets"] = std::move(secrets);
      o["destinations"] = std::move(destinations);
      o["subscriptions"] = std::move(subscriptions);
      o["deliveries"] = std::move(deliveries);
      co_return json_response(status::ok, version, o);
    }
    if (n == 5 && parts[4] == "destinations" && method == verb::post) {
      const auto kind = string_field(*body, "kind").value_or("embedded");
      if (kind == "webhook") {
        const auto url = string_field(*body, "url");
        if (!url) co_return http::error_list_response(errc::invalid_input, version, "url is required.");
        auto created = co_await executor_.run([&] { return service_.create_webhook_destination(app_id, *url); });
        if (!created) co_return unavailable();
        if (!*created) co_return from_error(created->error(), ctx);
        co_await audit(ctx, "destination.created", app_id, "webhook destination " + (*created)->first.id);
        auto o = render((*created)->first);
        o["signingSecret"] = (*created)->second;
        co_return json_response(status::created, version, o);
      }
      if (kind == "sqs") {
        const auto queue_url = string_field(*body, "queueUrl");
        const auto key_id = string_field(*body, "accessKeyId");
        const auto secret = string_field(*body, "secretAccessKey");
        const auto region = string_field(*body, "region").value_or("us-east-1");
        if (!queue_url || !key_id || !secret) {
          co_return http::error_list_response(errc::invalid_input, version,
                                              "queueUrl, accessKeyId and secretAccessKey are required.");
        }
        auto created = co_await executor_.run(
            [&] { return service_.create_sqs_destination(app_id, *queue_url, region, *key_id, *secret); });
        if (!created) co_return unavailable();
        if (!*created) co_return from_error(created->error(), ctx);
        co_await audit(ctx, "destination.created", app_id, "sqs destination " + (*created)->id);
        co_return json_response(status::created, version, render(**created));
      }
      const auto queue = string_field(*body, "queue");
      if (kind != "embedded") {
        co_return http::error_list_response(errc::invalid_input, version,
                                            "kind must be \"embedded\", \"webhook\" or \"sqs\".");
      }
      if (!queue) co_return http::error_list_response(errc::invalid_input, version, "queue is required.");
      auto created = co_await executor_.run([&] { return service_.create_embedded_destination(app_id, *queue); });
      if (!created) co_return unavailable();
      if (!*created) co_return from_error(created->error(), ctx);
      co_await audit(ctx, "destination.created", app_id, "embedded destination " + (*created)->id);
      co_return json_response(status::created, version, render(**created));
    }
    if (n == 6 && parts[4] == "subscriptions" && method == verb::put) {
      const std::string type(parts[5]);
      const auto destination = string_field(*body, "destinationId");
      if (!destination) co_return http::error_list_response(errc::invalid_input, version, "destinationId is required.");
      auto set = co_await executor_.run([&] { return service_.set_subscription(app_id, type, *destination); });
      if (!set) co_return unavailable();
      if (!*set) co_return from_error(set->error(), ctx);
      co_await audit(ctx, "subscription.set", app_id, type + " to destination " + *destination);
      co_return json_response(status::ok, version, render(**set));
    }
    if (n == 5 && parts[4] == "refresh-tokens" && method == verb::post) {
      auto token = co_await executor_.run([&] { return service_.create_refresh_token(app_id); });
      if (!token) co_return unavailable();
      if (!*token) co_return from_error(token->error(), ctx);
      co_await audit(ctx, "refresh_token.created", app_id, "");
      co_return json_response(status::created, version,
                              json::object{{"applicationId", app_id}, {"refreshToken", **token}});
    }
  }
  if (n == 7 && parts[2] == "applications" && parts[4] == "secrets" && parts[6] == "revoke" && method == verb::post) {
    const std::string app_id(parts[3]);
    const std::string secret_id(parts[5]);
    auto revoked = co_await executor_.run([&] { return service_.revoke_secret(app_id, secret_id, ctx.request_id); });
    if (!revoked) co_return unavailable();
    if (!*revoked) co_return from_error(revoked->error(), ctx);
    spdlog::warn("request_id={} admin revoked secret {} of application={}", ctx.request_id, secret_id, app_id);
    co_return json_response(status::ok, version, render(**revoked, clock_.now()));
  }
  if (n == 3 && parts[2] == "audit" && method == verb::get) {
    const auto target = std::string_view(ctx.req.target().data(), ctx.req.target().size());
    std::int64_t after = 0;
    int limit = 1000;
    const auto after_text = query_param(target, "after");
    const auto limit_text = query_param(target, "limit");
    if (!after_text.empty()) after = std::strtoll(after_text.c_str(), nullptr, 10);
    if (!limit_text.empty()) limit = std::clamp(std::atoi(limit_text.c_str()), 1, 10'000);
    auto entries = co_await executor_.run([&] { return service_.list_audit(after, limit); });
    if (!entries) co_return unavailable();
    if (!*entries) co_return from_error(entries->error(), ctx);
    json::array list;
    for (const auto& e : **entries) list.push_back(render(e));
    co_return json_response(status::ok, version, json::object{{"entries", std::move(list)}});
  }
  if (n == 4 && parts[2] == "audit" && parts[3] == "verify" && method == verb::get) {
    auto checked = co_await executor_.run([&] { return service_.verify_audit(); });
    if (!checked) co_return unavailable();
    if (!*checked) co_return from_error(checked->error(), ctx);
    json::object o{{"ok", !(*checked)->first_bad}, {"entries", (*checked)->entries}};
    if ((*checked)->first_bad) {
      o["firstBad"] = render(*(*checked)->first_bad);
      o["why"] = (*checked)->why;
    }
    co_return json_response(status::ok, version, o);
  }
  if (n == 4 && parts[2] == "dev" && parts[3] == "clock" && dev_clock_ != nullptr) {
    if (method == verb::post) {
      const auto text = string_field(*body, "advance");
      const auto by = text ? parse_duration(*text) : result<millis>(errc::invalid_input);
      if (!by || by->count() <= 0) {
        co_return http::error_list_response(errc::invalid_input, version,
                                            "advance must be a positive duration such as 89d, 12h or 30s.");
      }
      dev_clock_->advance(*by);
      const auto offset = dev_clock_->offset();
      auto saved = co_await executor_.run([&] { return service_.save_dev_clock_offset(offset); });
      if (!saved || !*saved) spdlog::warn("request_id={} dev clock offset not saved", ctx.request_id);
      spdlog::warn("request_id={} dev clock advanced by {}; it now reads {}", ctx.request_id, *text,
                   to_iso8601(clock_.now()));
      co_await audit(ctx, "dev.clock_advanced", "", "by " + *text);
      if (wake_relay_) wake_relay_();
    } else if (method != verb::get) {
      co_return http::error_list_response(errc::not_found, version);
    }
    co_return json_response(
        status::ok, version,
        json::object{{"now", to_iso8601(clock_.now())}, {"offsetMs", dev_clock_->offset().count()}});
  }
  co_return http::error_list_response(errc::not_found, version);
}

}  // namespace rekey
