#include "outbox/relay_loop.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rekey {

namespace asio = boost::asio;

relay_loop::relay_loop(asio::io_context& context, outbox_relay& relay, runtime::storage_executor& executor,
                       std::map<std::string, publisher*> publishers,
                       std::function<void(const queue_address&)> delivered, millis interval,
                       std::function<void()> housekeeping)
    : context_(context),
      relay_(relay),
      executor_(executor),
      publishers_(std::move(publishers)),
      delivered_(std::move(delivered)),
      interval_(interval),
      housekeeping_(std::move(housekeeping)),
      timer_(context) {}

void relay_loop::start() {
  progressed();
  started_ = true;
  asio::co_spawn(context_, run(), asio::detached);
}

bool relay_loop::running(std::chrono::steady_clock::duration stale) const {
  const auto last = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(progress_.load()));
  return started_ && !stopping_ && std::chrono::steady_clock::now() - last < stale;
}

void relay_loop::poke() {
  poked_ = true;  // seen after the pass under way, if there is one
  asio::post(context_, [this] { timer_.cancel(); });
}

void relay_loop::stop() {
  stopping_ = true;
  poke();
}

asio::awaitable<void> relay_loop::run() {
  while (!stopping_) {
    progressed();
    poked_ = false;  // this pass sees whatever was committed before the poke
    auto pass = co_await executor_.run([this] {
      if (housekeeping_) housekeeping_();
      return relay_.run_once();
    });
    bool more = false;
    if (pass) {
      for (const auto& address : pass->woken) delivered_(address);
      for (const auto& delivery : pass->to_publish) {
        const auto found = publishers_.find(delivery.destination.kind);
        delivery_outcome outcome{false, "no publisher for destination kind " + delivery.destination.kind};
        if (found != publishers_.end()) {
          outcome = co_await found->second->publish(delivery.destination, delivery.item.id, delivery.body);
        }
        auto completed =
            co_await executor_.run([&] { return relay_.complete(delivery, outcome.delivered, outcome.error); });
        if (!completed) spdlog::warn("outbox relay: {}", completed.error().message());
        progressed();
      }
      more = !pass->woken.empty() || !pass->to_publish.empty();
    } else {
      spdlog::warn("outbox relay: {}", pass.error().message());
    }
    if (more || stopping_ || poked_) continue;
    timer_.expires_after(interval_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace rekey
