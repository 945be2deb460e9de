#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<std::optional<rate_bucket_record>> pg_rate_limits::find(std::string_view application_id,
                                                               std::string_view operation) {
  // Two nodes debiting one bucket take turns (a lock on the bucket's key, held to the end of
  // the transaction), so the limit holds cluster-wide (pg_migrations.cpp, version 2).
  return one<rate_bucket_record>(unit_.db.run(bucket_sql, pg_params().text(application_id).text(operation)),
                                 sql::read_bucket);
}

result<void> pg_rate_limits::save(const rate_bucket_record& b) {
  return unit_.write(sql::save_bucket, sql::bind_bucket(pg_params(), b));
}

}  // namespace rekey
