// rate_limited_sink: a spdlog sink that passes info and below as they come and lets warnings and
// errors through at a bounded rate (a token bucket: `per_second`, bursts of `burst`), so that a
// fault that fails every request — a full disk, a lost database — cannot fill the disk with its
// own log (a full disk once wrote 806 lines in 0.4 s). The next line let through after some were
// held back is preceded by one saying how many. Thread-safe (spdlog's base_sink mutex).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <cstdint>
#include <mutex>

namespace rekey {

class rate_limited_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  rate_limited_sink(spdlog::sink_ptr inner, double per_second, double burst);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;
  void set_pattern_(const std::string& pattern) override;
  void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override;

 private:
  spdlog::sink_ptr inner_;
  double per_second_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
  std::uint64_t held_back_ = 0;
};

}  // namespace rekey
