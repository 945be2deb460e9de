// system_api: the admin routes for the service itself: GET /admin/v1/system (version, storage
// backend, readiness, maintenance mode, --dev and rekey's clock) and PUT
// /admin/v1/system/maintenance. Let in by admin_guard; ErrorList errors. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

#include "api/admin_guard.hpp"
#include "api/health_endpoint.hpp"
#include "console/admin_service.hpp"
#include "console/maintenance_mode.hpp"
#include "http/router.hpp"

namespace rekey::api {

class system_api {
 public:
  // storage_name: "sqlite" or "postgresql". default_plan: the usage plan of an application
  // without one of its own (--rotate-rate, --rotate-burst).
  system_api(admin_service& service, const admin_guard& guard, storage_executor& executor, health_endpoint& health,
             maintenance_mode& maintenance, const clock& clock, std::string storage_name, bool dev,
             rate_limit_config default_plan = {})
      : service_(service),
        guard_(guard),
        executor_(executor),
        health_(health),
        maintenance_(maintenance),
        clock_(clock),
        storage_name_(std::move(storage_name)),
        dev_(dev),
        default_plan_(default_plan) {}

  void add_routes(http::router& routes);
  // The listeners' route tables that GET /admin/v1/system/routes lists, by listener name
  // ("public", "admin", "metrics"). Call once every route is in, before serving.
  void list_routes_of(std::vector<std::pair<std::string, const http::router*>> listeners) {
    listeners_ = std::move(listeners);
  }

 private:
  boost::asio::awaitable<response> show(admin_call& c);
  boost::asio::awaitable<response> set_maintenance(admin_call& c);
  boost::asio::awaitable<response> routes(admin_call& c);

  admin_service& service_;
  const admin_guard& guard_;
  storage_executor& executor_;
  health_endpoint& health_;
  maintenance_mode& maintenance_;
  const clock& clock_;
  std::string storage_name_;
  bool dev_;
  rate_limit_config default_plan_;
  std::vector<std::pair<std::string, const http::router*>> listeners_;
};

}  // namespace rekey::api
