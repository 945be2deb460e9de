#include "api/health_endpoint.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <memory>
#include <optional>

namespace rekey::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

response json_answer(bool ok, unsigned version, const json::object& body) {
  response res{ok ? status::ok : status::service_unavailable, version};
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, "no-store");
  res.body() = json::serialize(body);
  return res;
}

// The probe's outcome, shared by the probe and the deadline (both on one executor).
struct probe_race {
  explicit probe_race(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  std::optional<bool> answered;
};

}  // namespace

json::object named_checks(const std::vector<health_check>& checks) {
  json::object named;
  for (const auto& c : checks) named[c.name] = json::object{{"ok", c.ok}, {"detail", c.detail}};
  return named;
}

bool all_ok(const std::vector<health_check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const auto& c) { return c.ok; });
}

asio::awaitable<response> health_endpoint::live(request_context& ctx) {
  co_return json_answer(true, ctx.req.version(), {{"status", "ok"}});
}

asio::awaitable<health_check> health_endpoint::storage_check() {
  if (!storage_.write_health()) co_return health_check{"storage", false, "not writable"};
  // The probe runs on a storage thread, queued behind the work there; the deadline answers for
  // it when it is slow (it still runs, and its answer is dropped).
  auto race = std::make_shared<probe_race>(co_await asio::this_coro::executor);
  race->timer.expires_after(storage_deadline_);
  asio::co_spawn(
      race->timer.get_executor(),
      [this, race]() -> asio::awaitable<void> {
        auto probed = co_await executor_.run_unbatched([](store& s) { return s.probe(); });
        race->answered = probed.has_value();
        race->timer.cancel();
      },
      asio::detached);
  co_await race->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!race->answered) co_return health_check{"storage", false, "no answer within the deadline"};
  if (!*race->answered) co_return health_check{"storage", false, "unavailable"};
  co_return health_check{"storage", true, "answering"};
}

asio::awaitable<std::vector<health_check>> health_endpoint::checks() {
  std::vector<health_check> out;
  out.push_back(co_await storage_check());
  if (relay_running_) {
    const bool running = relay_running_();
    out.push_back({"relay", running, running ? "running" : "stalled"});
  }
  if (maintenance_ != nullptr) {
    const bool on = maintenance_->on();
    out.push_back({"maintenance", !on, on ? "on" : "off"});
  }
  const bool stopping = stopping_();
  out.push_back({"shutdown", !stopping, stopping ? "stopping" : "serving"});
  co_return out;
}

asio::awaitable<response> health_endpoint::ready_checks(request_context& ctx) {
  const auto all = co_await checks();
  const bool ok = all_ok(all);
  co_return json_answer(ok, ctx.req.version(), {{"status", ok ? "ready" : "not ready"}, {"checks", named_checks(all)}});
}

asio::awaitable<response> health_endpoint::ready(request_context& ctx) {
  const unsigned version = ctx.req.version();
  if (stopping_()) co_return json_answer(false, version, {{"status", "stopping"}});
  const auto storage = co_await storage_check();
  if (!storage.ok) {
    co_return json_answer(
        false, version,
        {{"status", storage.detail == "not writable" ? "storage not writable" : "storage unavailable"}});
  }
  co_return json_answer(true, version, {{"status", "ready"}});
}

}  // namespace rekey::api
