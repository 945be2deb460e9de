#include "api/admin_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "api/admin_body.hpp"
#include "api/admin_json.hpp"
#include "api/error_response.hpp"
#include "api/platform_admin_api.hpp"
#include "console/application_overview.hpp"
#include "core/duration.hpp"
#include "core/time_format.hpp"
#include "rotation/new_secret_notification.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using awaitable_response = boost::asio::awaitable<response>;

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace

void admin_api::add_routes(http::router& routes) {
  const auto guarded = [this](auto m) { return guard_.guarded(this, m); };
  routes.add(verb::post, "/admin/v1/applications", guarded(&admin_api::create_application));
  routes.add(verb::get, "/admin/v1/applications", guarded(&admin_api::list_applications));
  routes.add(verb::get, "/admin/v1/applications/{id}", guarded(&admin_api::show_application));
  routes.add(verb::put, "/admin/v1/applications/{id}/usage-plan", guarded(&admin_api::update_usage_plan));
  if (options_.rotation != nullptr)
    routes.add(verb::post, "/admin/v1/applications/{id}/rotate", guarded(&admin_api::rotate));
  routes.add(verb::post, "/admin/v1/applications/{id}/destinations", guarded(&admin_api::create_destination));
  routes.add(verb::put, "/admin/v1/applications/{id}/subscriptions/{type}", guarded(&admin_api::set_subscription));
  routes.add(verb::delete_, "/admin/v1/applications/{id}/subscriptions/{type}",
             guarded(&admin_api::delete_subscription));
  routes.add(verb::post, "/admin/v1/applications/{id}/refresh-tokens", guarded(&admin_api::create_refresh_token));
  routes.add(verb::post, "/admin/v1/applications/{id}/secrets/{secretId}/revoke", guarded(&admin_api::revoke_secret));
  routes.add(verb::get, "/admin/v1/deliveries", guarded(&admin_api::list_deliveries));
  routes.add(verb::post, "/admin/v1/deliveries/{id}/retry", guarded(&admin_api::retry_delivery));
  routes.add(verb::post, "/admin/v1/access-keys", guarded(&admin_api::create_access_key));
  routes.add(verb::get, "/admin/v1/audit", guarded(&admin_api::list_audit));
  routes.add(verb::get, "/admin/v1/audit/verify", guarded(&admin_api::verify_audit));
  if (options_.tester)
    routes.add(verb::post, "/admin/v1/destinations/{id}/test", guarded(&admin_api::test_destination));
  if (options_.dev_clock != nullptr) {
    routes.add(verb::get, "/admin/v1/dev/clock", guarded(&admin_api::show_dev_clock));
    routes.add(verb::post, "/admin/v1/dev/clock", guarded(&admin_api::advance_dev_clock));
  }
  // After every admin route of every file (prefixes are tried last): an unknown path is 404, to
  // callers who are let in.
  routes.add_prefix("/admin/v1/", guard_.guarded([](admin_call& c) -> awaitable_response {
    co_return error_list_response(errc::not_found, c.version());
  }));
}

awaitable_response admin_api::create_application(admin_call& c) {
  admin_body fields(c.body, {"name", "rotateRate", "rotateBurst", "tokenFormat", "scopes", "audience"});
  const auto name = fields.text("name", 200, true);
  const auto rate = fields.positive_number("rotateRate", 1'000'000);
  const auto burst = fields.integer("rotateBurst", 1, 1'000'000);
  auto tokens = read_token_settings(fields, false);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created = co_await executor_.run([&] {
    return service_.create_application(c.ctx.request_id, *name, rate,
                                       burst ? std::optional<unsigned>(static_cast<unsigned>(*burst)) : std::nullopt,
                                       std::move(*tokens));
  });
  if (!created) co_return failed(created.error(), c.ctx);
  auto o = to_json(created->app);
  o["clientSecret"] = created->client_secret;
  o["secret"] = to_json(created->secret, clock_.now());
  spdlog::info("request_id={} admin created application={}", c.ctx.request_id, created->app.id);
  co_return json_response(status::created, c.version(), o);
}

awaitable_response admin_api::list_applications(admin_call& c) {
  std::string why;
  const auto page = read_page(c, why);
  if (!page) co_return invalid(c.version(), why);
  const auto query = c.query("q");
  if (query.size() > 200) co_return invalid(c.version(), "q must be at most 200 characters.");
  auto found = co_await executor_.run([&] { return service_.find_applications(query, page->offset, page->limit); });
  if (!found) co_return failed(found.error(), c.ctx);
  const auto now = clock_.now();
  json::array list;
  for (const auto& details : found->applications) list.push_back(to_json(summarize(details, now, options_.policy)));
  co_return json_response(status::ok, c.version(), page_answer("applications", std::move(list), *page, found->total));
}

awaitable_response admin_api::show_application(admin_call& c) {
  const auto id = c.param("id");
  auto details = co_await executor_.run([&] { return service_.show_application(id); });
  if (!details) co_return failed(details.error(), c.ctx);
  co_return json_response(status::ok, c.version(), to_json(*details, clock_.now()));
}

awaitable_response admin_api::update_usage_plan(admin_call& c) {
  const auto app_id = c.param("id");
  admin_body fields(c.body, {"rotateRate", "rotateBurst"});
  const auto rate = fields.positive_number("rotateRate", 1000);
  const auto burst = fields.integer("rotateBurst", 1, 1000);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto changed = co_await executor_.run([&] {
    return service_.update_usage_plan(c.ctx.request_id, app_id, rate,
                                      burst ? std::optional<unsigned>(static_cast<unsigned>(*burst)) : std::nullopt);
  });
  if (!changed) co_return failed(changed.error(), c.ctx);
  if (options_.mirror != nullptr) options_.mirror->forget(app_id);
  co_return json_response(status::ok, c.version(), to_json(*changed));
}

awaitable_response admin_api::rotate(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto app_id = c.param("id");
  auto details = co_await executor_.run([&] { return service_.show_application(app_id); });
  if (!details) co_return failed(details.error(), c.ctx);
  const auto current = std::find_if(details->secrets.begin(), details->secrets.end(),
                                    [](const auto& s) { return s.state == secret_state::current; });
  if (current == details->secrets.end()) {
    co_return error_list_response(errc::conflict, c.version(), "The application has no current secret to rotate.");
  }
  // The same rotation as the SP-API call's, by its current secret, recorded as the admin's.
  const auto secret_id = current->id;
  auto ran =
      co_await executor_.run([&] { return options_.rotation->rotate(app_id, secret_id, c.ctx.request_id, "admin"); });
  if (!ran) co_return failed(ran.error(), c.ctx);
  const auto& outcome = *ran;
  if (outcome.error) {
    const auto e = to_errc(outcome.error, c.ctx.request_id, "admin rotate");
    if (e == errc::not_enrolled) {
      co_return error_list_response(
          errc::conflict, c.version(),
          "The application is not enrolled: subscribe a destination to APPLICATION_OAUTH_CLIENT_NEW_SECRET first.");
    }
    if (e == errc::client_secret_expired || e == errc::access_token_invalid) {
      co_return error_list_response(errc::conflict, c.version(), "The application's current secret cannot rotate.");
    }
    co_return error_list_response(e, c.version());
  }
  if (options_.rotated) options_.rotated(outcome);
  auto after = co_await executor_.run([&] { return service_.show_application(app_id); });
  if (!after) co_return failed(after.error(), c.ctx);
  json::object answer{{"notificationId", outcome.notification_id}};
  for (const auto& s : after->secrets) {
    if (s.id == outcome.new_secret_id) answer["secret"] = to_json(s, clock_.now());
  }
  for (const auto& s : details->subscriptions) {  // the subscription the rotation was let through by
    if (s.notification_type == new_secret_notification_type) answer["destinationId"] = s.destination_id;
  }
  spdlog::info("request_id={} admin rotated the secret of application={}", c.ctx.request_id, app_id);
  co_return json_response(status::ok, c.version(), answer);
}

awaitable_response admin_api::create_destination(admin_call& c) {
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

awaitable_response admin_api::create_webhook_destination(admin_call& c) {
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

awaitable_response admin_api::create_sqs_destination(admin_call& c) {
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

awaitable_response admin_api::create_embedded_destination(admin_call& c) {
  const auto app_id = c.param("id");
  admin_body fields(c.body, {"kind", "queue"});
  const auto queue = fields.text("queue", 256, true);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created =
      co_await executor_.run([&] { return service_.create_embedded_destination(c.ctx.request_id, app_id, *queue); });
  if (!created) co_return failed(created.error(), c.ctx);
  co_return json_response(status::created, c.version(), to_json(*created));
}

awaitable_response admin_api::set_subscription(admin_call& c) {
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

awaitable_response admin_api::delete_subscription(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto app_id = c.param("id");
  const auto type = c.param("type");
  auto removed = co_await executor_.run([&] { return service_.delete_subscription(c.ctx.request_id, app_id, type); });
  if (!removed) co_return failed(removed.error(), c.ctx);
  response res{status::no_content, c.version()};
  res.set(beast_http::field::cache_control, "no-store");
  co_return res;
}

awaitable_response admin_api::create_refresh_token(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto app_id = c.param("id");
  auto token = co_await executor_.run([&] { return service_.create_refresh_token(c.ctx.request_id, app_id); });
  if (!token) co_return failed(token.error(), c.ctx);
  co_return json_response(status::created, c.version(),
                          json::object{{"applicationId", app_id}, {"refreshToken", *token}});
}

awaitable_response admin_api::revoke_secret(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto app_id = c.param("id");
  const auto secret_id = c.param("secretId");
  auto revoked = co_await executor_.run([&] { return service_.revoke_secret(app_id, secret_id, c.ctx.request_id); });
  if (!revoked) co_return failed(revoked.error(), c.ctx);
  spdlog::warn("request_id={} admin revoked secret {} of application={}", c.ctx.request_id, secret_id, app_id);
  co_return json_response(status::ok, c.version(), to_json(*revoked, clock_.now()));
}

awaitable_response admin_api::test_destination(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto found = co_await executor_.run([&] { return service_.find_destination(id); });
  if (!found) co_return failed(found.error(), c.ctx);
  const auto outcome = co_await options_.tester(*found);
  json::object answer{{"destinationId", id}, {"delivered", outcome.delivered}};
  if (!outcome.delivered) answer["error"] = outcome.error;
  co_return json_response(outcome.delivered ? status::ok : status::bad_gateway, c.version(), answer);
}

awaitable_response admin_api::list_deliveries(admin_call& c) {
  const auto state = parse_outbox_state(c.query("state"));
  if (!state) co_return invalid(c.version(), "state must be pending, delivered or dead.");
  std::string why;
  const auto page = read_page(c, why);
  if (!page) co_return invalid(c.version(), why);
  auto items = co_await executor_.run([&] { return service_.list_deliveries(*state); });
  if (!items) co_return failed(items.error(), c.ctx);
  co_return json_response(status::ok, c.version(),
                          page_of("deliveries", *items, *page, [](const auto& item) { return to_json(item); }));
}

awaitable_response admin_api::retry_delivery(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto retried = co_await executor_.run([&] { return service_.retry_delivery(c.ctx.request_id, id); });
  if (!retried) co_return failed(retried.error(), c.ctx);
  if (options_.wake_relay) options_.wake_relay();
  co_return json_response(status::ok, c.version(), to_json(*retried));
}

awaitable_response admin_api::create_access_key(admin_call& c) {
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

awaitable_response admin_api::list_audit(admin_call& c) {
  std::int64_t after = 0;
  std::size_t limit = 1000;
  const auto after_text = c.query("after");
  const auto limit_text = c.query("limit");
  if (!after_text.empty()) {
    const auto [end, ec] = std::from_chars(after_text.data(), after_text.data() + after_text.size(), after);
    if (ec != std::errc{} || end != after_text.data() + after_text.size() || after < 0)
      co_return invalid(c.version(), "after must be a sequence number.");
  }
  if (!limit_text.empty()) {
    const auto [end, ec] = std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc{} || end != limit_text.data() + limit_text.size() || limit < 1 || limit > 10'000)
      co_return invalid(c.version(), "limit must be a whole number from 1 to 10000.");
  }
  const auto application = c.query("application");
  const auto action = c.query("action");
  auto found =
      co_await executor_.run([&] { return service_.find_audit(after, static_cast<int>(limit), application, action); });
  if (!found) co_return failed(found.error(), c.ctx);
  json::array list;
  for (const auto& e : found->entries) list.push_back(to_json(e));
  json::object answer{{"entries", std::move(list)}};
  if (found->next) answer["next"] = *found->next;
  co_return json_response(status::ok, c.version(), answer);
}

awaitable_response admin_api::verify_audit(admin_call& c) {
  auto checked = co_await executor_.run([&] { return service_.verify_audit(); });
  if (!checked) co_return failed(checked.error(), c.ctx);
  json::object o{{"ok", !checked->first_bad}, {"entries", checked->entries}};
  if (checked->first_bad) {
    o["firstBad"] = to_json(*checked->first_bad);
    o["why"] = checked->why;
  }
  co_return json_response(status::ok, c.version(), o);
}

awaitable_response admin_api::show_dev_clock(admin_call& c) {
  co_return json_response(
      status::ok, c.version(),
      json::object{{"now", to_iso8601(clock_.now())}, {"offsetMs", options_.dev_clock->offset().count()}});
}

awaitable_response admin_api::advance_dev_clock(admin_call& c) {
  admin_body fields(c.body, {"advance"});
  const auto text = fields.text("advance", 32, false);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto by = text ? parse_duration(*text) : result<millis>(errc::invalid_input);
  if (!by || by->count() <= 0) {
    co_return invalid(c.version(), "advance must be a positive duration such as 89d, 12h or 30s.");
  }
  if (!options_.dev_clock->advance(*by)) {
    co_return invalid(c.version(), "advance would move rekey's clock past the year 9999.");
  }
  const auto offset = options_.dev_clock->offset();
  auto saved = co_await executor_.run([&] { return service_.save_dev_clock_offset(c.ctx.request_id, offset, *text); });
  if (!saved) spdlog::warn("request_id={} dev clock offset not saved", c.ctx.request_id);
  spdlog::warn("request_id={} dev clock advanced by {}; it now reads {}", c.ctx.request_id, *text,
               to_iso8601(clock_.now()));
  if (options_.wake_relay) options_.wake_relay();
  co_return co_await show_dev_clock(c);
}

}  // namespace rekey::api
