#include "http/connection_deadline.hpp"

#include <algorithm>
#include <utility>

namespace rekey::http {

connection_deadline::connection_deadline(boost::asio::any_io_executor executor, clock::duration horizon,
                                         std::function<void()> on_expiry)
    : timer_(std::move(executor)), horizon_(std::max(horizon, minimum_horizon)), on_expiry_(std::move(on_expiry)) {}

void connection_deadline::expires_after(clock::duration after) {
  const auto now = clock::now();
  expiry_ = now + after;
  if (over_) return;
  // The armed wait never lies more than horizon_ past any later `now` (arm and fired keep it so):
  // an expiry of at least horizon_ is never before it.
  if (!armed_at_) {
    arm(std::min(expiry_, now + horizon_));
  } else if (expiry_ < *armed_at_) {
    arm(expiry_);
  }
}

void connection_deadline::stop() {
  over_ = true;
  armed_at_.reset();
  ++generation_;
  timer_.cancel();
}

void connection_deadline::arm(clock::time_point at) {
  armed_at_ = at;
  timer_.expires_at(at);  // cancels the wait armed before, if any: its handler has an older generation
  timer_.async_wait([self = shared_from_this(), generation = ++generation_](const boost::system::error_code&) {
    if (generation == self->generation_) self->fired();
  });
}

void connection_deadline::fired() {
  armed_at_.reset();
  if (over_ || expiry_ == clock::time_point::max()) return;
  const auto now = clock::now();
  if (now >= expiry_) {
    over_ = true;
    if (on_expiry_) on_expiry_();
    return;
  }
  arm(std::min(expiry_, now + horizon_));
}

}  // namespace rekey::http
