#include "crypto/openssl_random.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace rekey {
namespace {

using value = std::array<std::uint8_t, 16>;

std::vector<value> draw_many(openssl_random& random, std::size_t count) {
  std::vector<value> out(count);
  std::array<std::uint8_t, 7> odd{};  // uneven requests in between, so draws straddle block ends
  for (auto& v : out) {
    random.fill(v);
    random.fill(odd);
  }
  return out;
}

// Small requests come from a per-thread block: across many blocks no value repeats, and another
// thread never gets the same bytes.
TEST(OpensslRandom, SmallRequestsNeverRepeatAcrossBlocksOrThreads) {
  openssl_random random;
  auto here = draw_many(random, 2000);  // ~46 KiB: about eleven blocks
  std::vector<value> there;
  std::thread([&] { there = draw_many(random, 2000); }).join();
  std::set<value> seen(here.begin(), here.end());
  seen.insert(there.begin(), there.end());
  EXPECT_EQ(seen.size(), 4000u);
}

// Requests larger than a block's share go to the DRBG directly, and are random too.
TEST(OpensslRandom, LargeRequestsAreFilled) {
  openssl_random random;
  std::vector<std::uint8_t> a(10'000), b(10'000);
  random.fill(a);
  random.fill(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, std::vector<std::uint8_t>(10'000));
}

}  // namespace
}  // namespace rekey
