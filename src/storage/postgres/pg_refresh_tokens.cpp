#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_refresh_tokens::insert(const refresh_token_record& t) {
  return done(unit_.db.run("INSERT INTO refresh_tokens(token_hash, application_id, created_at) VALUES ($1, $2, $3)",
                           pg_params().blob(t.hash).text(t.application_id).int64(to_epoch_ms(t.created_at))));
}

result<std::optional<refresh_token_record>> pg_refresh_tokens::find(const digest256& hash) {
  return one<refresh_token_record>(
      unit_.db.run("SELECT token_hash, application_id, created_at FROM refresh_tokens WHERE token_hash = $1",
                   pg_params().blob(hash)),
      [](const rows& r, int i) {
        return refresh_token_record{to_digest(r.blob(i, 0)), r.text(i, 1), from_epoch_ms(r.int64(i, 2))};
      });
}

}  // namespace rekey
