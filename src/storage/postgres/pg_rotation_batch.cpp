#include "storage/postgres/pg_rotation_batch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/postgres/pg_rotation_unit.hpp"
#include "storage/postgres/pg_unit_of_work.hpp"

namespace rekey {
namespace {

using namespace pg_detail;

// The locks, as read_for_rotation takes them (pg_store.cpp), each kind in the order of its key.
constexpr const char* bucket_locks_sql =
    "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(a || '/' || $2::text, 0) AS k"
    " FROM unnest($1::text[]) AS a ORDER BY 1) AS keys";
constexpr const char* chain_locks_sql =
    "SELECT count(pg_advisory_xact_lock(730241, c)) FROM (SELECT DISTINCT c FROM unnest($1::integer[]) AS c"
    " ORDER BY 1) AS chains";
// As read_for_rotation's join, one row per application, its id first. Each table is looked up
// by its index for each application: LATERAL with LIMIT keeps the planner from flattening these
// into hash joins over whole tables, which a generic plan (unnest estimated at 10 rows) chooses
// otherwise — O(applications) per batch.
constexpr const char* applications_sql =
    "SELECT k.id, " ROTATION_JOIN_COLUMNS
    " FROM unnest($1::text[]) AS k(id)"
    " LEFT JOIN LATERAL (SELECT * FROM applications WHERE id = k.id LIMIT 1) AS a ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM subscriptions WHERE application_id = a.id AND notification_type = $2"
    " LIMIT 1) AS s ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM destinations WHERE id = s.destination_id LIMIT 1) AS d ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM queues WHERE d.kind = 'embedded'"
    " AND account = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'account' END"
    " AND name = CASE WHEN d.kind = 'embedded' THEN d.config::jsonb ->> 'queue' END LIMIT 1) AS q ON TRUE"
    " LEFT JOIN LATERAL (SELECT * FROM rate_buckets WHERE application_id = k.id AND operation = $3 LIMIT 1) AS b"
    " ON TRUE";
constexpr const char* secrets_sql = "SELECT " SECRET_COLUMNS
                                    " FROM client_secrets WHERE application_id = ANY($1::text[])"
                                    " ORDER BY application_id, created_at DESC, seq DESC";
constexpr const char* chain_heads_sql =
    "SELECT c, l.* FROM unnest($1::integer[]) AS c LEFT JOIN LATERAL"
    " (SELECT " AUDIT_COLUMNS " FROM audit_log WHERE chain = c ORDER BY seq DESC LIMIT 1) AS l ON TRUE";
constexpr const char* audit_seqs_sql = "SELECT nextval('audit_seq') FROM generate_series(1, $1::integer)";

}  // namespace

pg_rotation_batch::pg_rotation_batch(pg_pool::lease db, std::string node)
    : db_(std::move(db)), node_(std::move(node)) {}

pg_rotation_batch::~pg_rotation_batch() {
  if (!ended_) abandon();
}

result<std::unique_ptr<unit_of_work>> pg_rotation_batch::begin() {
  if (ended_) return errc::internal;
  return make_pg_rotation_unit(*this, *db_, hooks_.sink());
}

result<void> pg_rotation_batch::start(std::span<const rotation_key> rotations) {
  if (rotations.empty()) return errc::internal;
  operation_ = rotations.front().operation;
  notification_type_ = rotations.front().notification_type;
  std::set<std::string> application_ids;
  std::set<int> chains;
  for (const auto& key : rotations) {
    if (key.operation != operation_ || key.notification_type != notification_type_) return errc::internal;
    application_ids.insert(key.application_id);
    chains.insert(key.audit_chain);
  }
  const std::vector<std::string> ids(application_ids.begin(), application_ids.end());
  pg_array chain_list(pg_array::element::int4);
  for (const int c : chains) chain_list.add(c);

  if (auto r = db_->begin_transaction(); !r) return r;
  const pg_statement statements[] = {
      {bucket_locks_sql, pg_params().text_array(ids).text(operation_)},
      {chain_locks_sql, pg_params().array(chain_list)},
      {applications_sql, pg_params().text_array(ids).text(notification_type_).text(operation_)},
      {secrets_sql, pg_params().text_array(ids)},
      {chain_heads_sql, pg_params().array(chain_list)},
      {audit_seqs_sql, pg_params().int64(static_cast<std::int64_t>(rotations.size()))},
  };
  auto rows = db_->run_all(statements);
  if (!rows) return rows.error();

  const auto& apps = (*rows)[2];
  for (int i = 0; i < apps.size(); ++i) {
    rotation_reads reads;
    read_rotation_join(pg_row{apps, i}, 1, reads);
    applications_.emplace(apps.text(i, 0), std::move(reads));
  }
  const auto& secrets = (*rows)[3];
  for (int i = 0; i < secrets.size(); ++i) {
    auto secret = sql::read_secret(pg_row{secrets, i});
    applications_[secret.application_id].secrets.push_back(std::move(secret));
  }
  const auto& heads = (*rows)[4];
  for (int i = 0; i < heads.size(); ++i) {
    std::optional<audit_record> last;
    if (!heads.is_null(i, 1)) last = sql::read_audit(pg_row{heads, i}, 1);
    chain_heads_[static_cast<int>(heads.int64(i, 0))] = std::move(last);
  }
  const auto& seqs = (*rows)[5];
  for (int i = 0; i < seqs.size(); ++i) audit_seqs_.push_back(seqs.int64(i, 0));
  return {};
}

result<rotation_reads> pg_rotation_batch::reads_for(std::string_view application_id, std::string_view operation,
                                                    std::string_view notification_type, int audit_chain) {
  const auto app = applications_.find(std::string(application_id));
  const auto chain = chain_heads_.find(audit_chain);
  if (app == applications_.end() || chain == chain_heads_.end() || audit_seqs_.empty() || operation != operation_ ||
      notification_type != notification_type_) {
    spdlog::error("rotation batch: a rotation the batch was not started for");
    return errc::internal;
  }
  rotation_reads out = app->second;
  out.audit.next_seq = audit_seqs_.front();
  audit_seqs_.pop_front();
  out.audit.last = chain->second;
  return out;
}

void pg_rotation_batch::absorb(pg_rotation_writes writes) {
  // The snapshot follows: later units of the batch read what this one wrote.
  for (const auto& secret : writes.new_secrets()) {
    auto& known = applications_[secret.application_id].secrets;
    known.insert(known.begin(), secret);  // newest first
  }
  for (const auto& change : writes.secret_updates()) {
    auto& known = applications_[change.application_id].secrets;
    auto s = std::find_if(known.begin(), known.end(), [&](const auto& k) { return k.id == change.id; });
    if (s != known.end()) move_forward(*s, change);
  }
  for (const auto& bucket : writes.buckets()) {
    if (bucket.operation == operation_) applications_[bucket.application_id].bucket = bucket;
  }
  for (const auto& entry : writes.audit()) chain_heads_[entry.chain] = entry;
  writes_.absorb(std::move(writes));
}

result<void> pg_rotation_batch::commit() {
  if (ended_) return errc::internal;
  auto& db = *db_;
  auto r = writes_.queue(db);
  if (r) r = db.queue_command("COMMIT");
  if (r && !writes_.events().empty())
    r = db.queue_best_effort(pg_notify_sql, pg_params().text_array(pg_event_payloads(node_, writes_.events())));
  if (r) r = db.flush();  // the writes, the commit and the events: one round trip
  if (!r) {
    abandon();
    return r;
  }
  ended_ = true;
  db_.release();  // the connection goes back to the pool
  hooks_.committed();
  return {};
}

void pg_rotation_batch::abandon() {
  ended_ = true;
  db_->discard();
  (void)db_->exec("ROLLBACK");
  db_.release();
  hooks_.dropped();
}

}  // namespace rekey
