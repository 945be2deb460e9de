// relay_loop: drives the outbox_relay — a coroutine on one I/O context that runs a relay pass
// on the storage thread, publishes the pass's network deliveries (one at a time, each then
// completed on the storage thread), wakes the long polls of the queues that received messages, and waits
// for the poll interval or for poke() (called after each rotation, so a new secret is
// receivable within milliseconds). A poke is sticky: one that arrives while a pass runs (the loop
// is not waiting yet) makes the loop run another pass at once instead of sleeping. Before each
// pass, in the same storage job, it runs the `housekeeping` given (the lifecycle sweeper: expiry
// warnings written then go out in that very pass). Thread-safe: poke() and stop() may be called
// from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "delivery/publisher.hpp"
#include "outbox/outbox_relay.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey {

class relay_loop {
 public:
  // publishers: destination kind → its publisher (webhook, sqs).
  relay_loop(boost::asio::io_context& context, outbox_relay& relay, runtime::storage_executor& executor,
             std::map<std::string, publisher*> publishers, std::function<void(const queue_address&)> delivered,
             millis interval, std::function<void()> housekeeping = {});

  void start();
  void poke();
  void stop();
  // Whether the loop is running and has made progress (begun a pass, finished a delivery) within
  // `stale`: for readiness. False before start() and after stop().
  bool running(std::chrono::steady_clock::duration stale) const;

 private:
  boost::asio::awaitable<void> run();

  boost::asio::io_context& context_;
  outbox_relay& relay_;
  runtime::storage_executor& executor_;
  std::map<std::string, publisher*> publishers_;
  std::function<void(const queue_address&)> delivered_;
  millis interval_;
  std::function<void()> housekeeping_;  // on the storage thread
  boost::asio::steady_timer timer_;     // used on context_ only
  std::atomic<bool> stopping_{false};
  std::atomic<bool> poked_{false};  // set by poke(), cleared as a pass begins
  std::atomic<bool> started_{false};
  // steady_clock ticks of the loop's latest progress
  std::atomic<std::chrono::steady_clock::rep> progress_{0};
  void progressed() { progress_ = std::chrono::steady_clock::now().time_since_epoch().count(); }
};

}  // namespace rekey
