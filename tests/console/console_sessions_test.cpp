#include "console/console_sessions.hpp"

#include <gtest/gtest.h>

#include "support/counting_random.hpp"
#include "support/manual_clock.hpp"

namespace rekey {
namespace {

class ConsoleSessionsTest : public ::testing::Test {
 protected:
  testing::manual_clock clock_;
  testing::counting_random random_;
  console_sessions sessions_{clock_, random_, millis{60'000}, 2};
};

TEST_F(ConsoleSessionsTest, AnOpenedSessionIsFoundByItsIdWithItsCsrfToken) {
  const auto opened = sessions_.open();
  EXPECT_EQ(opened.id.size(), 43u);  // 32 random bytes, base64url
  EXPECT_NE(opened.session.csrf_token, opened.id);
  const auto found = sessions_.find(opened.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->csrf_token, opened.session.csrf_token);
  EXPECT_EQ(found->expires_at, clock_.now() + millis{60'000});
}

TEST_F(ConsoleSessionsTest, UnknownEmptyAndAlteredIdsAreNotSessions) {
  auto opened = sessions_.open();
  EXPECT_FALSE(sessions_.find(""));
  EXPECT_FALSE(sessions_.find("not-a-session"));
  opened.id.back() = opened.id.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(sessions_.find(opened.id));
}

TEST_F(ConsoleSessionsTest, ASessionEndsAtItsExpiryAndAtSignOut) {
  const auto first = sessions_.open();
  clock_.advance(millis{59'999});
  EXPECT_TRUE(sessions_.find(first.id));
  clock_.advance(millis{1});
  EXPECT_FALSE(sessions_.find(first.id));

  const auto second = sessions_.open();
  sessions_.close(second.id);
  EXPECT_FALSE(sessions_.find(second.id));
}

TEST_F(ConsoleSessionsTest, PastCapacityTheSessionThatExpiresFirstIsClosed) {
  const auto first = sessions_.open();
  clock_.advance(millis{10});
  const auto second = sessions_.open();
  clock_.advance(millis{10});
  const auto third = sessions_.open();
  EXPECT_FALSE(sessions_.find(first.id));
  EXPECT_TRUE(sessions_.find(second.id));
  EXPECT_TRUE(sessions_.find(third.id));
}

}  // namespace
}  // namespace rekey
