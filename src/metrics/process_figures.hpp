// process_figures: the process's own metrics, as the Prometheus client libraries name them
// (process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds, process_threads), read from
// /proc at scrape time. Hand-written: prometheus-cpp has no process collector. Linux only.
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

namespace rekey::metrics {

// The families; none when /proc cannot be read.
std::vector<prometheus::MetricFamily> read_process_figures();

}  // namespace rekey::metrics
