#include "crypto/base64.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

std::string text(const bytes& b) { return {b.begin(), b.end()}; }

// RFC 4648 test vectors decode, padding included; malformed input is refused.
TEST(Base64, DecodesStandardVectors) {
  const std::pair<const char*, const char*> cases[] = {{"", ""},        {"Zg==", "f"},        {"Zm8=", "fo"},
                                                       {"Zm9v", "foo"}, {"Zm9vYg==", "foob"}, {"Zm9vYmFy", "foobar"}};
  for (const auto& [encoded, plain] : cases) {
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(text(*decoded), plain);
  }
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Zm9v!!!!"));
}

// base64url has no padding and only [A-Za-z0-9_-], and round-trips any bytes.
TEST(Base64, UrlAlphabetRoundTrips) {
  const bytes all = [] {
    bytes b;
    for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
    return b;
  }();
  const auto encoded = base64url_encode(all);
  EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  const auto decoded = base64url_decode(encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, all);
  EXPECT_FALSE(base64url_decode("ab+/"));
}

}  // namespace
}  // namespace rekey
