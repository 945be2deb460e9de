// request_histogram: http_server_requests_seconds without a lock. prometheus-cpp's Histogram
// takes a mutex in Observe(), and every I/O thread observes into the same few series (one route,
// one status), so under load that mutex is contended; here each series is plain atomic integers
// — a bucket count, the count and the sum in nanoseconds — added to with relaxed fetch_add, and
// turned into the exposition's cumulative buckets only when scraped. Series are made on first
// use (internal to service_metrics; label_table finds them). Thread-safe.
#pragma once

#include <prometheus/labels.h>
#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

namespace rekey::metrics {

class request_histogram {
 public:
  // Seconds, from 0.5 ms to 10 s: the token endpoint answers in well under a millisecond, a
  // rotation waits for an fsync.
  static constexpr std::array<double, 14> upper_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,    0.25,  0.5,    1,     2.5,  5,     10};

  struct series {
    std::array<std::atomic<std::uint64_t>, upper_bounds.size() + 1> buckets{};  // per bucket, +Inf last
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};

    void observe(std::chrono::nanoseconds took) {
      const double seconds = std::chrono::duration<double>(took).count();
      std::size_t i = 0;
      while (i < upper_bounds.size() && seconds > upper_bounds[i]) ++i;
      buckets[i].fetch_add(1, std::memory_order_relaxed);
      count.fetch_add(1, std::memory_order_relaxed);
      sum_ns.fetch_add(static_cast<std::uint64_t>(took.count() > 0 ? took.count() : 0), std::memory_order_relaxed);
    }
  };

  // A new series with these labels (the caller makes each label set once).
  series& make(const prometheus::Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& made = series_.emplace_back();
    labels_.push_back(labels);
    return made;
  }

  // The family as the text serializer takes it.
  prometheus::MetricFamily collect(std::string name, std::string help) const;

 private:
  mutable std::mutex mutex_;               // making and collecting, never observing
  std::deque<series> series_;              // guarded by mutex_ (a deque: made series never move)
  std::deque<prometheus::Labels> labels_;  // labels_[i] is series_[i]'s
};

}  // namespace rekey::metrics
