#include "app/rate_limited_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace rekey {

rate_limited_sink::rate_limited_sink(spdlog::sink_ptr inner, double per_second, double burst)
    : inner_(std::move(inner)),
      per_second_(per_second),
      burst_(burst),
      tokens_(burst),
      last_(std::chrono::steady_clock::now()) {}

void rate_limited_sink::sink_it_(const spdlog::details::log_msg& msg) {
  if (msg.level < spdlog::level::warn) {
    inner_->log(msg);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * per_second_);
  last_ = now;
  if (tokens_ < 1) {
    ++held_back_;
    return;
  }
  tokens_ -= 1;
  if (held_back_ > 0) {
    const std::string note =
        fmt::format("{} warning and error lines were held back (at most {}/s are written)", held_back_, per_second_);
    inner_->log(spdlog::details::log_msg(msg.time, msg.source, msg.logger_name, spdlog::level::warn, note));
    held_back_ = 0;
  }
  inner_->log(msg);
}

void rate_limited_sink::flush_() { inner_->flush(); }

void rate_limited_sink::set_pattern_(const std::string& pattern) { inner_->set_pattern(pattern); }

void rate_limited_sink::set_formatter_(std::unique_ptr<spdlog::formatter> formatter) {
  inner_->set_formatter(std::move(formatter));
}

}  // namespace rekey
