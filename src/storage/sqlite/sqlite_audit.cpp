#include "storage/sqlite/sqlite_audit.hpp"

#include <algorithm>

namespace rekey {
namespace {

constexpr const char* audit_columns =
    "seq, at, actor, action, application_id, request_id, fingerprint, detail, previous_hash, hash, chain";

digest256 read_digest(std::span<const std::uint8_t> blob) {
  digest256 d{};
  std::copy_n(blob.begin(), std::min(blob.size(), d.size()), d.begin());
  return d;
}

audit_record read_audit(const sqlite_statement& q) {
  audit_record e;
  e.seq = q.int64(0);
  e.at = from_epoch_ms(q.int64(1));
  e.actor = q.text(2);
  e.action = q.text(3);
  e.application_id = q.text(4);
  e.request_id = q.text(5);
  e.fingerprint = q.text(6);
  e.detail = q.text(7);
  e.previous_hash = read_digest(q.blob(8));
  e.hash = read_digest(q.blob(9));
  e.chain = static_cast<int>(q.int64(10));
  return e;
}

}  // namespace

result<void> sqlite_audit::append(const audit_record& e) {
  auto& q = db_.prepare(
      "INSERT INTO audit_log(seq, at, actor, action, application_id, request_id, fingerprint, detail, previous_hash,"
      " hash, chain) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  q.bind(1, e.seq)
      .bind(2, to_epoch_ms(e.at))
      .bind(3, e.actor)
      .bind(4, e.action)
      .bind(5, e.application_id)
      .bind(6, e.request_id)
      .bind(7, e.fingerprint)
      .bind(8, e.detail)
      .bind(9, std::span<const std::uint8_t>(e.previous_hash))
      .bind(10, std::span<const std::uint8_t>(e.hash))
      .bind(11, static_cast<std::int64_t>(e.chain));
  return run(q);
}

result<audit_head> sqlite_audit::head(int chain) {
  // One writer at a time on SQLite: the chain is held by the write transaction itself.
  audit_head out;
  auto& next = db_.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log");
  auto seq = first<std::int64_t>(next, [](const sqlite_statement& q) { return q.int64(0); });
  if (!seq) return seq.error();
  out.next_seq = seq->value_or(1);
  static const std::string sql =
      std::string("SELECT ") + audit_columns + " FROM audit_log WHERE chain = ?1 ORDER BY seq DESC LIMIT 1";
  auto& q = db_.prepare(sql.c_str());
  q.bind(1, static_cast<std::int64_t>(chain));
  auto last = first<audit_record>(q, read_audit);
  if (!last) return last.error();
  out.last = std::move(*last);
  return out;
}

result<std::vector<audit_record>> sqlite_audit::list(std::int64_t after_seq, int limit) {
  static const std::string sql =
      std::string("SELECT ") + audit_columns + " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2";
  auto& q = db_.prepare(sql.c_str());
  q.bind(1, after_seq).bind(2, static_cast<std::int64_t>(limit));
  return collect<audit_record>(q, read_audit);
}

}  // namespace rekey
