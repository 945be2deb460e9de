#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_refresh_tokens::insert(const refresh_token_record& t) {
  return done(unit_.db.run(sql::insert_refresh_token, sql::bind_refresh_token(pg_params(), t)));
}

result<std::optional<refresh_token_record>> pg_refresh_tokens::find(const digest256& hash) {
  return one<refresh_token_record>(unit_.db.run(sql::find_refresh_token, pg_params().blob(hash)),
                                   sql::read_refresh_token);
}

}  // namespace rekey
