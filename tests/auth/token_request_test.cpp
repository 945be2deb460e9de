#include "auth/token_request.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

const std::string id = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef";
const std::string secret = "amzn1.oa2-cs.v1.00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct request_case {
  const char* name;
  std::string content_type;
  std::string body;
  std::string authorization;
  bool ok;
  std::optional<std::string> grant_type = {}, client_id = {}, client_secret = {}, scope = {}, refresh_token = {};
};

// The shapes real clients send (wire-notes.md) are all read the same way; contradictions and
// unreadable bodies are invalid_request.
TEST(TokenRequest, ReadsEveryRealClientShape) {
  const std::string form_ct = "application/x-www-form-urlencoded;charset=UTF-8";
  const std::string scope = "sellingpartnerapi::client_credential:rotation";
  const std::vector<request_case> cases = {
      {"raw form (official SDK)", form_ct,
       "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret + "&scope=" + scope, "", true,
       "client_credentials", id, secret, scope, std::nullopt},
      {"percent-encoded form", form_ct,
       "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret +
           "&scope=sellingpartnerapi%3A%3Aclient_credential%3Arotation+sellingpartnerapi%3A%3Anotifications",
       "", true, "client_credentials", id, secret, scope + " sellingpartnerapi::notifications", std::nullopt},
      {"form with raw |", "",
       "grant_type=refresh_token&refresh_token=Atzr|abc-_.&client_id=" + id + "&client_secret=" + secret, "", true,
       "refresh_token", id, secret, std::nullopt, "Atzr|abc-_."},
      {"JSON with nulls", "application/json",
       R"({"grant_type":"client_credentials","client_id":")" + id + R"(","client_secret":")" + secret +
           R"(","scope":")" + scope + R"(","refresh_token":null})",
       "", true, "client_credentials", id, secret, scope, std::nullopt},
      {"JSON charset", "application/json; charset=utf-8", R"({"grant_type":"x","scope":null})", "", true, "x",
       std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {"JSON in capitals", "Application/JSON", R"({"grant_type":"x"})", "", true, "x"},
      {"basic in lower case", form_ct, "grant_type=client_credentials", "basic aWQ6c2VjcmV0", true,
       "client_credentials", "id", "secret", std::nullopt, std::nullopt},
      {"Basic auth", form_ct, "grant_type=client_credentials&scope=" + scope,
       // base64("id:secret") of the short values below
       "Basic aWQ6c2VjcmV0", true, "client_credentials", "id", "secret", scope, std::nullopt},
      {"Basic agreeing with body", form_ct, "grant_type=client_credentials&client_id=id", "Basic aWQ6c2VjcmV0", true,
       "client_credentials", "id", "secret", std::nullopt, std::nullopt},
      {"Basic contradicting body", form_ct, "grant_type=client_credentials&client_id=other", "Basic aWQ6c2VjcmV0",
       false},
      {"Basic not base64", form_ct, "grant_type=client_credentials", "Basic !!!", false},
      {"repeated field", form_ct, "grant_type=a&grant_type=b", "", false},
      {"JSON not an object", "application/json", "[1,2]", "", false},
      // Issue #14 item 10: a key given twice is refused as a repeated form field is, wherever
      // it is and whichever value a reader would keep; keys equal only after unescaping count.
      {"JSON repeated key", "application/json", R"({"client_id":"a","client_id":"b"})", "", false},
      {"JSON repeated null key", "application/json", R"({"scope":null,"grant_type":"x","scope":"s"})", "", false},
      {"JSON repeated escaped key", "application/json", R"({"grant_type":"x","grant\u005ftype":"y"})", "", false},
      {"JSON same key in two objects", "application/json", R"({"grant_type":"x","a":{"grant_type":1}})", "", true, "x"},
      {"JSON number value", "application/json", R"({"client_id":5})", "", false},
      {"JSON unreadable", "application/json", "{", "", false},
      {"unknown fields ignored", form_ct, "grant_type=a&foo=bar&&", "", true, "a"},
  };
  for (const auto& c : cases) {
    auto r = parse_token_request(c.content_type, c.body, c.authorization);
    ASSERT_EQ(r.has_value(), c.ok) << c.name;
    if (!c.ok) {
      EXPECT_EQ(r.error(), make_error_code(errc::invalid_request)) << c.name;
      continue;
    }
    EXPECT_EQ(r->grant_type, c.grant_type) << c.name;
    EXPECT_EQ(r->client_id, c.client_id) << c.name;
    EXPECT_EQ(r->client_secret, c.client_secret) << c.name;
    EXPECT_EQ(r->scope, c.scope) << c.name;
    EXPECT_EQ(r->refresh_token, c.refresh_token) << c.name;
  }
}

}  // namespace
}  // namespace rekey
