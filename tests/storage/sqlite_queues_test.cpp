#include "storage/sqlite/sqlite_queues.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

message_record message(const std::string& id, time_point sent, millis retention = millis{86'400'000}) {
  message_record m;
  m.id = id;
  m.account = "111122223333";
  m.queue = "q";
  m.sealed_body = {1, 2};
  m.md5_of_body = "md5";
  m.sender_id = "AK";
  m.sent_at = sent;
  m.visible_at = sent;
  m.receipt_handle = "";
  m.expires_at = sent + retention;
  return m;
}

class SqliteQueuesTest : public ::testing::Test {
 protected:
  SqliteQueuesTest() {
    auto w = *store_.begin();
    EXPECT_TRUE(w->queues().insert_queue({"111122223333", "q", millis{30'000}, millis{86'400'000}, t0}));
    EXPECT_TRUE(w->commit());
  }
  testing::temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
};

// A queue name is unique per account; other accounts and prefixes list separately.
TEST_F(SqliteQueuesTest, QueuesPerAccount) {
  auto w = *store_.begin();
  auto dup = w->queues().insert_queue({"111122223333", "q", millis{1}, millis{1}, t0});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), make_error_code(errc::conflict));
  ASSERT_TRUE(w->queues().insert_queue({"999988887777", "q", millis{1}, millis{1}, t0}));
  ASSERT_TRUE(w->queues().insert_queue({"111122223333", "qq", millis{1}, millis{1}, t0}));
  ASSERT_TRUE(w->queues().insert_queue({"111122223333", "other", millis{1}, millis{1}, t0}));
  EXPECT_EQ(w->queues().list_queues("111122223333", "q")->size(), 2u);
  EXPECT_EQ(w->queues().list_queues("111122223333", "")->size(), 3u);
  EXPECT_EQ(w->queues().list_queues("999988887777", "")->size(), 1u);
}

// Visible messages come oldest first; a received message hides until its visibility ends and
// is then found by its receipt handle; expired messages are neither visible nor counted.
TEST_F(SqliteQueuesTest, VisibilityReceiptAndExpiry) {
  auto w = *store_.begin();
  auto& q = w->queues();
  ASSERT_TRUE(q.insert_message(message("m2", t0 + millis{2})));
  ASSERT_TRUE(q.insert_message(message("m1", t0 + millis{1})));
  ASSERT_TRUE(q.insert_message(message("gone", t0, millis{5})));
  auto visible = *q.visible_messages("111122223333", "q", t0 + millis{10}, 10);
  ASSERT_EQ(visible.size(), 2u);
  EXPECT_EQ(visible[0].id, "m1");
  auto m = visible[0];
  m.visible_at = t0 + millis{30'010};
  m.receive_count = 1;
  m.first_received_at = t0 + millis{10};
  m.receipt_handle = "r1";
  ASSERT_TRUE(q.update_message(m));
  EXPECT_EQ(q.visible_messages("111122223333", "q", t0 + millis{10}, 10)->size(), 1u);
  const auto counts = *q.count_messages("111122223333", "q", t0 + millis{10});
  EXPECT_EQ(counts.visible, 1);
  EXPECT_EQ(counts.in_flight, 1);
  auto found = *q.find_by_receipt("111122223333", "q", "r1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->receive_count, 1);
  EXPECT_EQ(found->first_received_at, t0 + millis{10});
  EXPECT_FALSE(*q.find_by_receipt("111122223333", "other", "r1"));
  EXPECT_EQ(*q.delete_expired(t0 + millis{10}), 1);
  ASSERT_TRUE(q.delete_message("m1"));
  EXPECT_FALSE(*q.find_by_receipt("111122223333", "q", "r1"));
}

// Deleting a queue deletes its messages; deleting it again reports it missing.
TEST_F(SqliteQueuesTest, DeleteQueueCascades) {
  auto w = *store_.begin();
  ASSERT_TRUE(w->queues().insert_message(message("m", t0)));
  EXPECT_TRUE(*w->queues().delete_queue("111122223333", "q"));
  EXPECT_FALSE(*w->queues().delete_queue("111122223333", "q"));
  EXPECT_EQ(w->queues().count_messages("111122223333", "q", t0)->visible, 0);
}

// Access keys read back as written.
TEST_F(SqliteQueuesTest, AccessKeys) {
  auto w = *store_.begin();
  ASSERT_TRUE(w->access_keys().insert({"AKRK1", "111122223333", {9}, t0}));
  auto k = *w->access_keys().find("AKRK1");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->account, "111122223333");
  EXPECT_EQ(k->sealed_secret, bytes{9});
  EXPECT_FALSE(*w->access_keys().find("nope"));
  EXPECT_EQ(w->access_keys().list()->size(), 1u);
}

}  // namespace
}  // namespace rekey
