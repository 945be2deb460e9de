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
  EXPECT_FALSE(base64_decode("Zm9vZ==="));  // one character of a byte
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

// base64url is base64 with '-' for '+', '_' for '/' and the padding dropped (RFC 4648 §5).
TEST(Base64, UrlEncodingMapsTheAlphabetAndDropsPadding) {
  const auto url = [](std::initializer_list<std::uint8_t> b) { return base64url_encode(bytes(b)); };
  EXPECT_EQ(url({}), "");
  EXPECT_EQ(url({'f'}), "Zg");
  EXPECT_EQ(url({'f', 'o'}), "Zm8");
  EXPECT_EQ(url({'f', 'o', 'o'}), "Zm9v");
  EXPECT_EQ(url({0xfb, 0xff}), "-_8");         // base64 "+/8="
  EXPECT_EQ(url({0xff, 0xff, 0xff}), "____");  // base64 "////"
  EXPECT_EQ(url({0xf8}), "-A");                // base64 "+A=="
  EXPECT_EQ(base64url_decode("-_8"), bytes({0xfb, 0xff}));
  EXPECT_EQ(base64url_decode("Zg"), bytes({'f'}));
  EXPECT_FALSE(base64url_decode("Zg=="));  // padding is base64's
  EXPECT_FALSE(base64url_decode("+_8"));
  EXPECT_FALSE(base64url_decode("Zm9/"));
  EXPECT_FALSE(base64url_decode("Zm=v"));
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)));  // NUL, as the table marks what is foreign
  EXPECT_FALSE(base64url_decode("Z"));                           // no whole byte
}

}  // namespace
}  // namespace rekey
