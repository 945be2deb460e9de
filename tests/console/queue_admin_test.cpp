#include "console/queue_admin.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

TEST(MaskSecrets, MasksEveryMemberWhoseNameEndsInSecret) {
  bool masked = false;
  const auto body = mask_secrets(
      R"({"payload":{"applicationOAuthClientNewSecret":{"clientId":"c","newClientSecret":"amzn1.oa2-cs.v1.abc",)"
      R"("newClientSecretExpiryTime":"2027-01-01T00:00:00Z"}},"items":[{"ClientSecret":"x"}]})",
      masked);
  EXPECT_TRUE(masked);
  EXPECT_EQ(body.find("amzn1.oa2-cs.v1.abc"), std::string::npos);
  EXPECT_EQ(body.find("\"x\""), std::string::npos);
  EXPECT_NE(body.find("2027-01-01T00:00:00Z"), std::string::npos);  // a time, not a secret
  EXPECT_NE(body.find("\"clientId\":\"c\""), std::string::npos);
}

TEST(MaskSecrets, MasksPasswordsAndTokensAndHidesJsonItCannotRead) {
  bool masked = false;
  const auto body = mask_secrets(R"({"password":"p4ss","refreshToken":"Atzr|x","tokenType":"bearer"})", masked);
  EXPECT_TRUE(masked);
  EXPECT_EQ(body.find("p4ss"), std::string::npos);
  EXPECT_EQ(body.find("Atzr|x"), std::string::npos);
  EXPECT_NE(body.find("bearer"), std::string::npos);  // tokenType names no token
  masked = false;
  const auto broken = mask_secrets(R"(  {"newClientSecret":"amzn1.oa2-cs.v1.abc", )", masked);
  EXPECT_TRUE(masked);
  EXPECT_EQ(broken.find("amzn1"), std::string::npos);
}

TEST(MaskSecrets, LeavesOtherBodiesAsTheyAre) {
  bool masked = true;
  EXPECT_EQ(mask_secrets("hello secret", masked), "hello secret");
  EXPECT_FALSE(masked);
  EXPECT_EQ(mask_secrets(R"({"a":  1})", masked), R"({"a":  1})");
  EXPECT_FALSE(masked);
  EXPECT_EQ(mask_secrets(R"({"secret": 5})", masked), R"({"secret": 5})");  // only strings are secrets
  EXPECT_FALSE(masked);
}

}  // namespace
}  // namespace rekey
