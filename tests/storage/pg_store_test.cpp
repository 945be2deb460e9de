// What only the PostgreSQL store does: connections that the server dropped are reopened; a
// rotation batch's writes fail or succeed together.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "storage/store_backends.hpp"

namespace rekey {
namespace {

// A connection lost between transactions (a server restart, an idle cut) costs nothing: the next
// unit of work's first statement finds it gone, reopens it and runs again — the caller sees no
// error, whether that statement is a single read or a rotation's batch of reads.
TEST(PgStore, AConnectionLostBetweenTransactionsIsReopenedWithoutAnError) {
  if (testing::postgres_backend::server() == nullptr) GTEST_SKIP() << "REKEY_TEST_POSTGRES is not set";
  testing::postgres_backend backend;
  pg_store store(backend.url(), 1);  // one connection: the next unit of work gets the dropped one
  {
    auto w = store.begin();
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->applications().insert({"a1", "n", "c1", std::nullopt, std::nullopt, from_epoch_ms(1)}));
    ASSERT_TRUE((*w)->commit());
  }
  backend.drop_connections();
  {
    auto w = store.begin();
    ASSERT_TRUE(w);
    auto found = (*w)->applications().find("a1");
    ASSERT_TRUE(found) << found.error().message();
    EXPECT_TRUE(*found);
  }
  backend.drop_connections();
  auto w = store.begin();
  ASSERT_TRUE(w);
  auto read = (*w)->read_for_rotation("a1", "rotate", "T", 0);
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_TRUE(read->application);
  EXPECT_EQ(read->application->client_id, "c1");
}

// Each unit of work has a connection to itself: with a pool of one, a second unit of work waits
// until the first has ended instead of running its statements inside the other's transaction.
TEST(PgStore, AUnitOfWorkWaitsForAFreeConnection) {
  if (testing::postgres_backend::server() == nullptr) GTEST_SKIP() << "REKEY_TEST_POSTGRES is not set";
  testing::postgres_backend backend;
  pg_store store(backend.url(), 1);
  auto first = store.begin();
  ASSERT_TRUE(first);
  ASSERT_TRUE((*first)->applications().insert({"a1", "n", "c1", std::nullopt, std::nullopt, from_epoch_ms(1)}));
  std::atomic<bool> second_began = false;
  bool second_saw_uncommitted = true;
  std::thread second([&] {
    auto w = store.begin();
    second_began = true;
    ASSERT_TRUE(w);
    auto found = (*w)->applications().find("a1");
    ASSERT_TRUE(found);
    second_saw_uncommitted = found->has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(second_began.load()) << "two units of work share one connection";
  first->reset();  // rolled back: a1 never existed
  second.join();
  EXPECT_TRUE(second_began.load());
  EXPECT_FALSE(second_saw_uncommitted);
}

// A rotation batch's writes go at its end, so a write that fails fails the batch: none of its
// units is committed and no hook runs. Here one unit moves a secret that does not exist
// (rekey_update_secrets, migration 5, must see that one of its rows is missing) and the other
// unit's application and new secret are lost with it.
TEST(PgStore, ARotationBatchWhoseWriteFailsCommitsNoneOfItsUnits) {
  if (testing::postgres_backend::server() == nullptr) GTEST_SKIP() << "REKEY_TEST_POSTGRES is not set";
  testing::postgres_backend backend;
  pg_store store(backend.url(), 1);
  secret_record kept;
  kept.id = "s1";
  kept.application_id = "a1";
  kept.fingerprint = "fp";
  kept.created_at = from_epoch_ms(1);
  kept.expires_at = from_epoch_ms(1000);
  {
    auto w = store.begin();
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->applications().insert({"a1", "n", "c1", std::nullopt, std::nullopt, from_epoch_ms(1)}));
    ASSERT_TRUE((*w)->secrets().insert(kept));
    ASSERT_TRUE((*w)->commit());
  }
  const rotation_key keys[] = {{"a1", "rotate", "T", 1}, {"a1", "rotate", "T", 1}};
  bool hooked = false;
  auto batch = store.begin_rotation_batch(keys);
  ASSERT_TRUE(batch);
  {
    auto w = (*batch)->begin();
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->read_for_rotation("a1", "rotate", "T", 1));
    auto fresh = kept;
    fresh.id = "s2";
    ASSERT_TRUE((*w)->secrets().insert(fresh));
    auto old = kept;
    old.state = secret_state::old;
    ASSERT_TRUE((*w)->secrets().update(old));  // exists: fine on its own
    (*w)->after_commit([&] { hooked = true; });
    ASSERT_TRUE((*w)->commit());
  }
  {
    auto w = (*batch)->begin();
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->read_for_rotation("a1", "rotate", "T", 1));
    auto missing = kept;
    missing.id = "nowhere";
    missing.state = secret_state::old;
    ASSERT_TRUE((*w)->secrets().update(missing));  // held back: found missing at the batch's end
    ASSERT_TRUE((*w)->commit());
  }
  EXPECT_FALSE((*batch)->commit());
  EXPECT_FALSE(hooked);
  auto w = store.begin();
  ASSERT_TRUE(w);
  auto secrets = (*w)->secrets().list_for("a1");
  ASSERT_TRUE(secrets);
  ASSERT_EQ(secrets->size(), 1u);
  EXPECT_EQ((*secrets)[0].id, "s1");
  EXPECT_EQ((*secrets)[0].state, secret_state::current);
}

}  // namespace
}  // namespace rekey
