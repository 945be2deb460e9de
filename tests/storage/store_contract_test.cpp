// The storage contract (store.hpp), one suite run unchanged against every backend: SQLite and
// PostgreSQL. Every repository operation, rollback, batches, and two transactions racing for
// the same rate-limit token, outbox item or audit chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <span>
#include <thread>

#include "storage/store_backends.hpp"
#include "support/queue_records.hpp"

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);

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

outbox_record item(const std::string& id, time_point due) {
  outbox_record o;
  o.id = id;
  o.application_id = "a1";
  o.destination_id = "d1";
  o.notification_type = "T";
  o.sealed_body = {1, 2, 3};
  o.next_attempt_at = due;
  o.created_at = due;
  return o;
}

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

// Appends one entry to `chain` the way audit_trail does (head, then append); its hash is its seq.
result<std::int64_t> append_to_chain(unit_of_work& w, int chain, const std::string& action) {
  auto head = w.audit().head(chain);
  if (!head) return head.error();
  audit_record e;
  e.seq = head->next_seq;
  e.chain = chain;
  e.at = t0 + millis{e.seq};
  e.actor = "admin";
  e.action = action;
  if (head->last) e.previous_hash = head->last->hash;
  e.hash.fill(0);
  std::memcpy(e.hash.data(), &e.seq, sizeof e.seq);
  if (auto r = w.audit().append(e); !r) return r.error();
  return e.seq;
}

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (testing::postgres_backend::server() == nullptr) GTEST_SKIP() << "REKEY_TEST_POSTGRES is not set";
      backend_ = std::make_unique<testing::postgres_backend>();
    } else {
      backend_ = std::make_unique<testing::sqlite_backend>();
    }
    store_ = backend_->open();
  }

  std::unique_ptr<unit_of_work> begin(unit_source& s) {
    auto work = s.begin();
    EXPECT_TRUE(work) << work.error().message();
    return work ? std::move(*work) : nullptr;
  }
  std::unique_ptr<unit_of_work> begin() { return begin(*store_); }

  // An application with a destination, for the tables that refer to them.
  void seed_application() {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
    ASSERT_TRUE(w->notifications().insert_destination({"d1", "a1", "embedded", "{}", from_epoch_ms(1)}));
    ASSERT_TRUE(
        w->queues().insert_queue(testing::queue_of("111122223333", "q", millis{30'000}, millis{86'400'000}, t0)));
    ASSERT_TRUE(w->commit());
  }

  std::unique_ptr<testing::store_backend> backend_;
  std::unique_ptr<store> store_;
};

// What a committed unit of work wrote is read back field by field, also from another store.
TEST_P(StoreContract, CommittedWritesPersist) {
  {
    auto w = begin();
    auto a = app("a1", "c1");
    a.rotate_rate = 2.5;
    a.rotate_burst = 3;
    ASSERT_TRUE(w->applications().insert(a));
    auto s = secret("s1", "a1", 7, 100);
    s.next_warning_at = from_epoch_ms(50);
    ASSERT_TRUE(w->secrets().insert(s));
    ASSERT_TRUE(w->commit());
  }
  auto other = backend_->open();
  auto w = begin(*other);
  auto found = w->applications().find_by_client_id("c1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, "a1");
  EXPECT_EQ((*found)->rotate_rate, 2.5);
  EXPECT_EQ((*found)->rotate_burst, 3u);
  EXPECT_EQ((*w->applications().find("a1"))->name, "name-a1");
  EXPECT_EQ(w->applications().list()->size(), 1u);
  auto secrets = w->secrets().list_for("a1");
  ASSERT_TRUE(secrets);
  ASSERT_EQ(secrets->size(), 1u);
  EXPECT_EQ((*secrets)[0].hash[0], 7);
  EXPECT_EQ((*secrets)[0].expires_at, from_epoch_ms(1100));
  EXPECT_EQ((*secrets)[0].next_warning_at, from_epoch_ms(50));
  EXPECT_EQ((*secrets)[0].use_count, 0);
  EXPECT_FALSE((*secrets)[0].last_used_at);
}

// The console's writes: a usage plan set and cleared (the rest of the application as it was), a
// subscription removed (false the second time), an access key revoked (false the second time).
TEST_P(StoreContract, ConsoleWritesChangeOnlyWhatTheyName) {
  seed_application();
  {
    auto w = begin();
    auto changed = app("a1", "c1");
    changed.name = "ignored";  // update_usage_plan writes the plan only
    changed.rotate_rate = 0.5;
    changed.rotate_burst = 4;
    ASSERT_TRUE(w->applications().update_usage_plan(changed));
    ASSERT_TRUE(w->notifications().put_subscription({"sub1", "a1", "T", "d1", t0}));
    ASSERT_TRUE(w->access_keys().insert({"AKRK1", "111122223333", {9}, t0}));
    ASSERT_TRUE(w->commit());
  }
  {
    auto w = begin();
    const auto found = *w->applications().find("a1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "name-a1");
    EXPECT_EQ(found->rotate_rate, 0.5);
    EXPECT_EQ(found->rotate_burst, 4u);
    auto cleared = *found;
    cleared.rotate_rate.reset();
    cleared.rotate_burst.reset();
    ASSERT_TRUE(w->applications().update_usage_plan(cleared));
    EXPECT_EQ(*w->notifications().delete_subscription("a1", "T"), true);
    EXPECT_EQ(*w->notifications().delete_subscription("a1", "T"), false);
    EXPECT_EQ(*w->access_keys().remove("AKRK1"), true);
    EXPECT_EQ(*w->access_keys().remove("AKRK1"), false);
    ASSERT_TRUE(w->commit());
  }
  auto w = begin();
  const auto found = *w->applications().find("a1");
  EXPECT_FALSE(found->rotate_rate);
  EXPECT_FALSE(found->rotate_burst);
  EXPECT_FALSE(*w->notifications().find_subscription("a1", "T"));
  EXPECT_FALSE(*w->access_keys().find("AKRK1"));
}

// A unit of work destroyed without commit leaves nothing behind.
TEST_P(StoreContract, UncommittedWorkRollsBack) {
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  }
  auto w = begin();
  auto found = w->applications().find("a1");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

// A duplicate client id is a conflict, not an internal error (and the unit of work is then
// abandoned: after an error a unit of work is only rolled back).
TEST_P(StoreContract, DuplicateIsConflict) {
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
    ASSERT_TRUE(w->commit());
  }
  auto w = begin();
  auto dup = w->applications().insert(app("a2", "c1"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), make_error_code(errc::conflict));
}

// A rotation's reads in one call are what the repositories read one by one.
TEST_P(StoreContract, ReadForRotationReadsWhatTheRepositoriesRead) {
  seed_application();
  {
    auto w = begin();
    auto none = w->read_for_rotation("a1", "rotate", "T", 3);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->bucket);
    EXPECT_FALSE(none->subscription);
    EXPECT_FALSE(none->destination);
    EXPECT_FALSE(none->queue);
    EXPECT_FALSE(none->audit.last);
    EXPECT_TRUE(none->secrets.empty());
    ASSERT_TRUE(none->application);
    EXPECT_EQ(none->application->client_id, "c1");
    EXPECT_FALSE(w->read_for_rotation("nobody", "rotate", "T", 3)->application);

    ASSERT_TRUE(w->secrets().insert(secret("s1", "a1", 1, 100)));
    ASSERT_TRUE(w->secrets().insert(secret("s2", "a1", 2, 200)));
    ASSERT_TRUE(w->rate_limits().save({"a1", "rotate", 2.5, t0}));
    ASSERT_TRUE(w->notifications().put_subscription({"sub1", "a1", "T", "d1", t0}));
    ASSERT_TRUE(append_to_chain(*w, 3, "before"));
    ASSERT_TRUE(w->commit());
  }
  auto w = begin();
  auto read = w->read_for_rotation("a1", "rotate", "T", 3);
  ASSERT_TRUE(read);
  ASSERT_TRUE(read->bucket);
  EXPECT_EQ(read->bucket->tokens, 2.5);
  EXPECT_EQ(read->bucket->updated_at, t0);
  ASSERT_EQ(read->secrets.size(), 2u);
  EXPECT_EQ(read->secrets[0].id, "s2");  // newest first, as list_for
  ASSERT_TRUE(read->subscription);
  EXPECT_EQ(read->subscription->id, "sub1");
  ASSERT_TRUE(read->destination);
  EXPECT_EQ(read->destination->id, "d1");
  EXPECT_EQ(read->destination->kind, "embedded");
  EXPECT_FALSE(read->queue);  // d1's config names no queue
  ASSERT_TRUE(read->audit.last);
  EXPECT_EQ(read->audit.last->action, "before");
  EXPECT_GT(read->audit.next_seq, read->audit.last->seq);
}

// An embedded destination's queue comes with a rotation's reads; none once the queue is gone,
// and none for a destination of another kind.
TEST_P(StoreContract, ReadForRotationReadsAnEmbeddedDestinationsQueue) {
  seed_application();
  const std::string names_q = R"({"account":"111122223333","queue":"q"})";
  {
    auto w = begin();
    ASSERT_TRUE(w->notifications().insert_destination({"d2", "a1", "embedded", names_q, t0}));
    ASSERT_TRUE(w->notifications().insert_destination({"d3", "a1", "webhook", names_q, t0}));
    ASSERT_TRUE(w->notifications().put_subscription({"sub1", "a1", "T", "d2", t0}));
    ASSERT_TRUE(w->notifications().put_subscription({"sub2", "a1", "U", "d3", t0}));
    ASSERT_TRUE(w->commit());
  }
  {
    auto w = begin();
    auto read = w->read_for_rotation("a1", "rotate", "T", 0);
    ASSERT_TRUE(read);
    ASSERT_TRUE(read->queue);
    EXPECT_EQ(read->queue->account, "111122223333");
    EXPECT_EQ(read->queue->name, "q");
    EXPECT_EQ(read->queue->retention, millis{86'400'000});
    EXPECT_EQ(read->queue->created_at, t0);
    EXPECT_FALSE(w->read_for_rotation("a1", "rotate", "U", 0)->queue);
  }
  {
    auto w = begin();
    ASSERT_TRUE(*w->queues().delete_queue("111122223333", "q"));
    ASSERT_TRUE(w->commit());
  }
  auto w = begin();
  auto read = w->read_for_rotation("a1", "rotate", "T", 0);
  ASSERT_TRUE(read);
  ASSERT_TRUE(read->destination);
  EXPECT_FALSE(read->queue);
}

// Pipelined writes (unit_of_work::pipeline_writes): a read sees the writes queued before it,
// and the commit makes them all durable.
TEST_P(StoreContract, PipelinedWritesAreReadBackAndCommitted) {
  seed_application();
  {
    auto w = begin();
    w->pipeline_writes();
    ASSERT_TRUE(w->secrets().insert(secret("s1", "a1", 1, 100)));
    ASSERT_TRUE(w->rate_limits().save({"a1", "rotate", 4.0, t0}));
    ASSERT_TRUE(w->outbox().insert(item("n1", t0)));
    auto secrets = w->secrets().list_for("a1");  // a read: what is queued goes first
    ASSERT_TRUE(secrets);
    ASSERT_EQ(secrets->size(), 1u);
    auto changed = (*secrets)[0];
    changed.state = secret_state::old;
    ASSERT_TRUE(w->secrets().update(changed));
    ASSERT_TRUE(append_to_chain(*w, 2, "pipelined"));
    ASSERT_TRUE(w->commit());
  }
  auto other = backend_->open();
  auto w = begin(*other);
  EXPECT_EQ((*w->secrets().list_for("a1"))[0].state, secret_state::old);
  EXPECT_EQ((*w->rate_limits().find("a1", "rotate"))->tokens, 4.0);
  EXPECT_TRUE(*w->outbox().find_item("n1"));
  EXPECT_EQ(w->audit().list(0, 10)->size(), 1u);
}

// A pipelined write that fails (a duplicate; an update of nothing) fails the unit — at the
// write or at the latest at commit — and nothing of the unit is kept; the store goes on working.
TEST_P(StoreContract, PipelinedWriteFailureFailsTheUnitAndKeepsNothing) {
  seed_application();
  {
    auto w = begin();
    ASSERT_TRUE(w->secrets().insert(secret("s1", "a1", 1, 100)));
    ASSERT_TRUE(w->commit());
  }
  const auto failing = [&](auto&& write) {
    auto w = begin();
    w->pipeline_writes();
    ASSERT_TRUE(w->outbox().insert(item("n1", t0)));
    const bool written = static_cast<bool>(write(*w));
    const bool committed = written && static_cast<bool>(w->commit());
    EXPECT_FALSE(committed);
  };
  failing([](unit_of_work& w) { return w.secrets().insert(secret("s1", "a1", 2, 200)); });
  failing([](unit_of_work& w) { return w.secrets().update(secret("missing", "a1", 3, 1)); });
  auto w = begin();
  EXPECT_FALSE(*w->outbox().find_item("n1"));
  EXPECT_EQ((*w->secrets().list_for("a1"))[0].hash[0], 1);
  ASSERT_TRUE(w->outbox().insert(item("n2", t0)));
  ASSERT_TRUE(w->commit());
}

// Secrets list newest first; update changes state and expiry (and drops the warning schedule
// of a secret that is no longer current); updating a missing secret fails.
TEST_P(StoreContract, SecretsOrderAndUpdate) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  auto older = secret("old", "a1", 1, 100);
  older.next_warning_at = from_epoch_ms(10);
  ASSERT_TRUE(w->secrets().insert(older));
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
  EXPECT_FALSE(after[1].next_warning_at);
  EXPECT_FALSE(w->secrets().update(secret("missing", "a1", 3, 1)));
}

// Updates move a secret forward only: a write from an older read (say, a rotation that read the
// secret before a revocation committed) never brings back a revoked or retired secret, nor a
// longer expiry.
TEST_P(StoreContract, SecretUpdatesMoveForwardOnly) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  auto s = secret("s1", "a1", 1, 100);  // current, expires at 1100
  s.next_warning_at = from_epoch_ms(10);
  ASSERT_TRUE(w->secrets().insert(s));
  auto shorter = s;
  shorter.expires_at = from_epoch_ms(1000);
  ASSERT_TRUE(w->secrets().update(shorter));  // still current: keeps its warning
  auto read = (*w->secrets().list_for("a1"))[0];
  EXPECT_EQ(read.expires_at, from_epoch_ms(1000));
  EXPECT_EQ(read.next_warning_at, from_epoch_ms(10));

  auto revoked = s;
  revoked.state = secret_state::revoked;
  revoked.expires_at = from_epoch_ms(900);
  ASSERT_TRUE(w->secrets().update(revoked));
  auto stale = s;  // planned from the read before the revocation
  stale.state = secret_state::old;
  stale.expires_at = from_epoch_ms(5000);
  ASSERT_TRUE(w->secrets().update(stale));
  read = (*w->secrets().list_for("a1"))[0];
  EXPECT_EQ(read.state, secret_state::revoked);
  EXPECT_EQ(read.expires_at, from_epoch_ms(900));
  EXPECT_FALSE(read.next_warning_at);

  for (const auto& [from, to] :
       {std::pair{secret_state::old, secret_state::current}, std::pair{secret_state::retired, secret_state::old}}) {
    auto t = secret("t-" + std::string(to_string(from)), "a1", 2, 100);
    t.state = from;
    ASSERT_TRUE(w->secrets().insert(t));
    t.state = to;
    ASSERT_TRUE(w->secrets().update(t));
  }
  for (const auto& r : *w->secrets().list_for("a1")) {
    if (r.id == "t-old") {
      EXPECT_EQ(r.state, secret_state::old);
    } else if (r.id == "t-retired") {
      EXPECT_EQ(r.state, secret_state::retired);
    }
  }
}

// The lifecycle's operations: due warnings (current secrets only), the compare-and-set that
// takes one, newly expired secrets, recorded expiries and batched usage.
TEST_P(StoreContract, SecretLifecycleOperations) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  auto due = secret("due", "a1", 1, 100);
  due.next_warning_at = from_epoch_ms(500);
  auto later = secret("later", "a1", 2, 200);
  later.next_warning_at = from_epoch_ms(900);
  auto old = secret("old", "a1", 3, 50);
  old.state = secret_state::old;
  old.next_warning_at = from_epoch_ms(100);
  ASSERT_TRUE(w->secrets().insert(due));
  ASSERT_TRUE(w->secrets().insert(later));
  ASSERT_TRUE(w->secrets().insert(old));

  auto found = *w->secrets().list_warning_due(from_epoch_ms(500), 10);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "due");
  EXPECT_TRUE(*w->secrets().reschedule_warning("due", from_epoch_ms(500), from_epoch_ms(800)));
  EXPECT_FALSE(*w->secrets().reschedule_warning("due", from_epoch_ms(500), from_epoch_ms(800)));
  EXPECT_TRUE(*w->secrets().reschedule_warning("due", from_epoch_ms(800), std::nullopt));
  EXPECT_TRUE(w->secrets().list_warning_due(from_epoch_ms(850), 10)->empty());

  auto expired = *w->secrets().list_newly_expired(from_epoch_ms(1100), 10);  // old (1050), due (1100)
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0].id, "old");
  ASSERT_TRUE(w->secrets().mark_expiry_recorded("old"));
  EXPECT_EQ(w->secrets().list_newly_expired(from_epoch_ms(1100), 10)->size(), 1u);

  ASSERT_TRUE(w->secrets().add_usage("due", 3, from_epoch_ms(700)));
  ASSERT_TRUE(w->secrets().add_usage("due", 2, from_epoch_ms(600)));
  for (const auto& s : *w->secrets().list_for("a1")) {
    if (s.id != "due") continue;
    EXPECT_EQ(s.use_count, 5);
    EXPECT_EQ(s.last_used_at, from_epoch_ms(700));
  }
}

// Subscriptions are one per (application, type): putting again replaces the destination.
TEST_P(StoreContract, SubscriptionUpsert) {
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
  ASSERT_TRUE(w->notifications().insert_destination({"d1", "a1", "embedded", "{}", from_epoch_ms(1)}));
  ASSERT_TRUE(w->notifications().insert_destination({"d2", "a1", "webhook", "{\"url\":1}", from_epoch_ms(2)}));
  ASSERT_TRUE(w->notifications().put_subscription({"s1", "a1", "T", "d1", from_epoch_ms(3)}));
  ASSERT_TRUE(w->notifications().put_subscription({"s2", "a1", "T", "d2", from_epoch_ms(4)}));
  auto found = *w->notifications().find_subscription("a1", "T");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->destination_id, "d2");
  EXPECT_EQ(w->notifications().list_subscriptions("a1")->size(), 1u);
  EXPECT_FALSE(*w->notifications().find_subscription("a1", "OTHER"));
  EXPECT_EQ((*w->notifications().find_destination("d2"))->config_json, "{\"url\":1}");
  EXPECT_EQ(w->notifications().list_destinations("a1")->size(), 2u);
}

// Rate buckets, refresh tokens, signing keys, settings and access keys read back as written.
TEST_P(StoreContract, SmallerRepositoriesRoundTrip) {
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

  ASSERT_TRUE(w->keys().insert_signing_key({"k1", {4, 5}, from_epoch_ms(1)}));
  EXPECT_EQ(w->keys().list_signing_keys()->at(0).kid, "k1");
  EXPECT_EQ(w->keys().list_signing_keys()->at(0).sealed_key, (bytes{4, 5}));
  EXPECT_FALSE(*w->keys().get_setting("x"));
  ASSERT_TRUE(w->keys().put_setting("x", "1"));
  ASSERT_TRUE(w->keys().put_setting("x", "2"));
  EXPECT_EQ(**w->keys().get_setting("x"), "2");

  ASSERT_TRUE(w->access_keys().insert({"AKRK1", "111122223333", {9, 0, 255}, t0}));
  auto k = *w->access_keys().find("AKRK1");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->account, "111122223333");
  EXPECT_EQ(k->sealed_secret, (bytes{9, 0, 255}));
  EXPECT_FALSE(*w->access_keys().find("nope"));
  EXPECT_EQ(w->access_keys().list()->size(), 1u);
}

// Resource servers (revoked once), applications' token settings (also as a rotation reads
// them) and the JWT signing keys.
TEST_P(StoreContract, ResourceServersTokenSettingsAndJwtKeys) {
  {
    auto w = begin();
    resource_server_record rs{"rs-1", "orders", "https://orders.example", {}, t0, std::nullopt};
    rs.secret_hash.fill(3);
    ASSERT_TRUE(w->resource_servers().insert(rs));
    ASSERT_TRUE(w->resource_servers().insert({"rs-2", "billing", std::nullopt, {}, t0 + millis{1}, std::nullopt}));
    auto a = app("a1", "c1");
    ASSERT_TRUE(w->applications().insert(a));
    a.tokens = {token_format::jwt, {"orders:read", "orders:write"}, "https://orders.example", 3};
    ASSERT_TRUE(w->applications().update_token_settings(a));
    ASSERT_TRUE(w->keys().insert_jwt_key({"kid-1", "EdDSA", {1, 2, 3}, "x-1", t0, t0 + millis{5}}));
    ASSERT_TRUE(w->commit());
  }
  auto w = begin();
  auto found = *w->resource_servers().find("rs-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "orders");
  EXPECT_EQ(found->audience, "https://orders.example");
  EXPECT_EQ(found->secret_hash[31], 3);
  EXPECT_EQ(found->created_at, t0);
  EXPECT_FALSE(found->revoked_at);
  EXPECT_FALSE(*w->resource_servers().find("rs-3"));
  auto all = *w->resource_servers().list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].id, "rs-2");
  EXPECT_FALSE(all[1].audience);
  EXPECT_TRUE(*w->resource_servers().revoke("rs-1", t0 + millis{9}));
  EXPECT_FALSE(*w->resource_servers().revoke("rs-1", t0 + millis{10}));
  EXPECT_FALSE(*w->resource_servers().revoke("rs-3", t0));
  EXPECT_EQ((*w->resource_servers().find("rs-1"))->revoked_at, t0 + millis{9});

  const token_settings expected{token_format::jwt, {"orders:read", "orders:write"}, "https://orders.example", 3};
  EXPECT_EQ((*w->applications().find("a1"))->tokens, expected);
  EXPECT_EQ(w->applications().list()->at(0).tokens, expected);
  EXPECT_EQ((*w->applications().find_by_client_id("c1"))->tokens, expected);
  const auto read = w->read_for_rotation("a1", "rotate", "T", 0);
  ASSERT_TRUE(read && read->application);
  EXPECT_EQ(read->application->tokens, expected);
  EXPECT_EQ(read->application->created_at, from_epoch_ms(1000));
  EXPECT_EQ((*w->applications().find("a1"))->rotate_rate, std::nullopt);

  const auto keys = *w->keys().list_jwt_keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].kid, "kid-1");
  EXPECT_EQ(keys[0].algorithm, "EdDSA");
  EXPECT_EQ(keys[0].sealed_private_key, (bytes{1, 2, 3}));
  EXPECT_EQ(keys[0].public_key, "x-1");
  EXPECT_EQ(keys[0].created_at, t0);
  EXPECT_EQ(keys[0].signs_from, t0 + millis{5});
}

// Outbox items: insert, find, list, claim with a lease (a claimed item is not due again until
// the lease ends), update.
TEST_P(StoreContract, OutboxClaimAndUpdate) {
  seed_application();
  auto w = begin();
  ASSERT_TRUE(w->outbox().insert(item("n1", t0)));
  ASSERT_TRUE(w->outbox().insert(item("n2", t0 + millis{5})));
  auto late = item("n3", t0 + millis{100});
  late.old_secret_id = "s-old";
  ASSERT_TRUE(w->outbox().insert(late));
  EXPECT_EQ(w->outbox().list_for_application("a1")->front().id, "n3");  // newest first
  EXPECT_EQ((*w->outbox().find_item("n3"))->old_secret_id, "s-old");

  auto claimed = *w->outbox().claim_due(t0 + millis{10}, millis{1000}, 10);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].id, "n1");
  EXPECT_EQ(claimed[0].next_attempt_at, t0 + millis{1010});
  EXPECT_TRUE(w->outbox().claim_due(t0 + millis{10}, millis{1000}, 10)->empty());

  auto done = claimed[0];
  done.state = outbox_state::delivered;
  done.delivered_at = t0 + millis{20};
  done.attempts = 1;
  done.sealed_body.clear();
  ASSERT_TRUE(w->outbox().update(done));
  auto read = *w->outbox().find_item("n1");
  EXPECT_EQ(read->state, outbox_state::delivered);
  EXPECT_EQ(read->delivered_at, t0 + millis{20});
  EXPECT_TRUE(read->sealed_body.empty());
  EXPECT_EQ(w->outbox().list_by_state(outbox_state::pending, 10)->size(), 2u);
  auto delivered = *w->outbox().list_by_state(outbox_state::delivered, 10);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].id, "n1");
  EXPECT_TRUE(w->outbox().list_by_state(outbox_state::dead, 10)->empty());
  auto given_up = **w->outbox().find_item("n3");
  given_up.state = outbox_state::dead;
  ASSERT_TRUE(w->outbox().update(given_up));
  auto dead = *w->outbox().list_by_state(outbox_state::dead, 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, "n3");
  EXPECT_EQ(w->outbox().list_by_state(outbox_state::pending, 10)->size(), 1u);
  EXPECT_FALSE(w->outbox().update(item("missing", t0)));
}

// What monitoring reads (/metrics): the outbox's backlog, and current secrets by expiry, through
// a read-only unit that sees committed writes and leaves a writer free to commit meanwhile.
TEST_P(StoreContract, MonitoringReadsBacklogAndExpiringSecrets) {
  seed_application();
  {
    auto read = store_->begin_read();
    ASSERT_TRUE(read);
    const auto empty = *(*read)->outbox().backlog();
    EXPECT_EQ(empty.pending, 0);
    EXPECT_EQ(empty.dead, 0);
    EXPECT_FALSE(empty.oldest_pending);
  }
  auto w = begin();
  ASSERT_TRUE(w->outbox().insert(item("n1", t0 + millis{5})));
  ASSERT_TRUE(w->outbox().insert(item("n2", t0)));
  auto dead = item("n3", t0 - millis{5});
  dead.state = outbox_state::dead;
  ASSERT_TRUE(w->outbox().insert(dead));
  auto soon = secret("soon", "a1", 1, 100);     // expires at 1100
  auto later = secret("later", "a1", 2, 5000);  // expires at 6000
  auto old = secret("old", "a1", 3, 50);        // expires at 1050, but not current
  old.state = secret_state::old;
  for (const auto& s : {soon, later, old}) ASSERT_TRUE(w->secrets().insert(s));
  ASSERT_TRUE(w->commit());

  auto read = store_->begin_read();
  ASSERT_TRUE(read);
  const auto backlog = *(*read)->outbox().backlog();
  EXPECT_EQ(backlog.pending, 2);
  EXPECT_EQ(backlog.oldest_pending, t0);
  EXPECT_EQ(backlog.dead, 1);
  EXPECT_EQ(*(*read)->secrets().count_current_expiring(from_epoch_ms(1099)), 0);
  EXPECT_EQ(*(*read)->secrets().count_current_expiring(from_epoch_ms(1100)), 1);
  EXPECT_EQ(*(*read)->secrets().count_current_expiring(from_epoch_ms(9999)), 2);
  // A writer is not held up by the open read.
  auto writer = backend_->open();
  auto other = begin(*writer);
  ASSERT_TRUE(other->outbox().insert(item("n4", t0)));
  EXPECT_TRUE(other->commit());
}

// An application's deliveries, newest first, include the items announcing its new secrets: the
// stores find those through the secret each announces (outbox_record::new_secret_id), not through
// the application's own outbox entries, and must still list them, and only under their application.
TEST_P(StoreContract, DeliveriesOfAnApplicationIncludeThoseAnnouncingItsSecrets) {
  seed_application();
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
  ASSERT_TRUE(w->notifications().insert_destination({"d2", "a2", "embedded", "{}", from_epoch_ms(1)}));
  ASSERT_TRUE(w->secrets().insert(secret("s1", "a1", 1, 1000)));
  ASSERT_TRUE(w->secrets().insert(secret("s2", "a2", 2, 1000)));
  ASSERT_TRUE(w->outbox().insert(item("n1", t0)));
  auto announcing = item("n2", t0 + millis{5});
  announcing.new_secret_id = "s1";
  ASSERT_TRUE(w->outbox().insert(announcing));
  ASSERT_TRUE(w->outbox().insert(item("n3", t0 + millis{10})));
  auto same_time = item("n4", t0 + millis{10});
  same_time.new_secret_id = "s1";
  ASSERT_TRUE(w->outbox().insert(same_time));
  auto other = item("n5", t0 + millis{5});
  other.application_id = "a2";
  other.destination_id = "d2";
  other.new_secret_id = "s2";
  ASSERT_TRUE(w->outbox().insert(other));
  ASSERT_TRUE(w->commit());

  auto r = begin();
  auto ids = [&](std::string_view application) {
    std::vector<std::string> out;
    for (const auto& o : *r->outbox().list_for_application(application)) out.push_back(o.id);
    return out;
  };
  EXPECT_EQ(ids("a1"), (std::vector<std::string>{"n4", "n3", "n2", "n1"}));  // ties: the later insert first
  EXPECT_EQ(ids("a2"), (std::vector<std::string>{"n5"}));
  EXPECT_EQ((*r->outbox().find_item("n2"))->new_secret_id, "s1");
  EXPECT_FALSE((*r->outbox().find_item("n1"))->new_secret_id);
  EXPECT_EQ(r->outbox().list_for_application("a1")->front().new_secret_id, "s1");
}

// A queue name is unique per account; other accounts and prefixes list separately.
TEST_P(StoreContract, QueuesPerAccount) {
  seed_application();
  {
    auto w = begin();
    ASSERT_TRUE(w->queues().insert_queue(testing::queue_of("999988887777", "q", millis{1}, millis{1}, t0)));
    ASSERT_TRUE(w->queues().insert_queue(testing::queue_of("111122223333", "qq", millis{1}, millis{1}, t0)));
    ASSERT_TRUE(w->queues().insert_queue(testing::queue_of("111122223333", "other", millis{1}, millis{1}, t0)));
    EXPECT_EQ(w->queues().list_queues("111122223333", "q")->size(), 2u);
    EXPECT_EQ(w->queues().list_queues("111122223333", "")->size(), 3u);
    EXPECT_EQ(w->queues().list_queues("999988887777", "")->size(), 1u);
    EXPECT_EQ((*w->queues().find_queue("111122223333", "q"))->visibility_timeout, millis{30'000});
    ASSERT_TRUE(w->commit());
  }
  auto w = begin();
  auto dup = w->queues().insert_queue(testing::queue_of("111122223333", "q", millis{1}, millis{1}, t0));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), make_error_code(errc::conflict));
}

// Visible messages come oldest first; a received message hides until its visibility ends and
// is then found by its receipt handle (an empty handle finds no message never received);
// expired messages are neither visible nor counted.
TEST_P(StoreContract, MessagesVisibilityReceiptAndExpiry) {
  seed_application();
  auto w = begin();
  auto& q = w->queues();
  ASSERT_TRUE(q.insert_message(message("m2", t0 + millis{2})));
  ASSERT_TRUE(q.insert_message(message("m1", t0 + millis{1})));
  ASSERT_TRUE(q.insert_message(message("gone", t0, millis{5})));
  auto visible = *q.visible_messages("111122223333", "q", t0 + millis{10}, 10);
  ASSERT_EQ(visible.size(), 2u);
  EXPECT_EQ(visible[0].id, "m1");
  EXPECT_EQ(visible[0].sealed_body, (bytes{1, 2}));
  auto m = visible[0];
  m.visible_at = t0 + millis{30'010};
  m.receive_count = 1;
  m.first_received_at = t0 + millis{10};
  m.receipt_handle = "r1";
  ASSERT_TRUE(q.update_message(m));
  EXPECT_EQ(q.visible_messages("111122223333", "q", t0 + millis{10}, 10)->size(), 1u);
  EXPECT_EQ(*q.next_visible_at("111122223333", "q", t0 + millis{10}), t0 + millis{2});  // m2: visible, since t0+2
  auto delayed = message("delayed", t0);
  delayed.visible_at = t0 + millis{5'000};  // sent with a delay, never received
  ASSERT_TRUE(q.insert_message(delayed));
  const auto counts = *q.count_messages("111122223333", "q", t0 + millis{10});
  EXPECT_EQ(counts.visible, 1);
  EXPECT_EQ(counts.in_flight, 1);
  EXPECT_EQ(counts.delayed, 1);
  EXPECT_EQ(*q.next_visible_at("111122223333", "other", t0), std::nullopt);  // an empty queue
  auto m2 = visible[1];
  m2.visible_at = t0 + millis{60'000};  // m2 received too: the earliest to show is the delayed one
  m2.receive_count = 1;
  m2.receipt_handle = "r2";
  ASSERT_TRUE(q.update_message(m2));
  EXPECT_EQ(*q.next_visible_at("111122223333", "q", t0 + millis{10}), t0 + millis{5'000});
  auto found = *q.find_by_receipt("111122223333", "q", "r1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->receive_count, 1);
  EXPECT_EQ(found->first_received_at, t0 + millis{10});
  EXPECT_FALSE(*q.find_by_receipt("111122223333", "other", "r1"));
  EXPECT_FALSE(*q.find_by_receipt("111122223333", "q", ""));  // "delayed" has never been received
  EXPECT_EQ(*q.delete_expired(t0 + millis{10}), 1);
  ASSERT_TRUE(q.delete_message("m1"));
  EXPECT_FALSE(*q.find_by_receipt("111122223333", "q", "r1"));
  ASSERT_TRUE(q.purge("111122223333", "q"));
  EXPECT_EQ(q.count_messages("111122223333", "q", t0)->visible, 0);
}

// A queue's settings, tags and modification time are written back whole; a message moves to
// another queue keeping the rest of it; sealed attributes and their digest round-trip.
TEST_P(StoreContract, QueueSettingsAndMovedMessages) {
  seed_application();
  auto w = begin();
  auto& q = w->queues();
  ASSERT_TRUE(q.insert_queue(testing::queue_of("111122223333", "dead", millis{1}, millis{1}, t0)));
  auto queue = **q.find_queue("111122223333", "q");
  EXPECT_EQ(queue.maximum_message_size, 262'144);
  EXPECT_EQ(queue.tags, "{}");
  EXPECT_EQ(queue.modified_at, t0);
  queue.delay = millis{4'000};
  queue.maximum_message_size = 2'048;
  queue.receive_wait_seconds = 20;
  queue.dead_letter_target = "arn:aws:sqs:us-east-1:111122223333:dead";
  queue.max_receive_count = 3;
  queue.redrive_allow_policy = R"({"redrivePermission":"allowAll"})";
  queue.policy = R"({"Version":"2012-10-17"})";
  queue.tags = R"({"team":"a"})";
  queue.modified_at = t0 + millis{9'000};
  queue.visibility_timeout = millis{7'000};
  ASSERT_TRUE(q.update_queue(queue));
  const auto read = **q.find_queue("111122223333", "q");
  EXPECT_EQ(read.delay, millis{4'000});
  EXPECT_EQ(read.maximum_message_size, 2'048);
  EXPECT_EQ(read.receive_wait_seconds, 20);
  EXPECT_EQ(read.dead_letter_target, queue.dead_letter_target);
  EXPECT_EQ(read.max_receive_count, 3);
  EXPECT_EQ(read.redrive_allow_policy, queue.redrive_allow_policy);
  EXPECT_EQ(read.policy, queue.policy);
  EXPECT_EQ(read.tags, queue.tags);
  EXPECT_EQ(read.modified_at, t0 + millis{9'000});
  EXPECT_EQ(read.visibility_timeout, millis{7'000});
  EXPECT_EQ(read.created_at, t0);

  auto m = message("m", t0);
  m.sealed_attributes = {7, 8, 9};
  m.md5_of_attributes = "digest";
  m.receive_count = 3;
  ASSERT_TRUE(q.insert_message(m));
  ASSERT_TRUE(q.insert_message(message("plain", t0)));
  ASSERT_TRUE(q.move_message("m", {"111122223333", "dead"}, t0 + millis{50}));
  EXPECT_EQ(q.visible_messages("111122223333", "q", t0 + millis{100}, 10)->size(), 1u);
  const auto moved = *q.visible_messages("111122223333", "dead", t0 + millis{100}, 10);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].id, "m");
  EXPECT_EQ(moved[0].visible_at, t0 + millis{50});
  EXPECT_EQ(moved[0].receive_count, 3);
  EXPECT_EQ(moved[0].expires_at, m.expires_at);
  EXPECT_EQ(moved[0].sealed_attributes, (bytes{7, 8, 9}));
  EXPECT_EQ(moved[0].md5_of_attributes, "digest");
  auto plain = *q.visible_messages("111122223333", "q", t0 + millis{100}, 10);
  EXPECT_TRUE(plain[0].sealed_attributes.empty());
  EXPECT_EQ(plain[0].md5_of_attributes, "");
  plain[0].visible_at = t0 + millis{60'000};  // ChangeMessageVisibility writes as update_message does
  ASSERT_TRUE(q.change_visibility(plain[0]));
  EXPECT_TRUE(q.visible_messages("111122223333", "q", t0 + millis{100}, 10)->empty());
}

// Deleting a queue deletes its messages; deleting it again reports it missing.
TEST_P(StoreContract, DeleteQueueCascades) {
  seed_application();
  auto w = begin();
  ASSERT_TRUE(w->queues().insert_message(message("m", t0)));
  EXPECT_TRUE(*w->queues().delete_queue("111122223333", "q"));
  EXPECT_FALSE(*w->queues().delete_queue("111122223333", "q"));
  EXPECT_EQ(w->queues().count_messages("111122223333", "q", t0)->visible, 0);
}

// The audit trail appends in order, in several chains, and lists from a sequence number.
TEST_P(StoreContract, AuditAppendAndList) {
  auto w = begin();
  EXPECT_FALSE(w->audit().head(0)->last);
  std::vector<std::int64_t> seqs;
  for (int i = 1; i <= 3; ++i) seqs.push_back(*append_to_chain(*w, 0, "a" + std::to_string(i)));
  seqs.push_back(*append_to_chain(*w, 5, "b1"));
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  EXPECT_EQ(std::adjacent_find(seqs.begin(), seqs.end()), seqs.end()) << "a seq was given twice";
  const auto head0 = *w->audit().head(0);
  ASSERT_TRUE(head0.last);
  EXPECT_EQ(head0.last->seq, seqs[2]);
  EXPECT_EQ(head0.last->action, "a3");
  EXPECT_GT(head0.next_seq, seqs[3]);
  const auto head5 = *w->audit().head(5);
  ASSERT_TRUE(head5.last);
  EXPECT_EQ(head5.last->action, "b1");
  EXPECT_EQ(head5.last->chain, 5);
  EXPECT_EQ(head5.last->previous_hash, digest256{});  // the first of its chain
  EXPECT_FALSE(w->audit().head(7)->last);
  ASSERT_TRUE(w->commit());

  auto r = begin();
  auto listed = *r->audit().list(seqs[0], 10);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].action, "a2");
  EXPECT_EQ(listed[0].at, t0 + millis{seqs[1]});
  EXPECT_EQ(listed[1].previous_hash, listed[0].hash);
  EXPECT_EQ(listed[2].action, "b1");
}

// A batch makes units durable together: committed units persist, a rolled-back unit does not,
// and after-commit hooks run only once the batch commits.
TEST_P(StoreContract, BatchCommitsUnitsTogether) {
  std::vector<std::string> hooks;
  auto batch = store_->begin_batch();
  ASSERT_TRUE(batch);
  {
    auto w = begin(**batch);
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
    w->after_commit([&] { hooks.push_back("a1"); });
    ASSERT_TRUE(w->commit());
  }
  {
    auto w = begin(**batch);
    ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
    w->after_commit([&] { hooks.push_back("a2"); });
  }  // rolled back
  {
    auto w = begin(**batch);
    EXPECT_FALSE(w->applications().insert(app("a4", "c1")));  // an error inside a batch: this unit only
  }
  {
    auto w = begin(**batch);
    ASSERT_TRUE(w->applications().insert(app("a3", "c3")));
    ASSERT_TRUE(w->commit());
  }
  EXPECT_TRUE(hooks.empty()) << "hooks wait for the batch";
  ASSERT_TRUE((*batch)->commit());
  EXPECT_EQ(hooks, std::vector<std::string>{"a1"});
  auto other = backend_->open();
  auto w = begin(*other);
  EXPECT_TRUE(*w->applications().find("a1"));
  EXPECT_FALSE(*w->applications().find("a2"));
  EXPECT_TRUE(*w->applications().find("a3"));
}

// An aborted batch loses everything in it and runs no hook; outside a batch, hooks run at commit.
TEST_P(StoreContract, AbortedBatchRollsBackAndHooksRunAtPlainCommit) {
  bool hooked = false;
  auto batch = store_->begin_batch();
  ASSERT_TRUE(batch);
  {
    auto w = begin(**batch);
    ASSERT_TRUE(w->applications().insert(app("a1", "c1")));
    w->after_commit([&] { hooked = true; });
    ASSERT_TRUE(w->commit());
  }
  batch->reset();  // destroyed without commit(): rolled back
  EXPECT_FALSE(hooked);
  EXPECT_FALSE(*begin()->applications().find("a1"));
  auto w = begin();
  ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
  w->after_commit([&] { hooked = true; });
  ASSERT_TRUE(w->commit());
  EXPECT_TRUE(hooked);
}

// Appends to the chain of a rotation's read, as rotation_service does (audit_trail::record).
result<void> append_after(unit_of_work& w, const audit_head& head, int chain, const std::string& action) {
  audit_record e;
  e.seq = head.next_seq;
  e.chain = chain;
  e.at = t0 + millis{e.seq};
  e.actor = "application:c1";
  e.action = action;
  if (head.last) e.previous_hash = head.last->hash;
  e.hash.fill(0);
  std::memcpy(e.hash.data(), &e.seq, sizeof e.seq);
  return w.audit().append(e);
}

// A rotation batch (store::begin_rotation_batch): each unit reads as if alone — what earlier
// units of the batch committed included, also for the same application or audit chain; a unit
// that does not commit leaves nothing; hooks wait for the batch; everything a rotation writes
// lands with the batch, field by field as outside one.
TEST_P(StoreContract, RotationBatchUnitsReadWhatEarlierUnitsCommitted) {
  seed_application();
  const std::string names_q = R"({"account":"111122223333","queue":"q"})";
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
    ASSERT_TRUE(w->notifications().insert_destination({"d2", "a1", "embedded", names_q, t0}));
    ASSERT_TRUE(w->notifications().put_subscription({"sub1", "a1", "T", "d2", t0}));
    ASSERT_TRUE(w->secrets().insert(secret("s1", "a1", 1, 100)));
    ASSERT_TRUE(w->secrets().insert(secret("s2", "a2", 2, 100)));
    ASSERT_TRUE(w->rate_limits().save({"a1", "rotate", 2.5, t0}));
    ASSERT_TRUE(append_to_chain(*w, 3, "before"));
    ASSERT_TRUE(w->commit());
  }
  const rotation_key keys[] = {{"a1", "rotate", "T", 3}, {"a2", "rotate", "T", 3}, {"a1", "rotate", "T", 5}};
  std::vector<std::string> hooks;
  auto batch = store_->begin_rotation_batch(keys);
  ASSERT_TRUE(batch);
  std::int64_t first_seq = 0;
  {
    auto w = begin(**batch);
    auto read = w->read_for_rotation("a1", "rotate", "T", 3);
    ASSERT_TRUE(read) << read.error().message();
    ASSERT_TRUE(read->application);
    ASSERT_TRUE(read->subscription);
    ASSERT_TRUE(read->queue);
    ASSERT_EQ(read->secrets.size(), 1u);
    ASSERT_TRUE(read->bucket);
    EXPECT_EQ(read->bucket->tokens, 2.5);
    ASSERT_TRUE(read->audit.last);
    EXPECT_EQ(read->audit.last->action, "before");
    first_seq = read->audit.next_seq;
    auto old = read->secrets[0];
    old.state = secret_state::old;
    old.expires_at = from_epoch_ms(900);
    ASSERT_TRUE(w->secrets().update(old));
    auto fresh = secret("s3", "a1", 3, 200);
    fresh.next_warning_at = from_epoch_ms(1000);
    ASSERT_TRUE(w->secrets().insert(fresh));
    auto o = item("o1", t0);
    o.state = outbox_state::delivered;
    o.delivered_at = t0;
    o.old_secret_id = "s1";
    o.new_secret_id = "s3";
    ASSERT_TRUE(w->outbox().insert(o));
    message_record m;
    m.id = "m1";
    m.account = "111122223333";
    m.queue = "q";
    m.sealed_body = {9, 8, 7};
    m.md5_of_body = "md5";
    m.sender_id = "rekey";
    m.sent_at = m.visible_at = t0;
    m.expires_at = t0 + millis{86'400'000};
    ASSERT_TRUE(w->queues().insert_message(m));
    ASSERT_TRUE(w->rate_limits().save({"a1", "rotate", 1.5, t0 + millis{1}}));
    ASSERT_TRUE(append_after(*w, read->audit, 3, "first"));
    w->after_commit([&] { hooks.push_back("first"); });
    ASSERT_TRUE(w->commit());
  }
  {
    auto w = begin(**batch);
    auto read = w->read_for_rotation("a2", "rotate", "T", 3);
    ASSERT_TRUE(read);
    ASSERT_TRUE(read->audit.last);
    EXPECT_EQ(read->audit.last->action, "first") << "the chain as the batch's first unit left it";
    EXPECT_GT(read->audit.next_seq, first_seq);
    ASSERT_TRUE(w->secrets().insert(secret("s9", "a2", 9, 300)));
    ASSERT_TRUE(w->rate_limits().save({"a2", "rotate", 0.5, t0}));
    ASSERT_TRUE(append_after(*w, read->audit, 3, "dropped"));
    w->after_commit([&] { hooks.push_back("dropped"); });
  }  // not committed
  {
    auto w = begin(**batch);
    auto read = w->read_for_rotation("a1", "rotate", "T", 5);
    ASSERT_TRUE(read);
    ASSERT_EQ(read->secrets.size(), 2u) << "the secret the first unit created";
    EXPECT_EQ(read->secrets[0].id, "s3");
    EXPECT_EQ(read->secrets[1].id, "s1");
    EXPECT_EQ(read->secrets[1].state, secret_state::old);
    ASSERT_TRUE(read->bucket);
    EXPECT_EQ(read->bucket->tokens, 1.5);
    EXPECT_FALSE(read->audit.last);
    auto s3 = read->secrets[0];
    s3.state = secret_state::old;
    s3.expires_at = from_epoch_ms(800);
    ASSERT_TRUE(w->secrets().update(s3));
    auto s1 = read->secrets[1];
    s1.state = secret_state::retired;
    s1.expires_at = from_epoch_ms(950);  // later than the first unit's: the earlier stays
    ASSERT_TRUE(w->secrets().update(s1));
    ASSERT_TRUE(w->secrets().insert(secret("s4", "a1", 4, 300)));
    ASSERT_TRUE(append_after(*w, read->audit, 5, "second"));
    w->after_commit([&] { hooks.push_back("second"); });
    ASSERT_TRUE(w->commit());
  }
  EXPECT_TRUE(hooks.empty()) << "hooks wait for the batch";
  ASSERT_TRUE((*batch)->commit());
  EXPECT_EQ(hooks, (std::vector<std::string>{"first", "second"}));

  auto other = backend_->open();
  auto w = begin(*other);
  auto a1 = *w->secrets().list_for("a1");
  ASSERT_EQ(a1.size(), 3u);
  EXPECT_EQ(a1[0].id, "s4");
  EXPECT_EQ(a1[0].state, secret_state::current);
  EXPECT_EQ(a1[1].id, "s3");
  EXPECT_EQ(a1[1].state, secret_state::old);
  EXPECT_EQ(a1[1].expires_at, from_epoch_ms(800));
  EXPECT_FALSE(a1[1].next_warning_at) << "no longer current: its warnings go";
  EXPECT_EQ(a1[1].hash, secret("s3", "a1", 3, 200).hash);
  EXPECT_EQ(a1[2].id, "s1");
  EXPECT_EQ(a1[2].state, secret_state::retired);
  EXPECT_EQ(a1[2].expires_at, from_epoch_ms(900));
  ASSERT_EQ(w->secrets().list_for("a2")->size(), 1u);
  EXPECT_EQ((*w->rate_limits().find("a1", "rotate"))->tokens, 1.5);
  EXPECT_FALSE(*w->rate_limits().find("a2", "rotate"));
  auto o1 = *w->outbox().find_item("o1");
  ASSERT_TRUE(o1);
  EXPECT_EQ(o1->state, outbox_state::delivered);
  EXPECT_EQ(o1->sealed_body, (bytes{1, 2, 3}));
  EXPECT_EQ(o1->old_secret_id, "s1");
  EXPECT_EQ(o1->new_secret_id, "s3");
  EXPECT_EQ(o1->delivered_at, t0);
  auto messages = *w->queues().visible_messages("111122223333", "q", t0 + millis{1}, 10);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].sealed_body, (bytes{9, 8, 7}));
  EXPECT_EQ(messages[0].md5_of_body, "md5");
  EXPECT_FALSE(messages[0].first_received_at);
  auto trail = *w->audit().list(0, 10);
  std::vector<std::string> actions;
  for (const auto& e : trail) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"before", "first", "second"}));
  ASSERT_EQ(trail.size(), 3u);
  EXPECT_EQ(trail[1].previous_hash, trail[0].hash);
  EXPECT_EQ(trail[2].chain, 5);
}

// Two rotation batches (two nodes) for the same two applications, their keys in opposite orders:
// both finish, and the second reads what the first wrote (no lost update) — every lock a batch
// needs is taken before its first read.
TEST_P(StoreContract, RotationBatchesInOppositeOrdersTakeTurns) {
  seed_application();
  {
    auto w = begin();
    ASSERT_TRUE(w->applications().insert(app("a2", "c2")));
    ASSERT_TRUE(w->rate_limits().save({"a1", "rotate", 5, t0}));
    ASSERT_TRUE(w->rate_limits().save({"a2", "rotate", 5, t0}));
    ASSERT_TRUE(w->commit());
  }
  auto other = backend_->open();
  const rotation_key forward[] = {{"a1", "rotate", "T", 1}, {"a2", "rotate", "T", 2}};
  const rotation_key backward[] = {{"a2", "rotate", "T", 2}, {"a1", "rotate", "T", 1}};
  std::mutex mutex;
  std::condition_variable cv;
  int halfway = 0;
  auto run = [&](store& s, std::span<const rotation_key> keys) {
    auto batch = s.begin_rotation_batch(keys);
    if (!batch) return false;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto w = (*batch)->begin();
      if (!w) return false;
      auto read = (*w)->read_for_rotation(keys[i].application_id, "rotate", "T", keys[i].audit_chain);
      if (!read || !read->bucket) return false;
      if (!(*w)->rate_limits().save({keys[i].application_id, "rotate", read->bucket->tokens - 1, t0})) return false;
      if (!(*w)->commit()) return false;
      if (i == 0) {  // give the other batch a moment to read in between, if it can
        std::unique_lock lock(mutex);
        ++halfway;
        cv.notify_all();
        cv.wait_for(lock, std::chrono::milliseconds(300), [&] { return halfway == 2; });
      }
    }
    return static_cast<bool>((*batch)->commit());
  };
  bool first = false;
  bool second = false;
  std::thread t1([&] { first = run(*store_, forward); });
  std::thread t2([&] { second = run(*other, backward); });
  t1.join();
  t2.join();
  EXPECT_TRUE(first);
  EXPECT_TRUE(second);
  auto w = begin();
  EXPECT_EQ((*w->rate_limits().find("a1", "rotate"))->tokens, 3);
  EXPECT_EQ((*w->rate_limits().find("a2", "rotate"))->tokens, 3);
}

// Two stores (two nodes) race for the one token of a bucket that does not exist yet: each
// reads (one alone, the other among a rotation's reads: both must take the same lock), debits if
// it can and saves in one unit of work. Exactly one gets it.
TEST_P(StoreContract, TwoTransactionsRaceForOneRateLimitToken) {
  seed_application();
  for (int round = 0; round < 5; ++round) {
    const std::string operation = "op" + std::to_string(round);
    std::atomic<int> granted = 0;
    std::barrier start(2);
    auto node = [&](int which) {
      auto mine = backend_->open();
      start.arrive_and_wait();
      auto w = mine->begin();
      ASSERT_TRUE(w);
      std::optional<rate_bucket_record> bucket;
      if ((round + which) % 2 == 0) {
        auto found = (*w)->rate_limits().find("a1", operation);
        ASSERT_TRUE(found);
        bucket = *found;
      } else {  // as a rotation reads it
        auto read = (*w)->read_for_rotation("a1", operation, "T", 0);
        ASSERT_TRUE(read);
        bucket = read->bucket;
      }
      const double tokens = bucket ? bucket->tokens : 1.0;  // a missing bucket is full: one token
      if (tokens < 1.0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // widen the window
      ASSERT_TRUE((*w)->rate_limits().save({"a1", operation, tokens - 1.0, t0}));
      ASSERT_TRUE((*w)->commit());
      ++granted;
    };
    std::thread a(node, 0), b(node, 1);
    a.join();
    b.join();
    EXPECT_EQ(granted.load(), 1) << "round " << round;
  }
}

// Two stores claim due outbox items at the same time: every item is claimed once, by one.
TEST_P(StoreContract, TwoTransactionsNeverClaimTheSameOutboxItem) {
  seed_application();
  {
    auto w = begin();
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(w->outbox().insert(item("n" + std::to_string(i), t0)));
    ASSERT_TRUE(w->commit());
  }
  std::vector<std::string> claimed_a, claimed_b;
  std::barrier start(2);
  auto node = [&](std::vector<std::string>& out) {
    auto mine = backend_->open();
    start.arrive_and_wait();
    for (int pass = 0; pass < 10; ++pass) {
      auto w = mine->begin();
      ASSERT_TRUE(w);
      auto items = (*w)->outbox().claim_due(t0 + millis{1}, millis{60'000}, 7);
      ASSERT_TRUE(items);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ASSERT_TRUE((*w)->commit());
      for (const auto& i : *items) out.push_back(i.id);
    }
  };
  std::thread a(node, std::ref(claimed_a)), b(node, std::ref(claimed_b));
  a.join();
  b.join();
  std::vector<std::string> all = claimed_a;
  all.insert(all.end(), claimed_b.begin(), claimed_b.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all.size(), 40u);
  EXPECT_EQ(std::unique(all.begin(), all.end()), all.end()) << "an item was claimed twice";
}

// Two stores (two nodes) append to one audit chain at the same time, one reading the chain's head
// alone, the other among a rotation's reads: the chain stays one line — every entry's
// previous_hash is the hash of the chain's entry before it.
TEST_P(StoreContract, TwoTransactionsAppendingToOneAuditChainLineUp) {
  std::barrier start(2);
  auto node = [&](const std::string& name) {
    auto mine = backend_->open();
    start.arrive_and_wait();
    for (int i = 0; i < 20; ++i) {
      auto w = mine->begin();
      ASSERT_TRUE(w);
      std::optional<audit_head> head;
      if (name == "a") {
        auto alone = (*w)->audit().head(3);
        ASSERT_TRUE(alone);
        head = *alone;
      } else {
        auto read = (*w)->read_for_rotation("a1", "rotate", "T", 3);
        ASSERT_TRUE(read);
        head = read->audit;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // widen the window
      audit_record e;
      e.seq = head->next_seq;
      e.chain = 3;
      e.actor = name;
      if (head->last) e.previous_hash = head->last->hash;
      std::memcpy(e.hash.data(), &e.seq, sizeof e.seq);
      ASSERT_TRUE((*w)->audit().append(e));
      ASSERT_TRUE((*w)->commit());
    }
  };
  std::thread a(node, "a"), b(node, "b");
  a.join();
  b.join();
  auto r = begin();
  const auto entries = *r->audit().list(0, 100);
  ASSERT_EQ(entries.size(), 40u);
  digest256 previous{};
  for (const auto& e : entries) {
    EXPECT_EQ(e.previous_hash, previous) << "entry " << e.seq << " forks the chain";
    previous = e.hash;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace rekey
