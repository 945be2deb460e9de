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

}  // namespace
}  // namespace rekey
