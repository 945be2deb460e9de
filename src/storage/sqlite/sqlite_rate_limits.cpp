#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<std::optional<rate_bucket_record>> sqlite_rate_limits::find(std::string_view application_id,
                                                                   std::string_view operation) {
  // One writer at a time on SQLite: the bucket is held by the write transaction itself.
  auto& q = db_.prepare("SELECT " BUCKET_COLUMNS " FROM rate_buckets WHERE application_id = $1 AND operation = $2");
  q.bind(1, application_id).bind(2, operation);
  return first<rate_bucket_record>(q, sql::read_bucket);
}

result<void> sqlite_rate_limits::save(const rate_bucket_record& b) {
  auto& q = db_.prepare(sql::save_bucket);
  sql::bind_bucket(sqlite_params(q), b);
  return run(q);
}

}  // namespace rekey
