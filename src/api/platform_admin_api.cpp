#include "api/platform_admin_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>

#include <algorithm>

#include "api/admin_json.hpp"
#include "api/error_response.hpp"
#include "auth/scopes.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using awaitable_response = boost::asio::awaitable<response>;

constexpr std::size_t longest_audience = 500;
constexpr std::size_t longest_scope = 128;

}  // namespace

std::optional<token_settings> read_token_settings(admin_body& fields, bool all_required) {
  token_settings out;
  if (const auto format = fields.text("tokenFormat", 10, all_required)) {
    const auto parsed = parse_token_format(*format);
    if (parsed)
      out.format = *parsed;
    else
      fields.refuse("tokenFormat must be opaque or jwt.");
  }
  const bool scopes_given = fields.present("scopes", all_required);
  if (auto scopes = fields.strings("scopes", most_custom_scopes, longest_scope))
    out.scopes = std::move(*scopes);
  else if (scopes_given && all_required)
    fields.refuse("scopes must be a list of custom scopes ([] for none).");
  if (fields.present("audience", all_required)) out.audience = fields.text("audience", longest_audience, false);
  if (!std::all_of(out.scopes.begin(), out.scopes.end(), [](const auto& s) { return is_custom_scope(s); })) {
    fields.refuse(
        "scopes must be custom scopes: 1 to 128 printable ASCII characters but space, \" and \\, not beginning with "
        "sellingpartnerapi:: (the SP-API's own).");
  } else if (!check_token_settings(out)) {
    fields.refuse("scopes must not repeat.");
  }
  if (!fields.ok()) return std::nullopt;
  return out;
}

void platform_admin_api::add_routes(http::router& routes) {
  const auto guarded = [this](auto m) { return guard_.guarded(this, m); };
  routes.add(verb::post, "/admin/v1/resource-servers", guarded(&platform_admin_api::create_resource_server));
  routes.add(verb::get, "/admin/v1/resource-servers", guarded(&platform_admin_api::list_resource_servers));
  routes.add(verb::get, "/admin/v1/resource-servers/{id}", guarded(&platform_admin_api::show_resource_server));
  routes.add(verb::post, "/admin/v1/resource-servers/{id}/revoke",
             guarded(&platform_admin_api::revoke_resource_server));
  routes.add(verb::put, "/admin/v1/applications/{id}/token-settings",
             guarded(&platform_admin_api::update_token_settings));
  routes.add(verb::get, "/admin/v1/jwt-keys", guarded(&platform_admin_api::list_jwt_keys));
  routes.add(verb::post, "/admin/v1/jwt-keys/rotate", guarded(&platform_admin_api::rotate_jwt_key));
}

awaitable_response platform_admin_api::create_resource_server(admin_call& c) {
  admin_body fields(c.body, {"name", "audience"});
  const auto name = fields.text("name", 200, true);
  const auto audience = fields.text("audience", longest_audience, false);
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created =
      co_await executor_.run([&] { return platform_.create_resource_server(c.ctx.request_id, *name, audience); });
  if (!created) co_return failed(created.error(), c.ctx);
  auto o = to_json(created->server);
  o["clientSecret"] = created->secret;
  spdlog::info("request_id={} admin created resource server {}", c.ctx.request_id, created->server.id);
  co_return json_response(status::created, c.version(), o);
}

awaitable_response platform_admin_api::list_resource_servers(admin_call& c) {
  auto found = co_await executor_.run([&] { return platform_.list_resource_servers(); });
  if (!found) co_return failed(found.error(), c.ctx);
  json::array list;
  for (const auto& s : *found) list.push_back(to_json(s));
  co_return json_response(status::ok, c.version(), json::object{{"resourceServers", std::move(list)}});
}

awaitable_response platform_admin_api::show_resource_server(admin_call& c) {
  const auto id = c.param("id");
  auto found = co_await executor_.run([&] { return platform_.find_resource_server(id); });
  if (!found) co_return failed(found.error(), c.ctx);
  co_return json_response(status::ok, c.version(), to_json(*found));
}

awaitable_response platform_admin_api::revoke_resource_server(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto revoked = co_await executor_.run([&] { return platform_.revoke_resource_server(c.ctx.request_id, id); });
  if (!revoked) co_return failed(revoked.error(), c.ctx);
  spdlog::info("request_id={} admin revoked resource server {}", c.ctx.request_id, id);
  co_return json_response(status::ok, c.version(), to_json(*revoked));
}

awaitable_response platform_admin_api::update_token_settings(admin_call& c) {
  admin_body fields(c.body, {"tokenFormat", "scopes", "audience"});
  const auto settings = read_token_settings(fields, true);
  if (!settings) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto changed =
      co_await executor_.run([&] { return platform_.update_token_settings(c.ctx.request_id, id, *settings); });
  if (!changed) co_return failed(changed.error(), c.ctx);
  auto o = to_json(changed->tokens);
  o["applicationId"] = changed->id;
  co_return json_response(status::ok, c.version(), o);
}

awaitable_response platform_admin_api::list_jwt_keys(admin_call& c) {
  auto keys = co_await executor_.run([&] { return platform_.jwt_keys(); });
  if (!keys) co_return failed(keys.error(), c.ctx);
  json::array list;
  for (const auto& k : *keys)
    if (k.state != jwt_key_state::unpublished) list.push_back(to_json(k));
  co_return json_response(status::ok, c.version(), json::object{{"keys", std::move(list)}});
}

awaitable_response platform_admin_api::rotate_jwt_key(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  auto created = co_await executor_.run([&] { return platform_.rotate_jwt_key(c.ctx.request_id); });
  if (!created) co_return failed(created.error(), c.ctx);
  spdlog::info("request_id={} admin created JWT signing key {}", c.ctx.request_id, created->key->kid);
  co_return json_response(status::created, c.version(), to_json(*created));
}

}  // namespace rekey::api
