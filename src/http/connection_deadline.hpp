// connection_deadline: one connection's timeout, without a timer operation per read or write.
//
// It keeps the expiry as Beast's tcp_stream does (an absolute time point set before each phase
// of a connection: waiting for a request, reading one, writing an answer, closing), and when the
// expiry passes it calls on_expiry (the server closes the socket there, so that the pending read
// or write fails, as Beast does). Beast arms its timer for every operation and cancels it when the
// operation completes: per keep-alive request a timer wait, its cancellation, and the cancelled
// wait's completion through the scheduler. Here setting the expiry is a store. One timer wait
// stays armed at most `horizon` ahead (the shortest timeout the connection sets often, and at
// least minimum_horizon); when it fires before the expiry it waits again. An expiry later than
// the armed wait needs nothing (the usual case: every expiry of at least `horizon`); an earlier
// one re-arms the timer, so an expiry is kept to the timer's precision whatever the horizon.
//
// Between phases (a handler at work) the server sets no expiry (expires_never), as Beast's timer
// is armed only while an operation is pending.
//
// Threading: used only on its executor's thread. Create with make_shared (the timer's handler
// holds a reference); call stop() when the connection ends: after it on_expiry is never called,
// and the armed wait no longer keeps the object alive.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace rekey::http {

class connection_deadline : public std::enable_shared_from_this<connection_deadline> {
 public:
  using clock = std::chrono::steady_clock;

  // A shorter horizon is taken as this one: a timeout configured at zero (or nearly) must not
  // wake the connection over and over while it waits out a longer one. The horizon only says how
  // often a long wait wakes, never when an expiry is reached.
  static constexpr clock::duration minimum_horizon = std::chrono::seconds(1);

  connection_deadline(boost::asio::any_io_executor executor, clock::duration horizon, std::function<void()> on_expiry);
  connection_deadline(const connection_deadline&) = delete;
  connection_deadline& operator=(const connection_deadline&) = delete;

  // The connection must be done with the current phase within `after`, from now.
  void expires_after(clock::duration after);
  // No expiry until the next expires_after.
  void expires_never() { expiry_ = clock::time_point::max(); }
  // The connection ended: on_expiry is never called, the armed wait is cancelled.
  void stop();

 private:
  void arm(clock::time_point at);
  void fired();

  boost::asio::steady_timer timer_;
  clock::duration horizon_;
  std::function<void()> on_expiry_;
  clock::time_point expiry_ = clock::time_point::max();
  std::optional<clock::time_point> armed_at_;  // when the armed wait fires; none while not waiting
  std::uint64_t generation_ = 0;  // of the armed wait: a cancelled or superseded wait's handler has an older one
  bool over_ = false;             // expired (on_expiry called) or stopped: it never waits again
};

}  // namespace rekey::http
