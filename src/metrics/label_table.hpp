// label_table: the series of one labelled family, found by index. Each label has a fixed
// vocabulary (its last value is the catch-all "other"); a series is made — by the family's
// Add(), for a prometheus-cpp family — the first time it is counted, with one value per label,
// and kept in a slot of its own, so that later counts are an atomic load. Internal to
// service_metrics. Thread-safe.
#pragma once

#include <prometheus/labels.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rekey::metrics {

inline constexpr std::string_view other_value = "other";

// One label: its name and every value it may take, "other" last.
struct label_vocabulary {
  std::string name;
  std::vector<std::string> values;

  label_vocabulary(std::string label, std::vector<std::string> known)
      : name(std::move(label)), values(std::move(known)) {
    values.emplace_back(other_value);
  }
  // The value's index, or that of "other" when it is not one of them.
  std::size_t index_of(std::string_view value) const {
    for (std::size_t i = 0; i + 1 < values.size(); ++i)
      if (values[i] == value) return i;
    return values.size() - 1;
  }
};

template <class Metric, std::size_t Labels>
class label_table {
 public:
  // Makes the series of a label set; called once per slot (two slots whose values fold into the
  // same label set must be given the same series, as prometheus-cpp's Family::Add does).
  using make_series = std::function<Metric&(const prometheus::Labels&)>;

  label_table(std::array<label_vocabulary, Labels> labels, make_series make)
      : labels_(std::move(labels)), make_(std::move(make)) {
    std::size_t size = 1;
    for (const auto& l : labels_) size *= l.values.size();
    slots_ = std::make_unique<std::atomic<Metric*>[]>(size);
  }

  const label_vocabulary& label(std::size_t i) const { return labels_[i]; }

  // The series for one value index per label.
  Metric& at(const std::array<std::size_t, Labels>& index) {
    std::size_t flat = 0;
    for (std::size_t i = 0; i < Labels; ++i) flat = flat * labels_[i].values.size() + index[i];
    if (auto* known = slots_[flat].load(std::memory_order_acquire)) return *known;
    std::lock_guard lock(mutex_);
    if (auto* known = slots_[flat].load(std::memory_order_relaxed)) return *known;
    prometheus::Labels values;
    for (std::size_t i = 0; i < Labels; ++i) values.emplace(labels_[i].name, labels_[i].values[index[i]]);
    auto* made = &make_(values);
    slots_[flat].store(made, std::memory_order_release);
    return *made;
  }

 private:
  std::array<label_vocabulary, Labels> labels_;
  make_series make_;
  std::unique_ptr<std::atomic<Metric*>[]> slots_;
  std::mutex mutex_;  // making a series
};

}  // namespace rekey::metrics
