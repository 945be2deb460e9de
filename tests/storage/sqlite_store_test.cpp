#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace rekey {
namespace {

application_record app(const std::string& id, const std::string& client_id) {
  return {id, "name-" + id, client_id, std::nullopt, std::nullopt, from_epoch_ms(1000)};
}

secret_record secret(const std::string& id, const std::string& app_id, std::uint8_t fill, std::int64_t created) {
  secret_record s;
  s.id = id;
  s.application_id = app_id;
  s.hash.fill(fill);
  s.fingerprint = "fp";
  s.state = secret_state::current;
  s.created_at = from_epoch_ms(created);
  s.expires_at = from_epoch_ms(created + 1000);
  return s;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<unit_of_work> begin() {
    auto work = store_.begin();
    EXPECT_TRUE(work);
    return std::move(*work);
  }
  testing::temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
};

// What a committed unit of work wrote is read back field by field, also after reopening the file.
TEST_F(SqliteStoreTest, CommittedWritesPersist) {
  {
    auto w = begin();
    auto a = app("a1", "c1");
    a.rotate_rate = 2.5;
    a.rotate_burst = 3;
    ASSERT_TRUE(w->applications().insert(a));
    ASSERT_TRUE(w->secrets().insert(secret("s1", "a1", 7, 100)));
    ASSERT_TRUE(w->commit());
  }
  sqlite_store reopened(dir_.file("rekey.db"));
  auto w = *reopened.begin();
  auto found = w->applications().find_by_client_id("c1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, "a1");
  EXPECT_EQ((*found)->rotate_rate, 2.5);
  EXPECT_EQ((*found)->rotate_burst, 3u);
  auto secrets = w->secrets().list_for("a1");
  ASSERT_TRUE(secrets);
  ASSERT_EQ(secrets->size(), 1u);
  EXPECT_EQ((*secrets)[0].hash[0], 7);
  EXPECT_EQ((*secrets)[0].expires_at, from_epoch_ms(1100));
}

// A unit of work destroyed without commit leaves nothing behind.
TEST_F(SqliteStoreTest, UncommittedWorkRollsBack) {
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  }
  auto w = begin();
  auto found = w->applications().find("a1");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

// A duplicate client id is a conflict, not an internal error.
TEST_F(SqliteStoreTest, DuplicateClientIdIsConflict) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  auto dup = w->applications().insert(app("a2", "c1"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), make_error_code(errc::conflict));
}

// Secrets list newest first; update changes state and expiry; updating a missing secret fails.
TEST_F(SqliteStoreTest, SecretsOrderAndUpdate) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  ASSERT_TRUE(w->secrets().insert(secret("old", "a1", 1, 100)));
  ASSERT_TRUE(w->secrets().insert(secret("new", "a1", 2, 200)));
  auto s = *w->secrets().list_for("a1");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].id, "new");
  s[1].state = secret_state::old;
  s[1].expires_at = from_epoch_ms(150);
  ASSERT_TRUE(w->secrets().update(s[1]));
  auto after = *w->secrets().list_for("a1");
  EXPECT_EQ(after[1].state, secret_state::old);
  EXPECT_EQ(after[1].expires_at, from_epoch_ms(150));
  EXPECT_FALSE(w->secrets().update(secret("missing", "a1", 3, 1)));
}

// Subscriptions are one per (application, type): putting again replaces the destination.
TEST_F(SqliteStoreTest, SubscriptionUpsert) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  ASSERT_TRUE(w->notifications().insert_destination({"d1", "a1", "embedded", "{}", from_epoch_ms(1)}));
  ASSERT_TRUE(w->notifications().insert_destination({"d2", "a1", "embedded", "{}", from_epoch_ms(2)}));
  ASSERT_TRUE(w->notifications().put_subscription({"s1", "a1", "T", "d1", from_epoch_ms(3)}));
  ASSERT_TRUE(w->notifications().put_subscription({"s2", "a1", "T", "d2", from_epoch_ms(4)}));
  auto found = *w->notifications().find_subscription("a1", "T");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->destination_id, "d2");
  EXPECT_EQ(w->notifications().list_subscriptions("a1")->size(), 1u);
  EXPECT_FALSE(*w->notifications().find_subscription("a1", "OTHER"));
}

// Rate buckets, refresh tokens, outbox items, signing keys and settings read back as written.
TEST_F(SqliteStoreTest, SmallerRepositoriesRoundTrip) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  EXPECT_FALSE(*w->rate_limits().find("a1", "op"));
  ASSERT_TRUE(w->rate_limits().save({"a1", "op", 0.25, from_epoch_ms(10)}));
  ASSERT_TRUE(w->rate_limits().save({"a1", "op", 0.5, from_epoch_ms(20)}));
  auto bucket = *w->rate_limits().find("a1", "op");
  ASSERT_TRUE(bucket);
  EXPECT_DOUBLE_EQ(bucket->tokens, 0.5);
  EXPECT_EQ(bucket->updated_at, from_epoch_ms(20));

  digest256 h{};
  h.fill(9);
  ASSERT_TRUE(w->refresh_tokens().insert({h, "a1", from_epoch_ms(5)}));
  EXPECT_EQ((*w->refresh_tokens().find(h))->application_id, "a1");
  h.fill(8);
  EXPECT_FALSE(*w->refresh_tokens().find(h));

  ASSERT_TRUE(w->notifications().insert_destination({"d1", "a1", "embedded", "{}", from_epoch_ms(1)}));
  outbox_record o;
  o.id = "n1";
  o.application_id = "a1";
  o.destination_id = "d1";
  o.notification_type = "T";
  o.sealed_body = {1, 2, 3};
  o.next_attempt_at = from_epoch_ms(7);
  o.created_at = from_epoch_ms(7);
  ASSERT_TRUE(w->outbox().insert(o));
  auto items = *w->outbox().list_for_application("a1");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].sealed_body, (bytes{1, 2, 3}));
  EXPECT_EQ(items[0].state, outbox_state::pending);

  ASSERT_TRUE(w->keys().insert_signing_key({"k1", {4, 5}, from_epoch_ms(1)}));
  EXPECT_EQ(w->keys().list_signing_keys()->at(0).kid, "k1");
  EXPECT_FALSE(*w->keys().get_setting("x"));
  ASSERT_TRUE(w->keys().put_setting("x", "1"));
  ASSERT_TRUE(w->keys().put_setting("x", "2"));
  EXPECT_EQ(**w->keys().get_setting("x"), "2");
}

// A batch makes units durable together: committed units persist, a rolled-back unit does not,
// and after-commit hooks run only once the batch commits.
TEST_F(SqliteStoreTest, BatchCommitsUnitsTogether) {
  std::vector<std::string> hooks;
  ASSERT_TRUE(store_.begin_batch());
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
    w->after_commit([&] { hooks.push_back("a1"); });
    ASSERT_TRUE(w->commit());
  }
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
    w->after_commit([&] { hooks.push_back("a2"); });
  }  // rolled back
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a3", "c3")));
    ASSERT_TRUE(w->commit());
  }
  EXPECT_TRUE(hooks.empty()) << "hooks wait for the batch";
  ASSERT_TRUE(store_.end_batch());
  EXPECT_EQ(hooks, std::vector<std::string>{"a1"});
  sqlite_store reopened(dir_.file("rekey.db"));
  auto w = *reopened.begin();
  EXPECT_TRUE(*w->applications().find("a1"));
  EXPECT_FALSE(*w->applications().find("a2"));
  EXPECT_TRUE(*w->applications().find("a3"));
}

// An aborted batch loses everything in it and runs no hook; outside a batch, hooks run at commit.
TEST_F(SqliteStoreTest, AbortedBatchRollsBackAndHooksRunAtPlainCommit) {
  bool hooked = false;
  ASSERT_TRUE(store_.begin_batch());
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
    w->after_commit([&] { hooked = true; });
    ASSERT_TRUE(w->commit());
  }
  store_.abort_batch();
  EXPECT_FALSE(hooked);
  EXPECT_FALSE(*begin()->applications().find("a1"));
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
  w->after_commit([&] { hooked = true; });
  ASSERT_TRUE(w->commit());
  EXPECT_TRUE(hooked);
}

}  // namespace
}  // namespace rekey
