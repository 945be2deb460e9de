#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_access_keys::insert(const access_key_record& k) {
  return done(
      unit_.db.run("INSERT INTO access_keys(id, account, sealed_secret, created_at) VALUES ($1, $2, $3, $4)",
                   pg_params().text(k.id).text(k.account).blob(k.sealed_secret).int64(to_epoch_ms(k.created_at))));
}

result<std::optional<access_key_record>> pg_access_keys::find(std::string_view id) {
  return one<access_key_record>(
      unit_.db.run("SELECT id, account, sealed_secret, created_at FROM access_keys WHERE id = $1",
                   pg_params().text(id)),
      read_access_key);
}

result<std::vector<access_key_record>> pg_access_keys::list() {
  return all<access_key_record>(
      unit_.db.run("SELECT id, account, sealed_secret, created_at FROM access_keys ORDER BY created_at, id"),
      read_access_key);
}

}  // namespace rekey
