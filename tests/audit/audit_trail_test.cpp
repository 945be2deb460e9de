#include "audit/audit_trail.hpp"

#include <gtest/gtest.h>

#include <map>

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"
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
  audit_trail trail_{testing::filled_key(1), clock_, audit_trail::concurrent_writer_chains};
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
  audit_trail other{testing::filled_key(2), clock_, audit_trail::concurrent_writer_chains};
  auto checked = other.verify(*store_);
  ASSERT_TRUE(checked->first_bad);
  EXPECT_EQ(checked->first_bad->seq, 1);
}

// Applications' entries spread over the chains; each chain verifies on its own, so a removed
// entry shows at the next entry of its chain, and an entry moved to another chain is caught.
TEST_F(AuditTrailTest, EntriesOfApplicationsSpreadOverChainsThatEachHold) {
  std::map<int, int> per_chain;
  for (int i = 0; i < 40; ++i) {
    const std::string application = "app-" + std::to_string(i);
    per_chain[trail_.chain_for(application)] += 1;
    auto w = *store_->begin();
    ASSERT_TRUE(trail_.record(*w, {"admin", "test.action", application, "req", "fp", "detail"}));
    ASSERT_TRUE(trail_.record(*w, {"admin", "test.again", application, "req", "fp", "detail"}));
    ASSERT_TRUE(w->commit());
  }
  {  // one more entry in app-0's chain, from another application of that chain
    std::string neighbour;
    for (int i = 0; neighbour.empty(); ++i) {
      const std::string candidate = "neighbour-" + std::to_string(i);
      if (trail_.chain_for(candidate) == trail_.chain_for("app-0")) neighbour = candidate;
    }
    auto w = *store_->begin();
    ASSERT_TRUE(trail_.record(*w, {"admin", "test.action", neighbour, "req", "fp", "detail"}));
    ASSERT_TRUE(w->commit());
  }
  EXPECT_GT(per_chain.size(), 4u);
  EXPECT_EQ(trail_.chain_for(""), 0);
  auto checked = trail_.verify(*store_);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->entries, 81);
  EXPECT_FALSE(checked->first_bad);

  int chain = 0;
  {
    auto w = *store_->begin();
    chain = (*w->audit().list(0, 1))[0].chain;  // app-0's chain
  }
  ASSERT_NE(chain, 0);
  tamper("UPDATE audit_log SET chain = 0 WHERE seq = 2");
  checked = trail_.verify(*store_);
  ASSERT_TRUE(checked->first_bad);
  EXPECT_EQ(checked->first_bad->seq, 2);
  tamper(("UPDATE audit_log SET chain = " + std::to_string(chain) + " WHERE seq = 2").c_str());
  EXPECT_FALSE(trail_.verify(*store_)->first_bad);

  tamper("DELETE FROM audit_log WHERE seq = 2");  // app-0's second entry
  checked = trail_.verify(*store_);
  ASSERT_TRUE(checked->first_bad);
  EXPECT_EQ(checked->first_bad->chain, chain) << "the next entry of the removed one's chain";
  EXPECT_GT(checked->first_bad->seq, 2);
  EXPECT_EQ(checked->entries, checked->first_bad->seq - 2);  // everything before it, less the removed one
}

// A trail written with one number of chains and continued with another (a store moved between
// backends' counts, or a new default) still verifies: each chain holds on its own.
TEST_F(AuditTrailTest, ATrailContinuedWithAnotherNumberOfChainsVerifies) {
  audit_trail single{testing::filled_key(1), clock_, audit_trail::single_writer_chains};
  for (int i = 0; i < 10; ++i) {
    const std::string application = "app-" + std::to_string(i);
    EXPECT_EQ(single.chain_for(application), 0);
    for (auto* trail : {&trail_, &single}) {
      auto w = *store_->begin();
      ASSERT_TRUE(trail->record(*w, {"admin", "test.action", application, "req", "fp", "detail"}));
      ASSERT_TRUE(w->commit());
    }
  }
  auto checked = single.verify(*store_);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->entries, 20);
  EXPECT_FALSE(checked->first_bad);
}

// A trail written before there were chains (schema 5: one chain, no chain column) still verifies
// after the upgrade, and new entries join it.
TEST(AuditTrailUpgrade, ATrailFromBeforeChainsStillVerifies) {
  testing::temp_dir dir;
  testing::manual_clock clock;
  audit_trail trail{testing::filled_key(1), clock, audit_trail::concurrent_writer_chains};
  {
    sqlite_connection db(dir.file("rekey.db"));
    ASSERT_TRUE(migrate_sqlite(db, 5));
    digest256 previous{};
    for (int seq = 1; seq <= 3; ++seq) {
      audit_record e;  // chain 0, hashed as before chains
      e.seq = seq;
      e.at = clock.now();
      e.actor = "admin";
      e.action = "old.action";
      e.application_id = "app-" + std::to_string(seq);
      e.previous_hash = previous;
      e.hash = trail.chain_hash(e);
      previous = e.hash;
      auto& q = db.prepare(
          "INSERT INTO audit_log(seq, at, actor, action, application_id, request_id, fingerprint, detail,"
          " previous_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, '', '', '', ?6, ?7)");
      q.bind(1, e.seq)
          .bind(2, to_epoch_ms(e.at))
          .bind(3, e.actor)
          .bind(4, e.action)
          .bind(5, e.application_id)
          .bind(6, std::span<const std::uint8_t>(e.previous_hash))
          .bind(7, std::span<const std::uint8_t>(e.hash));
      ASSERT_TRUE(run(q));
    }
  }
  sqlite_store store(dir.file("rekey.db"));  // migrates to the newest version
  {
    auto w = *store.begin();
    ASSERT_TRUE(trail.record(*w, {"admin", "new.action", "", "req", "", ""}));  // chain 0, after the old ones
    ASSERT_TRUE(trail.record(*w, {"admin", "new.action", "app-1", "req", "", ""}));
    ASSERT_TRUE(w->commit());
  }
  auto checked = trail.verify(store);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->entries, 5);
  EXPECT_FALSE(checked->first_bad) << checked->why;
}

TEST_F(AuditTrailTest, EmptyTrailVerifies) {
  auto checked = trail_.verify(*store_);
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->entries, 0);
  EXPECT_FALSE(checked->first_bad);
}

}  // namespace
}  // namespace rekey
