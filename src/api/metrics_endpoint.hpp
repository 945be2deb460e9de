// GET /metrics — the Prometheus text exposition (version 0.0.4) of service_metrics: the
// counters and histograms as they stand, and the figures read from storage at scrape time (the
// outbox's backlog, current secrets by expiry) in one read-only unit of work on a storage
// thread (store::begin_read: no write lock). When storage cannot be read the gauges keep their
// last values and the rest is served. No authentication: run it on a management listener
// (--metrics-listen) where the network should not reach it. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/handler.hpp"
#include "metrics/service_metrics.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {

class metrics_endpoint {
 public:
  metrics_endpoint(metrics::service_metrics& metrics, storage_executor& executor, const clock& clock)
      : metrics_(metrics), executor_(executor), clock_(clock) {}

  boost::asio::awaitable<response> handle(request_context& ctx);

 private:
  metrics::service_metrics& metrics_;
  storage_executor& executor_;
  const clock& clock_;
};

}  // namespace rekey::api
