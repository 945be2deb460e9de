#include "auth/scopes.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

// Known scopes parse alone or space-separated; anything else is invalid_scope.
TEST(Scopes, ParsesKnownAndRefusesUnknown) {
  auto one = parse_scopes("sellingpartnerapi::client_credential:rotation");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->has(scope_set::rotation));
  EXPECT_FALSE(one->has(scope_set::notifications));
  auto both = parse_scopes("sellingpartnerapi::notifications  sellingpartnerapi::client_credential:rotation");
  ASSERT_TRUE(both);
  EXPECT_TRUE(both->has(scope_set::rotation) && both->has(scope_set::notifications));
  EXPECT_EQ(to_string(*both), "sellingpartnerapi::client_credential:rotation sellingpartnerapi::notifications");
  for (const char* bad : {"", " ", "sellingpartnerapi::client_credentials:rotation", "profile",
                          "sellingpartnerapi::notifications bogus"}) {
    auto r = parse_scopes(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), make_error_code(errc::invalid_scope));
  }
}

}  // namespace
}  // namespace rekey
