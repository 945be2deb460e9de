#include "crypto/hmac.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

// Each thread keeps working copies of a few keys (hmac.cpp): many keys signing in turn on one
// thread (more than it keeps, so copies are evicted and made again), a key made where a
// destroyed one lived, and several threads at once all give each key's own MAC.
TEST(Hmac, ManyKeysAndThreadsEachGiveTheirOwnMac) {
  const std::string message = "what do ya want for nothing?";
  auto expected = [&](const std::string& key) { return to_hex(hmac_sha256(as_bytes(key), as_bytes(message))); };
  std::vector<std::string> names;
  std::vector<std::unique_ptr<hmac_key>> keys;
  for (int i = 0; i < 20; ++i) {
    names.push_back("key-" + std::to_string(i));
    keys.push_back(std::make_unique<hmac_key>(as_bytes(names.back())));
  }
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(to_hex(keys[i]->sign(message)), expected(names[i]));
  }
  keys[3] = std::make_unique<hmac_key>(as_bytes("another"));  // the old key 3 is gone
  EXPECT_EQ(to_hex(keys[3]->sign(message)), expected("another"));
  EXPECT_EQ(to_hex(keys[2]->sign(message)), expected(names[2]));

  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 200; ++n) {
        const std::size_t i = static_cast<std::size_t>(t * 7 + n) % keys.size();
        const auto name = i == 3 ? std::string("another") : names[i];
        if (to_hex(keys[i]->sign(message)) != expected(name)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
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
