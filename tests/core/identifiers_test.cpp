#include "core/identifiers.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "support/counting_random.hpp"

namespace rekey {
namespace {

// Each generated identifier has exactly the SPEC §2 format.
TEST(Identifiers, MatchTheSpecFormats) {
  testing::counting_random random;
  EXPECT_TRUE(std::regex_match(new_application_id(random),
                               std::regex(R"(amzn1\.sp\.solution\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})")));
  EXPECT_TRUE(std::regex_match(new_client_id(random), std::regex(R"(amzn1\.application-oa2-client\.[0-9a-f]{32})")));
  EXPECT_TRUE(std::regex_match(new_client_secret(random), std::regex(R"(amzn1\.oa2-cs\.v1\.[0-9a-f]{64})")));
}

// A generated UUID is recognised and a malformed one is not.
TEST(Identifiers, UuidRecognition) {
  testing::counting_random random;
  EXPECT_TRUE(is_uuid(new_uuid(random)));
  EXPECT_FALSE(is_uuid("0123456789abcdef0123456789abcdef0123"));
  EXPECT_FALSE(is_uuid("ABCDEF01-2345-4678-9abc-def012345678"));
  EXPECT_FALSE(is_uuid(""));
}

}  // namespace
}  // namespace rekey
