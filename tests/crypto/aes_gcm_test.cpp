#include "crypto/aes_gcm.hpp"

#include <gtest/gtest.h>

#include "crypto/openssl_random.hpp"

namespace rekey {
namespace {

class AesGcmTest : public ::testing::Test {
 protected:
  openssl_random random_;
  key256 key_ = random_.bytes<32>();
};

// What is sealed opens again with the same key and associated data, and is not plaintext.
TEST_F(AesGcmTest, RoundTrip) {
  const std::string secret = "amzn1.oa2-cs.v1.0123";
  const auto sealed = seal(key_, "outbox:1", as_bytes(secret), random_);
  EXPECT_EQ(std::string(sealed.begin(), sealed.end()).find(secret), std::string::npos);
  const auto opened = open_sealed(key_, "outbox:1", sealed);
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::string(opened->begin(), opened->end()), secret);
}

// A flipped bit, other associated data, another key or a truncated blob never opens.
TEST_F(AesGcmTest, RefusesTamperingAndMisplacement) {
  auto sealed = seal(key_, "outbox:1", as_bytes("payload"), random_);
  EXPECT_FALSE(open_sealed(key_, "outbox:2", sealed));
  EXPECT_FALSE(open_sealed(random_.bytes<32>(), "outbox:1", sealed));
  EXPECT_FALSE(open_sealed(key_, "outbox:1", std::span(sealed).first(10)));
  sealed[15] ^= 0x01;
  EXPECT_FALSE(open_sealed(key_, "outbox:1", sealed));
}

}  // namespace
}  // namespace rekey
