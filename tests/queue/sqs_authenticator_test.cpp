#include "queue/sqs_authenticator.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view amz_date = "20261126T132113Z";
constexpr millis second{1000};
constexpr millis minute{60'000};

// An SQS request as @aws-sdk/client-sqs sends it, signed by hand from a literal canonical request
// (so the test pins what the verifier must rebuild, rather than reusing its own code).
struct sample_request {
  std::string method = "POST";
  std::string path = "/";
  std::string query;
  std::string body = R"({"QueueName":"jobs"})";
  std::map<std::string, std::string> headers{{"content-type", "application/x-amz-json-1.0"},
                                             {"host", "localhost:4566"},
                                             {"x-amz-date", std::string(amz_date)},
                                             {"x-amz-target", "AmazonSQS.CreateQueue"},
                                             {"user-agent", "aws-sdk-js/3"}};

  signed_request view() const {
    return {method, path, query, body, [this](std::string_view name) -> std::optional<std::string> {
              const auto it = headers.find(std::string(name));
              if (it == headers.end()) return std::nullopt;
              return it->second;
            }};
  }
};

// The canonical request a client builds for sample_request (user-agent is not signed).
std::string canonical_for(const sample_request& r) {
  return r.method + "\n" + r.path + "\n" + "\n" + "content-type:" + r.headers.at("content-type") + "\n" +
         "host:" + r.headers.at("host") + "\n" + "x-amz-date:" + r.headers.at("x-amz-date") + "\n" +
         "x-amz-target:" + r.headers.at("x-amz-target") + "\n" + "\n" + "content-type;host;x-amz-date;x-amz-target\n" +
         to_hex(sha256(as_bytes(r.body)));
}

// The Authorization a client sends for a canonical request, as the parsed header.
sigv4::authorization sign(const std::string& canonical, std::string_view key = secret,
                          std::string_view date = "20261126", std::string_view service = "sqs") {
  const std::string scope = std::string(date) + "/us-east-1/" + std::string(service) + "/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" + to_hex(sha256(as_bytes(canonical)));
  sigv4::authorization a;
  a.access_key_id = "AKRKTEST";
  a.date = std::string(date);
  a.region = "us-east-1";
  a.service = std::string(service);
  a.signed_headers = {"content-type", "host", "x-amz-date", "x-amz-target"};
  a.signature = sigv4::signature(sigv4::signing_key(key, date, "us-east-1", service), to_sign);
  return a;
}

time_point signed_at() { return *parse_amz_date(amz_date); }

const auto mismatch = make_error_code(errc::sqs_signature_does_not_match);

// A correctly signed request verifies; headers the client did not sign may change freely.
TEST(SqsAuthenticator, AcceptsACorrectSignature) {
  sample_request r;
  const auto a = sign(canonical_for(r));
  EXPECT_TRUE(verify_sigv4(r.view(), a, secret, signed_at()));
  r.headers["user-agent"] = "something else";
  EXPECT_TRUE(verify_sigv4(r.view(), a, secret, signed_at()));
}

// Issue #14 item 10: as AWS, a signature that does not cover Host is refused even when it is
// correct for the headers it names.
TEST(SqsAuthenticator, RefusesASignatureThatDoesNotSignHost) {
  sample_request r;
  const std::string canonical =
      r.method + "\n" + r.path + "\n" + "\n" + "content-type:" + r.headers.at("content-type") + "\n" +
      "x-amz-date:" + r.headers.at("x-amz-date") + "\n" + "x-amz-target:" + r.headers.at("x-amz-target") + "\n" + "\n" +
      "content-type;x-amz-date;x-amz-target\n" + to_hex(sha256(as_bytes(r.body)));
  auto a = sign(canonical);
  a.signed_headers = {"content-type", "x-amz-date", "x-amz-target"};
  EXPECT_EQ(verify_sigv4(r.view(), a, secret, signed_at()).error(), mismatch);
}

// A signature that differs in its last character, is cut short, is empty, or was made with
// another secret does not match (the comparison runs over the whole value).
TEST(SqsAuthenticator, RefusesAWrongSignature) {
  const sample_request r;
  const auto good = sign(canonical_for(r));
  auto last = good;
  last.signature.back() = last.signature.back() == '0' ? '1' : '0';
  auto first = good;
  first.signature.front() = first.signature.front() == '0' ? '1' : '0';
  auto shorter = good;
  shorter.signature.pop_back();
  auto longer = good;
  longer.signature += "0";
  auto empty = good;
  empty.signature.clear();
  const auto other_secret = sign(canonical_for(r), "another secret");
  for (const auto& a : {last, first, shorter, longer, empty, other_secret}) {
    const auto verified = verify_sigv4(r.view(), a, secret, signed_at());
    ASSERT_FALSE(verified) << a.signature;
    EXPECT_EQ(verified.error(), mismatch) << a.signature;
  }
}

// Changing anything the signature covers after signing breaks it: a signed header, the body,
// the method, the path or the query.
TEST(SqsAuthenticator, RefusesAChangedRequest) {
  const sample_request original;
  const auto a = sign(canonical_for(original));
  std::vector<std::pair<std::string, sample_request>> changed;
  auto add = [&](std::string what, auto change) {
    sample_request r = original;
    change(r);
    changed.emplace_back(std::move(what), std::move(r));
  };
  add("host", [](sample_request& r) { r.headers["host"] = "evil:4566"; });
  add("x-amz-target", [](sample_request& r) { r.headers["x-amz-target"] = "AmazonSQS.DeleteQueue"; });
  add("content-type", [](sample_request& r) { r.headers["content-type"] = "application/json"; });
  add("body", [](sample_request& r) { r.body = R"({"QueueName":"jobz"})"; });
  add("empty body", [](sample_request& r) { r.body.clear(); });
  add("method", [](sample_request& r) { r.method = "PUT"; });
  add("path", [](sample_request& r) { r.path = "/111122223333/jobs"; });
  add("query", [](sample_request& r) { r.query = "Action=DeleteQueue"; });
  add("signed header missing", [](sample_request& r) { r.headers.erase("x-amz-target"); });
  for (const auto& [what, r] : changed) {
    const auto verified = verify_sigv4(r.view(), a, secret, signed_at());
    ASSERT_FALSE(verified) << what;
    EXPECT_EQ(verified.error(), mismatch) << what;
  }
}

// The query string is compared in SigV4's canonical (sorted) order, so parameters may come in
// any order; a parameter without a value counts as "name=".
TEST(SqsAuthenticator, CanonicalisesTheQuery) {
  sample_request r;
  r.query = "b=2&a=1&flag";
  std::string canonical = canonical_for(r);
  canonical.replace(canonical.find("/\n\n"), 3, "/\na=1&b=2&flag=\n");
  EXPECT_TRUE(verify_sigv4(r.view(), sign(canonical), secret, signed_at()));
}

struct skew_case {
  millis offset;  // now − x-amz-date
  bool accepted;
};

// x-amz-date must be within ±15 minutes of now, both ends included.
TEST(SqsAuthenticator, RefusesASkewedDate) {
  const sample_request r;
  const auto a = sign(canonical_for(r));
  const skew_case cases[] = {
      {millis{0}, true},
      {15 * minute, true},
      {-15 * minute, true},
      {15 * minute + second, false},
      {-15 * minute - second, false},
      {24 * 60 * minute, false},
  };
  for (const auto& c : cases) {
    const auto verified = verify_sigv4(r.view(), a, secret, signed_at() + c.offset);
    EXPECT_EQ(static_cast<bool>(verified), c.accepted) << c.offset.count() << " ms";
    if (!verified) {
      EXPECT_EQ(verified.error(), mismatch);
    }
  }
}

// The credential scope must be for service "sqs" and for the day of x-amz-date; a request
// without x-amz-date, or with one that does not parse, is refused.
TEST(SqsAuthenticator, RefusesTheWrongScopeOrDate) {
  sample_request r;
  const auto canonical = canonical_for(r);
  EXPECT_EQ(verify_sigv4(r.view(), sign(canonical, secret, "20261126", "s3"), secret, signed_at()).error(), mismatch);
  EXPECT_EQ(verify_sigv4(r.view(), sign(canonical, secret, "20261125"), secret, signed_at()).error(), mismatch);
  const auto a = sign(canonical);
  r.headers.erase("x-amz-date");
  EXPECT_EQ(verify_sigv4(r.view(), a, secret, signed_at()).error(), mismatch);
  r.headers["x-amz-date"] = "20261126T1321Z";
  EXPECT_EQ(verify_sigv4(r.view(), a, secret, signed_at()).error(), mismatch);
}

struct date_case {
  std::string_view text;
  std::optional<std::int64_t> epoch_ms;
};

// parse_amz_date reads SigV4's basic ISO 8601 form and nothing else.
TEST(ParseAmzDate, ReadsTheBasicForm) {
  const date_case cases[] = {
      {"20261126T132113Z", 1'795'699'273'000},
      {"19700101T000000Z", 0},
      {"20240229T235959Z", 1'709'251'199'000},
      {"20230229T000000Z", std::nullopt},  // not a leap year
      {"20261126T242113Z", std::nullopt},
      {"20261126T136013Z", std::nullopt},
      {"20261126 132113Z", std::nullopt},
      {"20261126T132113", std::nullopt},
      {"2026-11-26T13:21:13Z", std::nullopt},
      {"2026112xT132113Z", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_amz_date(c.text);
    EXPECT_EQ(parsed ? std::optional<std::int64_t>(to_epoch_ms(*parsed)) : std::nullopt, c.epoch_ms) << c.text;
  }
}

}  // namespace
}  // namespace rekey
