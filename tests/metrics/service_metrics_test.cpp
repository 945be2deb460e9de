#include "metrics/service_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rekey::metrics {
namespace {

error_names names() {
  return {
      [](errc e) { return e == errc::invalid_client ? std::string("invalid_client") : std::string("invalid_request"); },
      [](errc e) { return e == errc::quota_exceeded ? std::string("QuotaExceeded") : std::string("InvalidInput"); },
      [](errc) { return std::string("InvalidParameterValue"); }};
}

// The exposition holds a sample line starting with `line`.
bool has_line(const std::string& text, const std::string& line) { return text.find("\n" + line) != std::string::npos; }

// Values outside a label's vocabulary are counted under "other": no input grows a label set.
TEST(ServiceMetrics, CountsUnknownLabelValuesAsOther) {
  service_metrics m("1.2.3", names(), {millis{86'400'000}});
  m.serve_routes({"/auth/o2/token", "/admin/v1/applications/{id}"});
  m.token_answered("client_credentials", std::nullopt);
  m.token_answered("made-up-grant", errc::invalid_client);
  m.token_answered("another-one", errc::invalid_client);
  m.sqs_answered("NoSuchAction", sqs_protocol::query, errc::sqs_invalid_action);
  m.notification_attempted("SOMETHING_ELSE", "carrier-pigeon", delivery_result::dead);
  m.request_answered("GET", "/admin/v1/applications/{id}", 200, std::chrono::milliseconds(1));
  m.request_answered("BREW", "", 999, std::chrono::milliseconds(1));
  m.request_answered("GET", "/not/a/route/pattern", 404, std::chrono::milliseconds(1));
  const auto text = m.scrape(nullptr, 0, time_point{});
  EXPECT_TRUE(has_line(text, R"(rekey_tokens_total{grant="client_credentials",result="issued"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(rekey_tokens_total{grant="other",result="invalid_client"} 2)")) << text;
  EXPECT_TRUE(
      has_line(text, R"(rekey_sqs_requests_total{action="other",code="InvalidParameterValue",protocol="query"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(rekey_notifications_total{destination_kind="other",result="dead",type="other"} 1)"))
      << text;
  EXPECT_TRUE(has_line(
      text, R"(http_server_requests_seconds_count{method="GET",route="/admin/v1/applications/{id}",status="200"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(http_server_requests_seconds_count{method="other",route="none",status="other"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(http_server_requests_seconds_count{method="GET",route="other",status="404"} 1)"))
      << text;
  // A 1 ms answer is in the 1 ms bucket and above, not below; _sum is in seconds.
  const std::string series = R"(method="GET",route="/admin/v1/applications/{id}",status="200")";
  EXPECT_TRUE(has_line(text, "http_server_requests_seconds_bucket{" + series + R"(,le="0.0005"} 0)")) << text;
  EXPECT_TRUE(has_line(text, "http_server_requests_seconds_bucket{" + series + R"(,le="0.001"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "http_server_requests_seconds_bucket{" + series + R"(,le="+Inf"} 1)")) << text;
  EXPECT_TRUE(has_line(text, "http_server_requests_seconds_sum{" + series + "} 0.001")) << text;
  EXPECT_EQ(text.find("made-up-grant"), std::string::npos);
  EXPECT_EQ(text.find("NoSuchAction"), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(rekey_build_info{version="1.2.3"} 1)")) << text;
}

// The figures read from storage become the gauges; the oldest pending item's age is measured
// from the scrape's `now`.
TEST(ServiceMetrics, ScrapeSetsTheStorageGauges) {
  service_metrics m("1", names(), {millis{7 * 86'400'000LL}, millis{86'400'000}});
  const time_point now = from_epoch_ms(1'700'000'100'000);
  storage_figures figures{3, from_epoch_ms(1'700'000'000'000), 1, {5, 2}};
  const auto text = m.scrape(&figures, 4, now);
  EXPECT_TRUE(has_line(text, "rekey_outbox_pending 3")) << text;
  EXPECT_TRUE(has_line(text, "rekey_outbox_oldest_pending_age_seconds 100")) << text;
  EXPECT_TRUE(has_line(text, "rekey_outbox_dead 1")) << text;
  EXPECT_TRUE(has_line(text, "rekey_storage_pending_jobs 4")) << text;
  EXPECT_TRUE(has_line(text, R"(rekey_secrets_expiring{within="7d"} 5)")) << text;
  EXPECT_TRUE(has_line(text, R"(rekey_secrets_expiring{within="1d"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "process_open_fds ")) << text;
  // Storage did not answer the next scrape: its gauges keep what the last one read.
  const auto kept = m.scrape(nullptr, 0, now);
  EXPECT_TRUE(has_line(kept, "rekey_outbox_pending 3")) << kept;
  EXPECT_TRUE(has_line(kept, R"(rekey_secrets_expiring{within="7d"} 5)")) << kept;
}

}  // namespace
}  // namespace rekey::metrics
