#include "api/system_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/admin_body.hpp"
#include "core/time_format.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using awaitable_response = boost::asio::awaitable<response>;

}  // namespace

void system_api::add_routes(http::router& routes) {
  routes.add(verb::get, "/admin/v1/system", guard_.guarded(this, &system_api::show));
  routes.add(verb::put, "/admin/v1/system/maintenance", guard_.guarded(this, &system_api::set_maintenance));
  routes.add(verb::get, "/admin/v1/system/routes", guard_.guarded(this, &system_api::routes));
}

// Every route each listener serves, as its router tries them (Spring's actuator/mappings).
awaitable_response system_api::routes(admin_call& c) {
  json::array out;
  for (const auto& [listener, router] : listeners_) {
    for (const auto& r : router->routes()) {
      json::object row{{"listener", listener}, {"path", r.path}};
      row["method"] = r.prefix ? std::string("*") : std::string(http::beast_http::to_string(r.method));
      if (r.prefix) row["prefix"] = true;
      out.push_back(std::move(row));
    }
  }
  co_return json_response(status::ok, c.version(), json::object{{"routes", std::move(out)}});
}

awaitable_response system_api::show(admin_call& c) {
  const auto checks = co_await health_.checks();
  co_return json_response(status::ok, c.version(),
                          json::object{{"version", REKEY_VERSION},
                                       {"storage", storage_name_},
                                       {"ready", all_ok(checks)},
                                       {"checks", named_checks(checks)},
                                       {"maintenance", maintenance_.on()},
                                       {"dev", dev_},
                                       {"defaultUsagePlan", json::object{{"rotateRate", default_plan_.rotate_rate},
                                                                         {"rotateBurst", default_plan_.rotate_burst}}},
                                       {"now", to_iso8601(clock_.now())}});
}

awaitable_response system_api::set_maintenance(admin_call& c) {
  admin_body fields(c.body, {"enabled"});
  const auto* enabled = c.body.if_contains("enabled");
  if (!fields.ok()) co_return invalid(c.version(), fields.problem());
  if (enabled == nullptr || !enabled->is_bool()) co_return invalid(c.version(), "enabled must be true or false.");
  const bool on = enabled->as_bool();
  auto saved = co_await executor_.run([&] { return service_.set_maintenance(c.ctx.request_id, on); });
  if (!saved) co_return failed(saved.error(), c.ctx);
  maintenance_.set(on);
  spdlog::warn("request_id={} admin turned maintenance mode {}", c.ctx.request_id, on ? "on" : "off");
  co_return co_await show(c);
}

}  // namespace rekey::api
