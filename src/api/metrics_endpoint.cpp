#include "api/metrics_endpoint.hpp"

namespace rekey::api {
namespace {

result<metrics::storage_figures> read_figures(store& storage, time_point now, const std::vector<millis>& thresholds) {
  auto work = storage.begin_read();
  if (!work) return work.error();
  auto backlog = (*work)->outbox().backlog();
  if (!backlog) return backlog.error();
  metrics::storage_figures figures{backlog->pending, backlog->oldest_pending, backlog->dead, {}};
  for (const auto within : thresholds) {
    auto count = (*work)->secrets().count_current_expiring(now + within);
    if (!count) return count.error();
    figures.expiring.push_back(*count);
  }
  return figures;
}

}  // namespace

boost::asio::awaitable<response> metrics_endpoint::handle(request_context& ctx) {
  const auto now = clock_.now();
  const auto& thresholds = metrics_.warning_thresholds();
  auto read = co_await executor_.run_unbatched(
      [now, &thresholds](store& storage) { return read_figures(storage, now, thresholds); });
  response res{status::ok, ctx.req.version()};
  res.set(beast_http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(beast_http::field::cache_control, "no-store");
  res.body() = metrics_.scrape(read ? &*read : nullptr, executor_.pending(), now);
  co_return res;
}

}  // namespace rekey::api
