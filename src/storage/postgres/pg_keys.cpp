#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<std::vector<signing_key_record>> pg_keys::list_signing_keys() {
  // Nodes starting together on an empty database take turns: the first creates the key, the
  // others find it (the lock lasts to the end of the caller's transaction).
  if (auto r = unit_.db.run("SELECT pg_advisory_xact_lock(7302411925)"); !r) return r.error();
  return all<signing_key_record>(
      unit_.db.run("SELECT kid, sealed_key, created_at FROM signing_keys ORDER BY created_at, kid"),
      [](const rows& r, int i) {
        return signing_key_record{r.text(i, 0), r.blob(i, 1), from_epoch_ms(r.int64(i, 2))};
      });
}

result<void> pg_keys::insert_signing_key(const signing_key_record& k) {
  return done(unit_.db.run("INSERT INTO signing_keys(kid, sealed_key, created_at) VALUES ($1, $2, $3)",
                           pg_params().text(k.kid).blob(k.sealed_key).int64(to_epoch_ms(k.created_at))));
}

result<std::optional<std::string>> pg_keys::get_setting(std::string_view name) {
  return one<std::string>(unit_.db.run("SELECT value FROM settings WHERE name = $1", pg_params().text(name)),
                          [](const rows& r, int i) { return r.text(i, 0); });
}

result<void> pg_keys::put_setting(std::string_view name, std::string_view value) {
  return done(
      unit_.db.run("INSERT INTO settings(name, value) VALUES ($1, $2)"
                   " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                   pg_params().text(name).text(value)));
}

}  // namespace rekey
