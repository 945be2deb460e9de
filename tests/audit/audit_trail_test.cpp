#include "audit/audit_trail.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

class AuditTrailTest : public ::testing::Test {
 protected:
  void append(int n) {
    for (int i = 0; i < n; ++i) {
      auto w = *store_->begin();
      ASSERT_TRUE(trail_.record(*w, {"admin", "test.action", "app", "req-" + std::to_string(i), "fp", "detail"}));
      ASSERT_TRUE(w->commit());
      clock_.advance(millis{1});
    }
  }
  // Changes the database behind the store's back, as an attacker with the file would.
  void tamper(const char* sql) {
    sqlite_connection raw(dir_.file("rekey.db"));
    ASSERT_TRUE(raw.exec(sql));
  }

  testing::temp_dir dir_;
  std::unique_ptr<sqlite_store> store_ = std::make_unique<sqlite_store>(dir_.file("rekey.db"));
  testing::manual_clock clock_;
  audit_trail trail_{testing::filled_key(1), clock_};
};

TEST_F(AuditTrailTest, ChainVerifiesAndSurvivesReopen) {
  append(3);
  auto checked = trail_.verify(*store_);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->entries, 3);
  EXPECT_FALSE(checked->first_bad);

  store_ = std::make_unique<sqlite_store>(dir_.file("rekey.db"));
  append(1);
  auto w = *store_->begin();
  const auto entries = *w->audit().list(0, 10);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[3].seq, 4);
  EXPECT_EQ(entries[3].previous_hash, entries[2].hash);
  w.reset();
  EXPECT_FALSE(trail_.verify(*store_)->first_bad);
}

TEST_F(AuditTrailTest, ChangedEntryIsTheFirstBad) {
  append(4);
  tamper("UPDATE audit_log SET detail = 'detaiL' WHERE seq = 2");
  auto checked = trail_.verify(*store_);
  ASSERT_TRUE(checked);
  ASSERT_TRUE(checked->first_bad);
  EXPECT_EQ(checked->first_bad->seq, 2);
  EXPECT_EQ(checked->entries, 1);
}

TEST_F(AuditTrailTest, RemovedEntryIsDetected) {
  append(4);
  tamper("DELETE FROM audit_log WHERE seq = 3");
  auto checked = trail_.verify(*store_);
  ASSERT_TRUE(checked->first_bad);
  EXPECT_EQ(checked->first_bad->seq, 4);
}

// Recomputing the chain needs the master key: the same log under another key does not verify.
TEST_F(AuditTrailTest, AnotherKeyDoesNotVerify) {
  append(2);
  audit_trail other{testing::filled_key(2), clock_};
  auto checked = other.verify(*store_);
  ASSERT_TRUE(checked->first_bad);
  EXPECT_EQ(checked->first_bad->seq, 1);
}

TEST_F(AuditTrailTest, EmptyTrailVerifies) {
  auto checked = trail_.verify(*store_);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->entries, 0);
  EXPECT_FALSE(checked->first_bad);
}

}  // namespace
}  // namespace rekey
