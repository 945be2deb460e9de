#include "storage/sqlite/sqlite_migrations.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

// A database made by an earlier version (schema 4, with a secret in it) upgrades to the current
// schema keeping its rows; after version 5 two secrets may share a hash (no UNIQUE index).
TEST(SqliteMigrations, UpgradesAVersion4DatabaseKeepingItsSecrets) {
  testing::temp_dir dir;
  {
    sqlite_connection db(dir.file("rekey.db"));
    ASSERT_TRUE(migrate_sqlite(db, 4));
    ASSERT_TRUE(db.exec("INSERT INTO applications VALUES ('a1', 'n', 'c1', NULL, NULL, 1)"));
    ASSERT_TRUE(db.exec(
        "INSERT INTO client_secrets(id, application_id, secret_hash, fingerprint, state, created_at, expires_at,"
        " next_warning_at, use_count) VALUES ('s1', 'a1', x'01', 'fp', 'current', 1, 5000, 10, 7)"));
  }
  sqlite_store store(dir.file("rekey.db"));  // migrates to the newest version
  auto w = *store.begin();
  auto secrets = *w->secrets().list_for("a1");
  ASSERT_EQ(secrets.size(), 1u);
  EXPECT_EQ(secrets[0].id, "s1");
  EXPECT_EQ(secrets[0].use_count, 7);
  EXPECT_EQ(secrets[0].next_warning_at, from_epoch_ms(10));
  EXPECT_EQ(secrets[0].expires_at, from_epoch_ms(5000));
  secret_record twin = secrets[0];
  twin.id = "s2";
  EXPECT_TRUE(w->secrets().insert(twin));
  EXPECT_EQ(w->secrets().list_warning_due(from_epoch_ms(10), 10)->size(), 2u);  // its index came back too
}

// Outbox items written before version 8 (no new_secret_id, new-secret notifications included)
// are still listed among their application's deliveries after the upgrade.
TEST(SqliteMigrations, UpgradesAVersion7DatabaseKeepingItsDeliveriesListed) {
  testing::temp_dir dir;
  {
    sqlite_connection db(dir.file("rekey.db"));
    ASSERT_TRUE(migrate_sqlite(db, 7));
    ASSERT_TRUE(db.exec("INSERT INTO applications VALUES ('a1', 'n', 'c1', NULL, NULL, 1)"));
    ASSERT_TRUE(db.exec("INSERT INTO destinations VALUES ('d1', 'a1', 'embedded', '{}', 1)"));
    ASSERT_TRUE(db.exec(
        "INSERT INTO outbox(id, application_id, destination_id, notification_type, sealed_body, state, attempts,"
        " next_attempt_at, created_at, delivered_at) VALUES"
        " ('n1', 'a1', 'd1', 'APPLICATION_OAUTH_CLIENT_NEW_SECRET', x'', 'delivered', 1, 5, 5, 5),"
        " ('n2', 'a1', 'd1', 'APPLICATION_OAUTH_CLIENT_NEW_SECRET', x'01', 'pending', 0, 9, 9, NULL)"));
  }
  sqlite_store store(dir.file("rekey.db"));
  auto w = *store.begin();
  auto deliveries = *w->outbox().list_for_application("a1");
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].id, "n2");
  EXPECT_EQ(deliveries[1].id, "n1");
  EXPECT_FALSE(deliveries[0].new_secret_id);
}

}  // namespace
}  // namespace rekey
