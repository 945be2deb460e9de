// platform_admin_api: the admin routes for platform teams (console/platform_admin.hpp) —
// resource servers, an application's token settings, the JWT signing keys. Let in by
// admin_guard; ErrorList errors. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>

#include "api/admin_body.hpp"
#include "api/admin_guard.hpp"
#include "console/platform_admin.hpp"
#include "http/router.hpp"

namespace rekey::api {

// tokenFormat, scopes and audience of a request body: each required when `all_required` (the
// token-settings call), else each defaulting (application creation). nullopt when `fields` found
// a problem.
std::optional<token_settings> read_token_settings(admin_body& fields, bool all_required);

class platform_admin_api {
 public:
  platform_admin_api(platform_admin& platform, const admin_guard& guard, storage_executor& executor)
      : platform_(platform), guard_(guard), executor_(executor) {}

  void add_routes(http::router& routes);

 private:
  boost::asio::awaitable<response> create_resource_server(admin_call& c);
  boost::asio::awaitable<response> list_resource_servers(admin_call& c);
  boost::asio::awaitable<response> show_resource_server(admin_call& c);
  boost::asio::awaitable<response> revoke_resource_server(admin_call& c);
  boost::asio::awaitable<response> update_token_settings(admin_call& c);
  boost::asio::awaitable<response> list_jwt_keys(admin_call& c);
  boost::asio::awaitable<response> rotate_jwt_key(admin_call& c);

  platform_admin& platform_;
  const admin_guard& guard_;
  storage_executor& executor_;
};

}  // namespace rekey::api
