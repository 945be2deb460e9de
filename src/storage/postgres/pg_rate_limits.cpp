#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<std::optional<rate_bucket_record>> pg_rate_limits::find(std::string_view application_id,
                                                               std::string_view operation) {
  // Two nodes debiting one bucket take turns (a lock on the bucket's key, held to the end of
  // the transaction), so the limit holds cluster-wide (pg_migrations.cpp, version 2).
  return one<rate_bucket_record>(unit_.db.run(bucket_sql, pg_params().text(application_id).text(operation)),
                                 read_bucket);
}

result<void> pg_rate_limits::save(const rate_bucket_record& b) {
  return unit_.write(
      "INSERT INTO rate_buckets(application_id, operation, tokens, updated_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (application_id, operation) DO UPDATE SET tokens = excluded.tokens,"
      " updated_at = excluded.updated_at",
      pg_params().text(b.application_id).text(b.operation).real(b.tokens).int64(to_epoch_ms(b.updated_at)));
}

}  // namespace rekey
