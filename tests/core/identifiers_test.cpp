#include "core/identifiers.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "core/fast_random.hpp"
#include "support/counting_random.hpp"

#include <set>

namespace rekey {
namespace {

// Each generated identifier has exactly the SPEC §2 format.
TEST(Identifiers, MatchTheSpecFormats) {
  testing::counting_random random;
  EXPECT_TRUE(std::regex_match(
      new_application_id(random),
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

// fast_random (request ids) gives distinct, well-formed UUIDs, and different seeds give
// different sequences.
TEST(Identifiers, FastRandomUuidsAreDistinct) {
  fast_random a(1);
  fast_random b(2);
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    const auto id = new_uuid(a);
    ASSERT_TRUE(is_uuid(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << id;
  }
  EXPECT_FALSE(seen.contains(new_uuid(b)));
}

}  // namespace
}  // namespace rekey
