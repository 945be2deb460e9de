// queue_admin_api: the admin routes for the embedded queue and its access keys (queue_admin.hpp):
// queues with their depth, a masked peek at a queue's messages, the audited reveal of one, purge,
// and the access keys (listed without secrets, revoked). Let in by admin_guard; ErrorList errors.
// Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/admin_guard.hpp"
#include "console/queue_admin.hpp"
#include "http/router.hpp"

namespace rekey::api {

class queue_admin_api {
 public:
  queue_admin_api(queue_admin& queues, const admin_guard& guard, storage_executor& executor, std::string queue_url_base)
      : queues_(queues), guard_(guard), executor_(executor), queue_url_base_(std::move(queue_url_base)) {}

  void add_routes(http::router& routes);

 private:
  boost::asio::awaitable<response> list_queues(admin_call& c);
  boost::asio::awaitable<response> peek(admin_call& c);
  boost::asio::awaitable<response> reveal(admin_call& c);
  boost::asio::awaitable<response> purge(admin_call& c);
  boost::asio::awaitable<response> list_access_keys(admin_call& c);
  boost::asio::awaitable<response> revoke_access_key(admin_call& c);

  queue_admin& queues_;
  const admin_guard& guard_;
  storage_executor& executor_;
  std::string queue_url_base_;  // e.g. "http://127.0.0.1:8080": a queue's URL is <base>/<account>/<name>
};

}  // namespace rekey::api
