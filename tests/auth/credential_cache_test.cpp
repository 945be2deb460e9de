#include "auth/credential_cache.hpp"

#include <gtest/gtest.h>

#include "support/keys.hpp"

namespace rekey {
namespace {

using testing::filled_key;  // a digest256 is a key256: 32 bytes

cached_application application(const std::string& id, const std::string& client_id, std::uint8_t secret) {
  return {id, client_id, {{"s-" + id, filled_key(secret), secret_state::current, from_epoch_ms(10'000)}}, {}};
}

// Token settings go by their version: a put of older ones (a read begun before a change) never
// brings them back.
TEST(CredentialCache, KeepsTheNewestTokenSettings) {
  credential_cache cache;
  auto newer = application("a1", "c1", 1);
  newer.tokens = {token_format::jwt, {"orders:read"}, "https://orders", 2};
  auto older = application("a1", "c1", 1);
  older.tokens = {token_format::opaque, {"orders:read", "orders:write"}, std::nullopt, 1};
  cache.put(newer, 0);
  cache.put(older, 0);
  EXPECT_EQ(cache.match("c1", filled_key(1))->tokens, newer.tokens);
  EXPECT_EQ(cache.find_holder("a1", "s-a1")->tokens, newer.tokens);
  auto newest = newer;
  newest.tokens.version = 3;
  newest.tokens.scopes.clear();
  cache.put(newest, 0);
  EXPECT_EQ(cache.find_holder("a1", "s-a1")->tokens, newest.tokens);
  EXPECT_FALSE(cache.find_holder("a1", "s-none")->secret);
  EXPECT_FALSE(cache.find_holder("a2", "s-a1"));
}

// forget() drops one application entirely — by client id and by id — and nothing else.
TEST(CredentialCache, ForgetDropsOneApplication) {
  credential_cache cache;
  cache.put(application("a1", "c1", 1), 0);
  cache.put(application("a2", "c2", 2), 0);
  ASSERT_TRUE(cache.match("c1", filled_key(1)));
  cache.forget("a1");
  EXPECT_FALSE(cache.match("c1", filled_key(1)));
  EXPECT_FALSE(cache.find_secret("a1", "s-a1"));
  EXPECT_TRUE(cache.match("c2", filled_key(2)));
  EXPECT_TRUE(cache.find_secret("a2", "s-a2"));
  cache.forget("unknown");                                        // harmless
  cache.put(application("a1", "c1", 3), cache.generation("a1"));  // and it can come back
  EXPECT_TRUE(cache.match("c1", filled_key(3)));
}

// Puts arriving out of order (after-commit hooks of several storage threads) still leave the
// newest state: each secret keeps its furthest state and earliest expiry; secrets only add up.
TEST(CredentialCache, LaterPutsOfOlderStatesDoNotUndoNewerOnes) {
  credential_cache cache;
  const cached_secret first_current{"s1", filled_key(1), secret_state::current, from_epoch_ms(10'000)};
  const cached_secret first_old{"s1", filled_key(1), secret_state::old, from_epoch_ms(5'000)};
  const cached_secret first_revoked{"s1", filled_key(1), secret_state::revoked, from_epoch_ms(5'000)};
  const cached_secret second{"s2", filled_key(2), secret_state::current, from_epoch_ms(20'000)};
  cache.put({"a1", "c1", {first_revoked, second}}, 0);  // the newer state lands first
  cache.put({"a1", "c1", {first_old}}, 0);
  cache.put({"a1", "c1", {first_current}}, 0);
  const auto s1 = cache.find_secret("a1", "s1");
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->state, secret_state::revoked);
  EXPECT_EQ(s1->expires_at, from_epoch_ms(5'000));
  ASSERT_TRUE(cache.find_secret("a1", "s2"));
  EXPECT_TRUE(cache.match("c1", filled_key(2)));

  credential_cache in_order;  // the same puts in commit order end the same
  in_order.put({"a1", "c1", {first_current}}, 0);
  in_order.put({"a1", "c1", {first_old}}, 0);
  in_order.put({"a1", "c1", {first_revoked, second}}, 0);
  EXPECT_EQ(in_order.find_secret("a1", "s1")->state, secret_state::revoked);
  EXPECT_EQ(in_order.find_secret("a1", "s1")->expires_at, from_epoch_ms(5'000));
}

// A storage read that began before another node's change (the application was forgotten after
// the read started) does not put its older view back; a read that began after does.
TEST(CredentialCache, AReadFromBeforeAForgetIsNotCached) {
  credential_cache cache;
  cache.put(application("a1", "c1", 1), cache.generation("a1"));
  const auto seen = cache.generation("a1");  // a read begins
  cache.forget("a1");                        // another node's change arrives meanwhile
  cache.put(application("a1", "c1", 1), seen);
  EXPECT_FALSE(cache.match("c1", filled_key(1)));
  cache.put(application("a1", "c1", 2), cache.generation("a1"));  // a read that began afterwards
  EXPECT_TRUE(cache.match("c1", filled_key(2)));
}

}  // namespace
}  // namespace rekey
