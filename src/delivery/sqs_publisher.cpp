#include "delivery/sqs_publisher.hpp"

#include <fmt/format.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"
#include "crypto/sigv4.hpp"
#include "delivery/destination_secret.hpp"

namespace rekey {
namespace {

std::string amz_date(time_point t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

}  // namespace

boost::asio::awaitable<delivery_outcome> sqs_publisher::publish(const destination_record& destination,
                                                                std::string_view /*notification_id*/,
                                                                const std::string& body) {
  namespace json = boost::json;
  boost::system::error_code ec;
  const auto config = json::parse(destination.config_json, ec);
  if (ec || !config.is_object()) co_return delivery_outcome{false, std::string("bad sqs config")};
  const auto& c = config.as_object();
  const auto* queue_url = c.if_contains("queueUrl");
  const auto* region = c.if_contains("region");
  const auto* key_id = c.if_contains("accessKeyId");
  const auto* sealed = c.if_contains("sealedSecret");
  if (!queue_url || !queue_url->is_string() || !region || !region->is_string() || !key_id || !key_id->is_string() ||
      !sealed || !sealed->is_string()) {
    co_return delivery_outcome{false, std::string("bad sqs config")};
  }
  const auto secret = open_destination_secret(at_rest_key_, destination.id, sealed->as_string());
  if (!secret) co_return delivery_outcome{false, std::string("sqs secret does not open")};
  const auto url = boost::urls::parse_absolute_uri(queue_url->as_string());
  if (!url) co_return delivery_outcome{false, std::string("bad queue URL")};
  const std::string host =
      url->has_port() ? std::string(url->host()) + ":" + std::string(url->port()) : std::string(url->host());
  const std::string endpoint = std::string(url->scheme()) + "://" + host + "/";

  const std::string request =
      json::serialize(json::object{{"QueueUrl", queue_url->as_string()}, {"MessageBody", body}});
  const auto now = clock_.now();
  const std::string date = amz_date(now);
  const std::string day = date.substr(0, 8);
  const std::string payload_hash = to_hex(sha256(as_bytes(request)));
  const std::vector<std::pair<std::string, std::string>> signed_headers{{"content-type", "application/x-amz-json-1.0"},
                                                                        {"host", host},
                                                                        {"x-amz-content-sha256", payload_hash},
                                                                        {"x-amz-date", date},
                                                                        {"x-amz-target", "AmazonSQS.SendMessage"}};
  const std::string scope = sigv4::scope(day, region->as_string(), "sqs");
  const auto canonical = sigv4::canonical_request("POST", "/", "", signed_headers, payload_hash);
  const auto signature = sigv4::signature(sigv4::signing_key(*secret, day, region->as_string(), "sqs"),
                                          sigv4::string_to_sign(date, scope, canonical));
  std::map<std::string, std::string> headers(signed_headers.begin(), signed_headers.end());
  headers["authorization"] =
      "AWS4-HMAC-SHA256 Credential=" + std::string(key_id->as_string()) + "/" + scope +
      ", SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=" + signature;
  auto reply = co_await client_.post(endpoint, headers, request);
  if (!reply) co_return delivery_outcome{false, "sqs endpoint unreachable: " + reply.error().message()};
  if (reply->status != 200) co_return delivery_outcome{false, "sqs answered " + std::to_string(reply->status)};
  const auto answer = json::parse(reply->body, ec);
  const auto* md5 = !ec && answer.is_object() ? answer.as_object().if_contains("MD5OfMessageBody") : nullptr;
  if (!md5 || !md5->is_string() || md5->as_string() != md5_hex(body)) {
    co_return delivery_outcome{false, std::string("sqs answer has a wrong MD5OfMessageBody")};
  }
  co_return delivery_outcome{true, {}};
}

}  // namespace rekey
