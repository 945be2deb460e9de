#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include "core/identifiers.hpp"

namespace rekey {
namespace {

// RFC 4231 test case 2, through both the prepared key and the one-shot function.
TEST(Hmac, MatchesRfc4231) {
  const std::string expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const hmac_key key(as_bytes("Jefe"));
  EXPECT_EQ(to_hex(key.sign("what do ya want for nothing?")), expected);
  EXPECT_EQ(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))), expected);
  // A prepared key can be used again and again.
  EXPECT_EQ(to_hex(key.sign("what do ya want for nothing?")), expected);
}

// SHA-256 of "abc" (FIPS 180-2).
TEST(Hmac, Sha256KnownAnswer) {
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Equal only when lengths and bytes are equal.
TEST(Hmac, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal(as_bytes("abc"), as_bytes("abc")));
  EXPECT_FALSE(constant_time_equal(as_bytes("abc"), as_bytes("abd")));
  EXPECT_FALSE(constant_time_equal(as_bytes("abc"), as_bytes("abcd")));
}

}  // namespace
}  // namespace rekey
