#include "api/queue_admin_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>

#include "api/admin_body.hpp"
#include "api/admin_json.hpp"
#include "api/error_response.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;
using awaitable_response = boost::asio::awaitable<response>;

queue_address queue_of(const admin_call& c) { return {c.param("account"), c.param("name")}; }

}  // namespace

void queue_admin_api::add_routes(http::router& routes) {
  const auto guarded = [this](auto m) { return guard_.guarded(this, m); };
  routes.add(verb::get, "/admin/v1/queues", guarded(&queue_admin_api::list_queues));
  routes.add(verb::get, "/admin/v1/queues/{account}/{name}/messages", guarded(&queue_admin_api::peek));
  routes.add(verb::post, "/admin/v1/queues/{account}/{name}/messages/{messageId}/reveal",
             guarded(&queue_admin_api::reveal));
  routes.add(verb::post, "/admin/v1/queues/{account}/{name}/purge", guarded(&queue_admin_api::purge));
  routes.add(verb::get, "/admin/v1/access-keys", guarded(&queue_admin_api::list_access_keys));
  routes.add(verb::post, "/admin/v1/access-keys/{id}/revoke", guarded(&queue_admin_api::revoke_access_key));
}

awaitable_response queue_admin_api::list_queues(admin_call& c) {
  std::string why;
  const auto page = read_page(c, why);
  if (!page) co_return invalid(c.version(), why);
  auto found = co_await executor_.run([&] { return queues_.list_queues(page->offset, page->limit); });
  if (!found) co_return failed(found.error(), c.ctx);
  json::array list;
  for (const auto& q : found->queues) {
    list.push_back(json::object{{"account", q.queue.account},
                                {"name", q.queue.name},
                                {"url", queue_url_base_ + "/" + q.queue.account + "/" + q.queue.name},
                                {"visible", q.depth.visible},
                                {"inFlight", q.depth.in_flight},
                                {"delayed", q.depth.delayed}});
  }
  co_return json_response(status::ok, c.version(), page_answer("queues", std::move(list), *page, found->total));
}

awaitable_response queue_admin_api::peek(admin_call& c) {
  std::string why;
  const auto page = read_page(c, why);
  if (!page) co_return invalid(c.version(), why);
  if (!c.query("offset").empty())
    co_return invalid(c.version(), "A peek takes limit only: it shows the oldest messages.");
  const auto queue = queue_of(c);
  auto messages = co_await executor_.run([&] { return queues_.peek(queue, static_cast<int>(page->limit)); });
  if (!messages) co_return failed(messages.error(), c.ctx);
  json::array list;
  for (const auto& m : *messages) list.push_back(to_json(m));
  co_return json_response(status::ok, c.version(), json::object{{"messages", std::move(list)}});
}

awaitable_response queue_admin_api::reveal(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto queue = queue_of(c);
  const auto id = c.param("messageId");
  auto body = co_await executor_.run([&] { return queues_.reveal(c.ctx.request_id, queue, id); });
  if (!body) co_return failed(body.error(), c.ctx);
  spdlog::warn("request_id={} admin revealed message {} of queue {}", c.ctx.request_id, id, queue.key());
  co_return json_response(status::ok, c.version(), json::object{{"messageId", id}, {"body", *body}});
}

awaitable_response queue_admin_api::purge(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto queue = queue_of(c);
  auto purged = co_await executor_.run([&] { return queues_.purge(c.ctx.request_id, queue); });
  if (!purged) co_return failed(purged.error(), c.ctx);
  spdlog::info("request_id={} admin purged queue {}", c.ctx.request_id, queue.key());
  co_return json_response(status::ok, c.version(), json::object{{"purged", true}});
}

awaitable_response queue_admin_api::list_access_keys(admin_call& c) {
  std::string why;
  const auto page = read_page(c, why);
  if (!page) co_return invalid(c.version(), why);
  auto keys = co_await executor_.run([&] { return queues_.list_access_keys(); });
  if (!keys) co_return failed(keys.error(), c.ctx);
  co_return json_response(status::ok, c.version(),
                          page_of("accessKeys", *keys, *page, [](const auto& key) { return to_json(key); }));
}

awaitable_response queue_admin_api::revoke_access_key(admin_call& c) {
  if (admin_body fields(c.body, {}); !fields.ok()) co_return invalid(c.version(), fields.problem());
  const auto id = c.param("id");
  auto revoked = co_await executor_.run([&] { return queues_.revoke_access_key(c.ctx.request_id, id); });
  if (!revoked) co_return failed(revoked.error(), c.ctx);
  spdlog::warn("request_id={} admin revoked access key {}", c.ctx.request_id, id);
  co_return json_response(status::ok, c.version(), json::object{{"accessKeyId", id}, {"revoked", true}});
}

}  // namespace rekey::api
