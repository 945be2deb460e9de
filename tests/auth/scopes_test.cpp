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

// An application's custom scopes parse when granted, sorted after the SP-API ones.
TEST(Scopes, ParsesGrantedCustomScopes) {
  const std::vector<std::string> granted{"orders:write", "orders:read"};
  auto r = parse_scopes("orders:write sellingpartnerapi::notifications orders:read orders:write", granted);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->custom, (std::vector<std::string>{"orders:read", "orders:write"}));
  EXPECT_EQ(to_string(*r), "sellingpartnerapi::notifications orders:read orders:write");
  EXPECT_EQ(parse_scopes("orders:read", {}).error(), make_error_code(errc::invalid_scope));
  EXPECT_EQ(parse_scopes("orders:delete", granted).error(), make_error_code(errc::invalid_scope));
}

TEST(Scopes, KnowsAWellFormedCustomScope) {
  for (const char* good :
       {"orders:read", "a", "https://api.example.com/orders.read", "x!#$%&'()*+,-./:;<=>?@[]^_`{|}~"})
    EXPECT_TRUE(is_custom_scope(good)) << good;
  for (const char* bad : {"", "two words", "quote\"", "back\\slash", "sellingpartnerapi::anything", "tab\t", "é"})
    EXPECT_FALSE(is_custom_scope(bad)) << bad;
  EXPECT_TRUE(is_custom_scope(std::string(128, 'a')));
  EXPECT_FALSE(is_custom_scope(std::string(129, 'a')));
}

}  // namespace
}  // namespace rekey
