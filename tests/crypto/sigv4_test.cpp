#include "crypto/sigv4.hpp"

#include <gtest/gtest.h>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

// The worked example of AWS's SigV4 documentation (IAM ListUsers, 2015-08-30): canonical
// request hash, signing key and signature all match.
TEST(SigV4, MatchesTheDocumentedExample) {
  const auto canonical = sigv4::canonical_request("GET", "/", "Action=ListUsers&Version=2010-05-08",
                                                  {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                                                   {"host", "iam.amazonaws.com"},
                                                   {"x-amz-date", "20150830T123600Z"}},
                                                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(as_bytes(canonical))), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  const auto key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
  EXPECT_EQ(to_hex(key), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  const auto to_sign =
      sigv4::string_to_sign("20150830T123600Z", sigv4::scope("20150830", "us-east-1", "iam"), canonical);
  EXPECT_EQ(sigv4::signature(key, to_sign), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

// Header values are trimmed and inner runs of spaces collapsed.
TEST(SigV4, CanonicalisesHeaderValues) {
  const auto c = sigv4::canonical_request("POST", "/", "", {{"x-a", "  a   b  c "}}, "00");
  EXPECT_EQ(c, "POST\n/\n\nx-a:a b c\n\nx-a\n00");
}

// The Authorization header as the AWS SDK writes it parses; malformed ones do not.
TEST(SigV4, ParsesAuthorization) {
  const auto a = sigv4::parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/sqs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, Signature=" +
      std::string(64, 'a'));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->access_key_id, "AKID");
  EXPECT_EQ(a->date, "20261126");
  EXPECT_EQ(a->region, "us-east-1");
  EXPECT_EQ(a->service, "sqs");
  EXPECT_EQ(a->signed_headers, (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  for (const char* bad : {"", "Bearer x", "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/sqs",
                          "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/sqs/aws4_request, SignedHeaders=host"}) {
    EXPECT_FALSE(sigv4::parse_authorization(bad)) << bad;
  }
}

// MD5 as SQS clients check it: lowercase hex of the UTF-8 body.
TEST(SigV4, Md5Hex) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
}

}  // namespace
}  // namespace rekey
