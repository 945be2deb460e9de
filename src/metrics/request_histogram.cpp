#include "metrics/request_histogram.hpp"

#include <limits>

namespace rekey::metrics {

prometheus::MetricFamily request_histogram::collect(std::string name, std::string help) const {
  prometheus::MetricFamily family{std::move(name), std::move(help), prometheus::MetricType::Histogram, {}};
  std::lock_guard lock(mutex_);
  for (std::size_t s = 0; s < series_.size(); ++s) {
    const auto& one = series_[s];
    prometheus::ClientMetric metric;
    for (const auto& [label, value] : labels_[s]) metric.label.push_back({label, value});
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < one.buckets.size(); ++i) {
      cumulative += one.buckets[i].load(std::memory_order_relaxed);
      const double bound = i < upper_bounds.size() ? upper_bounds[i] : std::numeric_limits<double>::infinity();
      metric.histogram.bucket.push_back({cumulative, bound});
    }
    // The count as the buckets add up, so that +Inf and _count agree in one scrape.
    metric.histogram.sample_count = cumulative;
    metric.histogram.sample_sum = static_cast<double>(one.sum_ns.load(std::memory_order_relaxed)) / 1e9;
    family.metric.push_back(std::move(metric));
  }
  return family;
}

}  // namespace rekey::metrics
