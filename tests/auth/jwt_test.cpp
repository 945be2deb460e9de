#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "auth/jwt_codec.hpp"
#include "auth/jwt_keys.hpp"
#include "core/split.hpp"
#include "crypto/base64.hpp"
#include "crypto/openssl_random.hpp"
#include "support/keys.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

const time_point t0 = from_epoch_ms(1'700'000'000'000);
const millis lifetime{3'600'000};
const millis lead{900'000};

std::string decoded(std::string_view part) {
  const auto b = base64url_decode(part);
  return b ? std::string(b->begin(), b->end()) : std::string();
}

std::string encoded(const json::object& o) { return base64url_encode(as_bytes(json::serialize(o))); }

class Jwt : public ::testing::Test {
 protected:
  Jwt() {
    std::vector<jwt_key> keys;
    keys.push_back(make_jwt_key(at_rest_, random_, t0, millis{0}).first);
    ring_.add(std::move(keys));
  }
  access_claims claims(time_point at = t0) const {
    access_claims c;
    c.application_id = "amzn1.sp.solution.app";
    c.secret_id = "secret-1";
    c.scopes.bits = scope_set::rotation;
    c.scopes.custom = {"orders:read"};
    c.issued_at = at;
    c.expires_at = at + lifetime;
    return c;
  }
  std::string mint(time_point at = t0) const { return *codec_.mint(claims(at), "client-1", "https://orders"); }

  openssl_random random_;
  key256 at_rest_ = testing::filled_key(4);
  jwt_key_ring ring_{lifetime};
  jwt_codec codec_{ring_, "https://rekey.example", random_};
};

TEST_F(Jwt, MintsAnRfc9068AccessTokenThatVerifies) {
  const auto token = mint();
  ASSERT_TRUE(looks_like_jwt(token));
  const auto parts = split(token, '.');
  const auto header = json::parse(decoded(parts[0])).as_object();
  EXPECT_EQ(header.at("alg"), "EdDSA");
  EXPECT_EQ(header.at("typ"), "at+jwt");
  EXPECT_EQ(header.at("kid").as_string(), ring_.signer(t0)->kid);
  const auto payload = json::parse(decoded(parts[1])).as_object();
  EXPECT_EQ(payload.at("iss"), "https://rekey.example");
  EXPECT_EQ(payload.at("sub"), "amzn1.sp.solution.app");
  EXPECT_EQ(payload.at("aud"), "https://orders");
  EXPECT_EQ(payload.at("client_id"), "client-1");
  EXPECT_EQ(payload.at("scope"), "sellingpartnerapi::client_credential:rotation orders:read");
  EXPECT_EQ(payload.at("gty"), "client_credentials");
  EXPECT_EQ(payload.at("secret_id"), "secret-1");
  EXPECT_EQ(payload.at("exp").as_int64() - payload.at("iat").as_int64(), 3600);
  EXPECT_EQ(payload.at("nbf"), payload.at("iat"));
  EXPECT_NE(payload.at("jti"), json::parse(decoded(split(mint(), '.')[1])).as_object().at("jti"));

  const auto verified = codec_.verify(token, t0 + millis{1000});
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->claims.application_id, "amzn1.sp.solution.app");
  EXPECT_EQ(verified->claims.secret_id, "secret-1");
  EXPECT_EQ(verified->claims.scopes, claims().scopes);
  EXPECT_EQ(verified->claims.kind, grant_kind::client_credentials);
  EXPECT_EQ(verified->client_id, "client-1");
  EXPECT_EQ(verified->audience, "https://orders");
}

TEST_F(Jwt, RefusesExpiredTamperedForeignAndOddTokens) {
  const auto token = mint();
  EXPECT_EQ(codec_.verify(token, t0 + lifetime).error(), make_error_code(errc::access_token_expired));
  const auto invalid = make_error_code(errc::access_token_invalid);
  // A byte changed in each part.
  for (const std::size_t i : {std::size_t{5}, token.find('.') + 5, token.rfind('.') + 5}) {
    auto copy = token;
    copy[i] = copy[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(codec_.verify(copy, t0)) << i;
  }
  // Another issuer's codec, or another key of the same issuer.
  jwt_key_ring other_ring{lifetime};
  std::vector<jwt_key> other;
  other.push_back(make_jwt_key(at_rest_, random_, t0, millis{0}).first);
  other_ring.add(std::move(other));
  const jwt_codec other_codec{other_ring, "https://rekey.example", random_};
  EXPECT_EQ(other_codec.verify(token, t0).error(), invalid);
  const jwt_codec other_issuer{ring_, "https://elsewhere", random_};
  EXPECT_EQ(other_issuer.verify(token, t0).error(), invalid);
  // alg none, another typ, an unsigned token, garbage.
  const auto parts = split(token, '.');
  const auto payload = std::string(parts[1]);
  const auto kid = std::string(ring_.signer(t0)->kid);
  for (const auto& header : {json::object{{"alg", "none"}, {"typ", "at+jwt"}, {"kid", kid}},
                             json::object{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", kid}},
                             json::object{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", kid}}}) {
    const auto forged = encoded(header) + "." + payload + "." + std::string(parts[2]);
    EXPECT_EQ(codec_.verify(forged, t0).error(), invalid);
  }
  EXPECT_EQ(codec_.verify(std::string(parts[0]) + "." + payload + ".", t0).error(), invalid);
  for (const char* junk : {"", "a.b.c", "eyJ.eyJ.x", "Atc|k.x.y"}) EXPECT_FALSE(codec_.verify(junk, t0)) << junk;
  // One part too many or too few: the verifier does not take it for a JWT, and the codec refuses it.
  for (const auto& cut : {token + ".x", std::string(parts[0]) + "." + payload, token + "."}) {
    EXPECT_FALSE(looks_like_jwt(cut)) << cut;
    EXPECT_EQ(codec_.verify(cut, t0).error(), invalid) << cut;
  }
  EXPECT_TRUE(looks_like_jwt("eyJ.."));
  EXPECT_FALSE(looks_like_jwt("Atc|k.x.y"));
}

// Tokens signed with the real key but not as rekey writes them are refused: an extra header
// member, a repeated claim, times out of range or order, a signature spelt another way.
TEST_F(Jwt, RefusesSignedTokensThatRekeyWouldNotHaveWritten) {
  const auto key = ring_.signer(t0);
  const auto sign = [&](const json::object& header, const std::string& payload_json) {
    std::string token = encoded(header) + "." + base64url_encode(as_bytes(payload_json));
    token += "." + base64url_encode(key->private_key.sign(token));
    return token;
  };
  const json::object header{{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", key->kid}};
  const auto payload = [&](std::int64_t iat, std::int64_t exp, std::int64_t nbf, const std::string& extra = "") {
    return json::serialize(json::object{{"iss", "https://rekey.example"},
                                        {"sub", "app"},
                                        {"aud", "a"},
                                        {"exp", exp},
                                        {"iat", iat},
                                        {"nbf", nbf},
                                        {"jti", "j"},
                                        {"client_id", "c"},
                                        {"scope", "orders:read"},
                                        {"gty", "client_credentials"},
                                        {"secret_id", "s"}}) +
           extra;
  };
  const std::int64_t now_s = to_epoch_ms(t0) / 1000;
  EXPECT_TRUE(codec_.verify(sign(header, payload(now_s, now_s + 60, now_s)), t0));  // the control
  auto extra_member = header;
  extra_member["jku"] = "https://evil.example/jwks";
  EXPECT_FALSE(codec_.verify(sign(extra_member, payload(now_s, now_s + 60, now_s)), t0));
  auto repeated = payload(now_s, now_s + 60, now_s);
  repeated.insert(repeated.size() - 1, R"(,"sub":"someone-else")");
  EXPECT_FALSE(codec_.verify(sign(header, repeated), t0));
  EXPECT_FALSE(codec_.verify(sign(header, payload(now_s, 99'999'999'999'999, now_s)), t0));       // past year 9999
  EXPECT_FALSE(codec_.verify(sign(header, payload(now_s + 60, now_s + 30, now_s)), t0));          // iat after exp
  EXPECT_FALSE(codec_.verify(sign(header, payload(now_s + 600, now_s + 900, now_s + 600)), t0));  // not yet valid
  EXPECT_FALSE(codec_.verify(sign(header, payload(-5, now_s + 60, -5)), t0));
  auto float_exp = payload(now_s, now_s + 60, now_s);
  const auto at = float_exp.find(std::to_string(now_s + 60));
  float_exp.insert(at + std::to_string(now_s + 60).size(), ".5");
  EXPECT_FALSE(codec_.verify(sign(header, float_exp), t0));
  // The same signature in another spelling: base64url's last character carries spare bits.
  const auto good = sign(header, payload(now_s, now_s + 60, now_s));
  auto respelt = good;
  auto& last = respelt.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[(alphabet.find(last) ^ 1) % alphabet.size()];
  EXPECT_FALSE(codec_.verify(respelt, t0));
  EXPECT_FALSE(codec_.verify(good + "A", t0));
}

TEST(JwtKeyRing, PublishesBeforeSigningAndKeepsARetiredKeyUntilItsLastTokenExpires) {
  openssl_random random;
  const auto at_rest = testing::filled_key(4);
  jwt_key_ring ring{lifetime};
  auto first = make_jwt_key(at_rest, random, t0, millis{0}).first;
  auto second = make_jwt_key(at_rest, random, t0 + millis{10'000}, lead).first;
  const auto first_kid = first.kid;
  const auto second_kid = second.kid;
  std::vector<jwt_key> keys;
  keys.push_back(std::move(second));  // any order
  keys.push_back(std::move(first));
  ring.add(std::move(keys));

  const auto rotated = t0 + millis{10'000};
  EXPECT_EQ(ring.signer(rotated)->kid, first_kid);  // the new key waits for its lead
  EXPECT_TRUE(ring.published(second_kid, rotated));
  auto states = ring.statuses(rotated);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].state, jwt_key_state::active);
  EXPECT_EQ(states[0].published_until, rotated + lead + lifetime);
  EXPECT_EQ(states[1].state, jwt_key_state::next);

  const auto switched = rotated + lead;
  EXPECT_EQ(ring.signer(switched)->kid, second_kid);
  EXPECT_EQ(ring.statuses(switched)[0].state, jwt_key_state::retiring);
  EXPECT_TRUE(ring.published(first_kid, switched + lifetime - millis{1}));
  EXPECT_FALSE(ring.published(first_kid, switched + lifetime));
  EXPECT_EQ(ring.statuses(switched + lifetime)[0].state, jwt_key_state::unpublished);
  EXPECT_EQ(ring.statuses(switched + lifetime)[1].state, jwt_key_state::active);
  EXPECT_FALSE(ring.published("nobody", switched));
  EXPECT_FALSE(jwt_key_ring{lifetime}.signer(t0));
}

// Reads of the keys may finish out of order: adding an older list never drops a newer key.
TEST(JwtKeyRing, AddsKeysAndNeverLosesOne) {
  openssl_random random;
  const auto at_rest = testing::filled_key(4);
  auto [first, first_record] = make_jwt_key(at_rest, random, t0, millis{0});
  auto [second, second_record] = make_jwt_key(at_rest, random, t0 + millis{1}, lead);
  jwt_key_ring ring{lifetime};
  ring.add(*open_jwt_keys({first_record, second_record}, at_rest));
  ring.add(*open_jwt_keys({first_record}, at_rest));  // an older read, finishing last
  EXPECT_EQ(ring.statuses(t0).size(), 2u);
  EXPECT_TRUE(ring.published(second.kid, t0));
  // Before any key's signs_from (clocks that differ), the oldest signs rather than none.
  jwt_key_ring early{lifetime};
  early.add(*open_jwt_keys({second_record}, at_rest));
  EXPECT_EQ(early.signer(t0)->kid, second.kid);
}

TEST(JwtKeys, ThumbprintIsRfc7638) {
  // RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
  EXPECT_EQ(jwk_thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(JwtKeys, SealedKeysOpenOnlyUnderTheirKey) {
  openssl_random random;
  const auto at_rest = testing::filled_key(4);
  auto [key, record] = make_jwt_key(at_rest, random, t0, lead);
  EXPECT_EQ(record.signs_from, t0 + lead);
  EXPECT_EQ(record.public_key, key.x);
  const auto opened = open_jwt_keys({record}, at_rest);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->at(0).private_key.seed(), key.private_key.seed());
  EXPECT_FALSE(open_jwt_keys({record}, testing::filled_key(5)));
  record.kid = "another";
  EXPECT_FALSE(open_jwt_keys({record}, at_rest));  // sealed to its own kid
}

}  // namespace
}  // namespace rekey
