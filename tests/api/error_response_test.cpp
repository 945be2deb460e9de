#include "api/error_response.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>

namespace rekey::api {
namespace {

// Every errc maps to an ErrorList and to an LWA error: a 4xx/5xx status, a JSON body of the
// documented shape, and — except errc::internal itself — never the internal-failure answer.
TEST(ErrorResponse, EveryErrcIsMapped) {
  for (const auto e : all_errcs) {
    const auto list = error_list_response(e, 11);
    EXPECT_GE(list.result_int(), 400u) << static_cast<int>(e);
    EXPECT_EQ(list[beast_http::field::content_type], "application/json");
    const auto body = boost::json::parse(list.body()).as_object();
    const auto& error = body.at("errors").as_array().at(0).as_object();
    EXPECT_FALSE(error.at("code").as_string().empty());
    EXPECT_FALSE(error.at("message").as_string().empty());
    EXPECT_TRUE(error.at("details").is_string());
    if (e != errc::internal) {
      EXPECT_NE(list.result(), status::internal_server_error) << static_cast<int>(e);
    }

    const auto lwa = lwa_error_response(e, 11);
    EXPECT_GE(lwa.result_int(), 400u);
    const auto lwa_body = boost::json::parse(lwa.body()).as_object();
    EXPECT_FALSE(lwa_body.at("error").as_string().empty());
    EXPECT_FALSE(lwa_body.at("error_description").as_string().empty());
    EXPECT_EQ(lwa[beast_http::field::cache_control], "no-store");

    const auto sqs = sqs_error_response(e, 11);
    EXPECT_GE(sqs.result_int(), 400u);
    const auto sqs_body = boost::json::parse(sqs.body()).as_object();
    EXPECT_TRUE(sqs_body.at("__type").as_string().starts_with("com.amazonaws.sqs#"));
    EXPECT_FALSE(sqs_body.at("message").as_string().empty());
    EXPECT_FALSE(sqs["x-amzn-query-error"].empty());
  }
}

struct spec_row {
  errc e;
  unsigned status;
  const char* code;
  const char* message;
  const char* details;
};

// The rotate operation's answers carry SPEC §4's exact strings: clients key on them.
TEST(ErrorResponse, RotateAnswersMatchTheSpec) {
  const char* denied = "Access to requested resource is denied.";
  const spec_row rows[] = {
      {errc::payload_too_large, 413, "InvalidRequest", "The request size exceeded the maximum accepted size.", ""},
      {errc::unsupported_format, 415, "InvalidRequest", "The request payload is in an unsupported format.", ""},
      {errc::access_token_missing, 403, "Unauthorized", denied, "Access token is missing in the request header."},
      {errc::access_token_invalid, 403, "Unauthorized", denied,
       "The access token you provided is revoked, malformed or invalid."},
      {errc::access_token_expired, 403, "Unauthorized", denied, "The access token you provided has expired."},
      {errc::client_secret_expired, 403, "Unauthorized", denied, "The LWA secret token you provided has expired."},
      {errc::scope_not_granted, 403, "Unauthorized", denied, ""},
      {errc::quota_exceeded, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.", ""},
      {errc::not_enrolled, 400, "InvalidInput",
       "Application is not enrolled for rotation notification. Please update application notification preference "
       "in Developer console.",
       ""},
      {errc::not_found, 404, "NotFound", "The requested resource doesn't exist.", ""},
      {errc::internal, 500, "InternalFailure", "We encountered an internal error. Please try again.", ""},
      {errc::service_unavailable, 503, "ServiceUnavailable", "Service is temporarily unavailable. Please try again.",
       ""},
  };
  for (const auto& row : rows) {
    const auto res = error_list_response(row.e, 11);
    EXPECT_EQ(res.result_int(), row.status) << row.code;
    const auto error = boost::json::parse(res.body()).at("errors").at(0).as_object();
    EXPECT_EQ(error.at("code"), row.code);
    EXPECT_EQ(error.at("message"), row.message);
    EXPECT_EQ(error.at("details"), row.details);
  }
}

// The token endpoint's answers carry SPEC §3's codes.
TEST(ErrorResponse, TokenAnswersMatchTheSpec) {
  const std::tuple<errc, unsigned, const char*> rows[] = {
      {errc::invalid_client, 401, "invalid_client"},   {errc::invalid_grant, 400, "invalid_grant"},
      {errc::invalid_scope, 400, "invalid_scope"},     {errc::unsupported_grant_type, 400, "unsupported_grant_type"},
      {errc::invalid_request, 400, "invalid_request"}, {errc::slow_down, 429, "slow_down"},
  };
  for (const auto& [e, code, error] : rows) {
    const auto res = lwa_error_response(e, 11);
    EXPECT_EQ(res.result_int(), code);
    EXPECT_EQ(boost::json::parse(res.body()).at("error"), error);
    EXPECT_EQ(res[beast_http::field::content_type], "application/json;charset=UTF-8");
  }
  EXPECT_EQ(boost::json::parse(lwa_error_response(errc::invalid_client, 11).body()).at("error_description"),
            "Client authentication failed");
}

// The queue's errors carry the wire details clients key on (wire-notes.md).
TEST(ErrorResponse, SqsAnswersMatchTheWireNotes) {
  const auto missing = sqs_error_response(errc::sqs_queue_does_not_exist, 11);
  EXPECT_EQ(missing.result_int(), 400u);
  EXPECT_EQ(missing["x-amzn-query-error"], "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(missing[beast_http::field::content_type], "application/x-amz-json-1.0");
  EXPECT_EQ(boost::json::parse(missing.body()),
            boost::json::parse(R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist",)"
                               R"("message":"The specified queue does not exist."})"));
  EXPECT_EQ(sqs_error_response(errc::sqs_signature_does_not_match, 11).result_int(), 403u);
  EXPECT_EQ(sqs_error_response(errc::sqs_invalid_client_token_id, 11)["x-amzn-query-error"],
            "InvalidClientTokenId;Sender");
  EXPECT_EQ(sqs_error_response(errc::internal, 11)["x-amzn-query-error"], "InternalError;Receiver");
}

// The query protocol's errors: the same status, the query code, an XML ErrorResponse.
TEST(ErrorResponse, SqsQueryAnswersAreXmlErrorResponses) {
  const auto missing = sqs_query_error_response(errc::sqs_queue_does_not_exist, 11, "rid");
  EXPECT_EQ(missing.result_int(), 400u);
  EXPECT_EQ(missing[beast_http::field::content_type], "text/xml");
  EXPECT_EQ(missing.body(),
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error>"
            "<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
            "<Message>The specified queue does not exist.</Message><Detail/></Error>"
            "<RequestId>rid</RequestId></ErrorResponse>");
  const auto internal = sqs_query_error_response(errc::internal, 11, "rid");
  EXPECT_EQ(internal.result_int(), 500u);
  EXPECT_NE(internal.body().find("<Type>Receiver</Type><Code>InternalError</Code>"), std::string::npos);
  EXPECT_EQ(sqs_query_error_response(errc::sqs_invalid_attribute_name, 11, "rid").result_int(), 400u);
}

}  // namespace
}  // namespace rekey::api
