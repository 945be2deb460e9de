#include "auth/credential_cache.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

digest256 filled(std::uint8_t v) {
  digest256 d{};
  d.fill(v);
  return d;
}

cached_application application(const std::string& id, const std::string& client_id, std::uint8_t secret) {
  return {id, client_id, {{"s-" + id, filled(secret), secret_state::current, from_epoch_ms(10'000)}}};
}

// forget() drops one application entirely — by client id and by id — and nothing else.
TEST(CredentialCache, ForgetDropsOneApplication) {
  credential_cache cache;
  cache.put(application("a1", "c1", 1));
  cache.put(application("a2", "c2", 2));
  ASSERT_TRUE(cache.match("c1", filled(1)));
  cache.forget("a1");
  EXPECT_FALSE(cache.match("c1", filled(1)));
  EXPECT_FALSE(cache.find_secret("a1", "s-a1"));
  EXPECT_TRUE(cache.match("c2", filled(2)));
  EXPECT_TRUE(cache.find_secret("a2", "s-a2"));
  cache.forget("unknown");                // harmless
  cache.put(application("a1", "c1", 3));  // and it can come back
  EXPECT_TRUE(cache.match("c1", filled(3)));
}

}  // namespace
}  // namespace rekey
