#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_refresh_tokens::insert(const refresh_token_record& t) {
  auto& q = db_.prepare(sql::insert_refresh_token);
  sql::bind_refresh_token(sqlite_params(q), t);
  return run(q);
}

result<std::optional<refresh_token_record>> sqlite_refresh_tokens::find(const digest256& hash) {
  auto& q = db_.prepare(sql::find_refresh_token);
  q.bind(1, std::span<const std::uint8_t>(hash));
  return first<refresh_token_record>(q, sql::read_refresh_token);
}

}  // namespace rekey
