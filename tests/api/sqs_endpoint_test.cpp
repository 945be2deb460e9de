#include "api/sqs_endpoint.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"
#include "crypto/openssl_random.hpp"
#include "queue/sqs_authenticator.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace rekey::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::string_view amz_date = "20261126T132113Z";

// The SQS endpoint's authentication, end to end inside the process: a request signed as the AWS
// SDK signs it, the access key looked up in memory and then in storage.
class SqsEndpointTest : public ::testing::Test {
 protected:
  SqsEndpointTest() {
    clock_.set(*parse_amz_date(amz_date));
    auto w = *store_.begin();
    EXPECT_TRUE(w->access_keys().insert(seal_access_key(stored_, at_rest_, random_, clock_.now())));
    EXPECT_TRUE(w->commit());
  }
  ~SqsEndpointTest() override { executor_.stop(); }

  // A CreateQueue request signed with `key_id` and `secret`.
  http::request signed_request(const std::string& key_id, const std::string& secret) {
    http::request req{http::verb::post, "/", 11};
    req.set("Host", "localhost:4566");
    req.set("Content-Type", "application/x-amz-json-1.0");
    req.set("X-Amz-Target", "AmazonSQS.CreateQueue");
    req.set("X-Amz-Date", std::string(amz_date));
    req.body() = R"({"QueueName":"jobs"})";
    const auto canonical = sigv4::canonical_request("POST", "/", "",
                                                    {{"content-type", "application/x-amz-json-1.0"},
                                                     {"host", "localhost:4566"},
                                                     {"x-amz-date", std::string(amz_date)},
                                                     {"x-amz-target", "AmazonSQS.CreateQueue"}},
                                                    to_hex(sha256(as_bytes(req.body()))));
    const auto scope = sigv4::scope("20261126", "us-east-1", "sqs");
    const auto signature = sigv4::signature(sigv4::signing_key(secret, "20261126", "us-east-1", "sqs"),
                                            sigv4::string_to_sign(amz_date, scope, canonical));
    req.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + key_id + "/" + scope +
                                 ", SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + signature);
    return req;
  }

  http::response handle(const http::request& req) {
    auto done = asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<http::response> {
          http::request_context ctx{req, "127.0.0.1", "req-1", {}, {}};
          co_return co_await endpoint_.handle(ctx);
        },
        asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }

  static std::string error_type(const http::response& res) {
    return std::string(json::parse(res.body()).at("__type").as_string());
  }

  testing::temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
  testing::manual_clock clock_;
  openssl_random random_;
  key256 at_rest_ = testing::filled_key(6);
  access_key stored_{"AKRKSTORED", "111122223333", "stored-secret"};
  queue_service queues_{store_, clock_, random_, at_rest_};
  access_key_cache keys_;
  queue_notifier notifier_;
  runtime::storage_executor executor_{100, store_};
  sqs_endpoint endpoint_{queues_, keys_, store_, at_rest_, executor_, notifier_, clock_};
  asio::io_context io_;
};

// A key known only to storage authenticates (and is then cached): the call runs for its account.
TEST_F(SqsEndpointTest, AKeyInStorageAuthenticates) {
  EXPECT_FALSE(keys_.find("AKRKSTORED"));
  const auto res = handle(signed_request("AKRKSTORED", "stored-secret"));
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(json::parse(res.body()).at("QueueUrl").as_string(), "http://localhost:4566/111122223333/jobs");
  EXPECT_TRUE(keys_.find("AKRKSTORED"));
}

// An access key id that neither memory nor storage knows is InvalidClientTokenId (403).
TEST_F(SqsEndpointTest, AnUnknownKeyIsAnInvalidClientTokenId) {
  const auto res = handle(signed_request("AKRKUNKNOWN", "whatever"));
  EXPECT_EQ(res.result(), http::status::forbidden);
  EXPECT_EQ(error_type(res), "com.amazonaws.sqs#InvalidClientTokenId");
}

// A known key with a signature made from another secret is SignatureDoesNotMatch, and nothing runs.
TEST_F(SqsEndpointTest, AWrongSecretDoesNotMatch) {
  const auto res = handle(signed_request("AKRKSTORED", "not-the-secret"));
  EXPECT_EQ(res.result(), http::status::forbidden);
  EXPECT_EQ(error_type(res), "com.amazonaws.sqs#SignatureDoesNotMatch");
  auto w = *store_.begin();
  EXPECT_TRUE(w->queues().list_queues("111122223333", "")->empty());
}

// A request without a SigV4 Authorization header is refused before anything else.
TEST_F(SqsEndpointTest, NoAuthorizationIsMissingAuthentication) {
  auto req = signed_request("AKRKSTORED", "stored-secret");
  req.erase("Authorization");
  const auto res = handle(req);
  EXPECT_EQ(error_type(res), "com.amazonaws.sqs#MissingAuthenticationToken");
}

}  // namespace
}  // namespace rekey::api
