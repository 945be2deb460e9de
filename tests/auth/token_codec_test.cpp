#include "auth/token_codec.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "support/keys.hpp"

namespace rekey {
namespace {

access_claims sample(time_point now) {
  access_claims c;
  c.application_id = "amzn1.sp.solution.x";
  c.secret_id = "s1";
  c.scopes.bits = scope_set::rotation;
  c.issued_at = now;
  c.expires_at = now + millis{3'600'000};
  return c;
}

const time_point t0 = from_epoch_ms(1'700'000'000'000);

// A minted token verifies to the same claims and uses only the SPEC §2 alphabet.
TEST(TokenCodec, RoundTripsWithinItsAlphabet) {
  const token_codec codec({{"k1", testing::filled_key(1)}}, "k1");
  const auto token = codec.mint(sample(t0));
  EXPECT_TRUE(std::regex_match(token, std::regex(R"(Atc\|[A-Za-z0-9._-]+)")));
  auto claims = codec.verify(token, t0);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->application_id, "amzn1.sp.solution.x");
  EXPECT_EQ(claims->secret_id, "s1");
  EXPECT_TRUE(claims->scopes.has(scope_set::rotation));
  EXPECT_EQ(claims->kind, grant_kind::client_credentials);

  auto refresh = sample(t0);
  refresh.kind = grant_kind::refresh_token;
  const auto atza = codec.mint(refresh);
  EXPECT_TRUE(atza.starts_with("Atza|"));
  EXPECT_EQ(codec.verify(atza, t0)->kind, grant_kind::refresh_token);
}

// Expiry is exact to the millisecond: valid one ms before, expired at the expiry instant.
TEST(TokenCodec, ExpiresExactlyAtExpiry) {
  const token_codec codec({{"k1", testing::filled_key(1)}}, "k1");
  const auto token = codec.mint(sample(t0));
  const auto expiry = t0 + millis{3'600'000};
  EXPECT_TRUE(codec.verify(token, expiry - millis{1}));
  EXPECT_EQ(codec.verify(token, expiry).error(), make_error_code(errc::access_token_expired));
  EXPECT_EQ(codec.verify(token, expiry + millis{1}).error(), make_error_code(errc::access_token_expired));
}

// Any change to the token, another key, or garbage is access_token_invalid.
TEST(TokenCodec, RefusesForgeries) {
  const token_codec codec({{"k1", testing::filled_key(1)}}, "k1");
  const token_codec other({{"k1", testing::filled_key(2)}}, "k1");
  const auto token = codec.mint(sample(t0));
  std::string flipped = token;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  const std::string cases[] = {flipped,
                               other.mint(sample(t0)),
                               "",
                               "Atc|",
                               "Atc|k1..",
                               "Bearer x",
                               token.substr(0, token.size() - 2),
                               "Atza|" + token.substr(4)};
  for (const auto& bad : cases) {
    auto r = codec.verify(bad, t0);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), make_error_code(errc::access_token_invalid)) << bad;
  }
}

// A signed payload that cuts into more or fewer fields than its version has is refused: the
// codec never reads past the fields it expects (mint does not check its claims for separators).
TEST(TokenCodec, RefusesSignedPayloadsWithTheWrongFieldCount) {
  const token_codec codec({{"k1", testing::filled_key(1)}}, "k1");
  auto seven_in_version_one = sample(t0);
  seven_in_version_one.secret_id = "s1\nx";
  auto eight_in_version_two = sample(t0);
  eight_in_version_two.scopes.custom = {"orders:read\nx"};
  auto nine_in_version_two = eight_in_version_two;
  nine_in_version_two.application_id = "a\nb";
  for (const auto& [name, claims] : {std::pair{"seven fields, version 1", seven_in_version_one},
                                     std::pair{"eight fields, version 2", eight_in_version_two},
                                     std::pair{"nine fields, version 2", nine_in_version_two}}) {
    const auto r = codec.verify(codec.mint(claims), t0);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error(), make_error_code(errc::access_token_invalid)) << name;
  }
  auto with_scopes = sample(t0);
  with_scopes.scopes.custom = {"orders:read"};
  EXPECT_TRUE(codec.verify(codec.mint(with_scopes), t0));
}

// After a signing-key rotation, tokens from the older key still verify.
TEST(TokenCodec, OlderKeysStillVerify) {
  const token_codec before({{"k1", testing::filled_key(1)}}, "k1");
  const token_codec after({{"k1", testing::filled_key(1)}, {"k2", testing::filled_key(2)}}, "k2");
  EXPECT_TRUE(after.verify(before.mint(sample(t0)), t0));
  EXPECT_NE(after.mint(sample(t0)).find("k2."), std::string::npos);
}

// Custom scopes travel in the token (payload version 2); SP-API tokens keep version 1's shape.
TEST(TokenCodec, CarriesCustomScopes) {
  const token_codec codec({{"k1", testing::filled_key(1)}}, "k1");
  auto claims = sample(t0);
  claims.scopes.custom = {"orders:read", "orders:write"};
  const auto token = codec.mint(claims);
  const auto back = codec.verify(token, t0);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->scopes, claims.scopes);
  const auto plain = codec.verify(codec.mint(sample(t0)), t0);
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->scopes.custom.empty());
}

}  // namespace
}  // namespace rekey
