#include "storage/sqlite/sqlite_queues.hpp"

namespace rekey {
namespace {

constexpr const char* message_columns =
    "id, account, queue, sealed_body, md5_of_body, sender_id, sent_at, visible_at, receive_count,"
    " first_received_at, receipt_handle, expires_at";

message_record read_message(const sqlite_statement& q) {
  message_record m;
  m.id = q.text(0);
  m.account = q.text(1);
  m.queue = q.text(2);
  const auto blob = q.blob(3);
  m.sealed_body.assign(blob.begin(), blob.end());
  m.md5_of_body = q.text(4);
  m.sender_id = q.text(5);
  m.sent_at = from_epoch_ms(q.int64(6));
  m.visible_at = from_epoch_ms(q.int64(7));
  m.receive_count = static_cast<int>(q.int64(8));
  if (!q.is_null(9)) m.first_received_at = from_epoch_ms(q.int64(9));
  m.receipt_handle = q.text(10);
  m.expires_at = from_epoch_ms(q.int64(11));
  return m;
}

queue_record read_queue(const sqlite_statement& q) {
  return {q.text(0), q.text(1), millis{q.int64(2)}, millis{q.int64(3)}, from_epoch_ms(q.int64(4))};
}

access_key_record read_access_key(const sqlite_statement& q) {
  const auto blob = q.blob(2);
  return {q.text(0), q.text(1), bytes(blob.begin(), blob.end()), from_epoch_ms(q.int64(3))};
}

}  // namespace

result<void> sqlite_access_keys::insert(const access_key_record& k) {
  auto& q = db_.prepare("INSERT INTO access_keys(id, account, sealed_secret, created_at) VALUES (?1, ?2, ?3, ?4)");
  q.bind(1, k.id)
      .bind(2, k.account)
      .bind(3, std::span<const std::uint8_t>(k.sealed_secret))
      .bind(4, to_epoch_ms(k.created_at));
  return run(q);
}

result<std::optional<access_key_record>> sqlite_access_keys::find(std::string_view id) {
  auto& q = db_.prepare("SELECT id, account, sealed_secret, created_at FROM access_keys WHERE id = ?1");
  q.bind(1, id);
  return first<access_key_record>(q, read_access_key);
}

result<std::vector<access_key_record>> sqlite_access_keys::list() {
  auto& q = db_.prepare("SELECT id, account, sealed_secret, created_at FROM access_keys ORDER BY created_at, id");
  return collect<access_key_record>(q, read_access_key);
}

result<void> sqlite_queues::insert_queue(const queue_record& r) {
  auto& q = db_.prepare(
      "INSERT INTO queues(account, name, visibility_timeout_ms, retention_ms, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  q.bind(1, r.account)
      .bind(2, r.name)
      .bind(3, static_cast<std::int64_t>(r.visibility_timeout.count()))
      .bind(4, static_cast<std::int64_t>(r.retention.count()))
      .bind(5, to_epoch_ms(r.created_at));
  return run(q);
}

result<std::optional<queue_record>> sqlite_queues::find_queue(std::string_view account, std::string_view name) {
  auto& q = db_.prepare(
      "SELECT account, name, visibility_timeout_ms, retention_ms, created_at FROM queues"
      " WHERE account = ?1 AND name = ?2");
  q.bind(1, account).bind(2, name);
  return first<queue_record>(q, read_queue);
}

result<std::vector<queue_record>> sqlite_queues::list_queues(std::string_view account, std::string_view prefix) {
  auto& q = db_.prepare(
      "SELECT account, name, visibility_timeout_ms, retention_ms, created_at FROM queues"
      " WHERE account = ?1 AND substr(name, 1, length(?2)) = ?2 ORDER BY name");
  q.bind(1, account).bind(2, prefix);
  return collect<queue_record>(q, read_queue);
}

result<bool> sqlite_queues::delete_queue(std::string_view account, std::string_view name) {
  if (auto r = purge(account, name); !r) return {boost::system::in_place_error, r.error()};
  auto& q = db_.prepare("DELETE FROM queues WHERE account = ?1 AND name = ?2");
  q.bind(1, account).bind(2, name);
  if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
  return db_.changes() == 1;
}

result<void> sqlite_queues::purge(std::string_view account, std::string_view name) {
  auto& q = db_.prepare("DELETE FROM messages WHERE account = ?1 AND queue = ?2");
  q.bind(1, account).bind(2, name);
  return run(q);
}

result<void> sqlite_queues::insert_message(const message_record& m) {
  auto& q = db_.prepare(
      "INSERT INTO messages(id, account, queue, sealed_body, md5_of_body, sender_id, sent_at, visible_at,"
      " receive_count, first_received_at, receipt_handle, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  q.bind(1, m.id)
      .bind(2, m.account)
      .bind(3, m.queue)
      .bind(4, std::span<const std::uint8_t>(m.sealed_body))
      .bind(5, m.md5_of_body)
      .bind(6, m.sender_id)
      .bind(7, to_epoch_ms(m.sent_at))
      .bind(8, to_epoch_ms(m.visible_at))
      .bind(9, static_cast<std::int64_t>(m.receive_count))
      .bind(11, m.receipt_handle)
      .bind(12, to_epoch_ms(m.expires_at));
  if (m.first_received_at)
    q.bind(10, to_epoch_ms(*m.first_received_at));
  else
    q.bind_null(10);
  return run(q);
}

result<std::vector<message_record>> sqlite_queues::visible_messages(std::string_view account, std::string_view queue,
                                                                    time_point now, int max) {
  static const std::string sql =
      std::string("SELECT ") + message_columns +
      " FROM messages WHERE account = ?1 AND queue = ?2 AND visible_at <= ?3"
      " AND expires_at > ?3 ORDER BY visible_at, sent_at, rowid LIMIT ?4";  // index order: no sort
  auto& q = db_.prepare(sql.c_str());
  q.bind(1, account).bind(2, queue).bind(3, to_epoch_ms(now)).bind(4, static_cast<std::int64_t>(max));
  return collect<message_record>(q, read_message);
}

result<void> sqlite_queues::update_message(const message_record& m) {
  auto& q = db_.prepare(
      "UPDATE messages SET visible_at = ?2, receive_count = ?3, first_received_at = ?4, receipt_handle = ?5"
      " WHERE id = ?1");
  q.bind(1, m.id)
      .bind(2, to_epoch_ms(m.visible_at))
      .bind(3, static_cast<std::int64_t>(m.receive_count))
      .bind(5, m.receipt_handle);
  if (m.first_received_at)
    q.bind(4, to_epoch_ms(*m.first_received_at));
  else
    q.bind_null(4);
  return run(q);
}

result<std::optional<message_record>> sqlite_queues::find_by_receipt(std::string_view account, std::string_view queue,
                                                                     std::string_view receipt_handle) {
  static const std::string sql = std::string("SELECT ") + message_columns +
                                 " FROM messages WHERE receipt_handle = ?3 AND receipt_handle <> ''"
                                 " AND account = ?1 AND queue = ?2";  // as the partial index's predicate
  auto& q = db_.prepare(sql.c_str());
  q.bind(1, account).bind(2, queue).bind(3, receipt_handle);
  return first<message_record>(q, read_message);
}

result<void> sqlite_queues::delete_message(std::string_view id) {
  auto& q = db_.prepare("DELETE FROM messages WHERE id = ?1");
  q.bind(1, id);
  return run(q);
}

result<queue_repository::counts> sqlite_queues::count_messages(std::string_view account, std::string_view queue,
                                                               time_point now) {
  auto& q = db_.prepare(
      "SELECT COALESCE(SUM(visible_at <= ?3), 0), COALESCE(SUM(visible_at > ?3), 0) FROM messages"
      " WHERE account = ?1 AND queue = ?2 AND expires_at > ?3");
  q.bind(1, account).bind(2, queue).bind(3, to_epoch_ms(now));
  auto row = first<counts>(q, [](const sqlite_statement& r) { return counts{r.int64(0), r.int64(1)}; });
  if (!row) return row.error();
  return row->value_or(counts{});
}

result<std::int64_t> sqlite_queues::delete_expired(time_point now) {
  auto& q = db_.prepare("DELETE FROM messages WHERE expires_at <= ?1");
  q.bind(1, to_epoch_ms(now));
  if (auto r = run(q); !r) return r.error();
  return db_.changes();
}

}  // namespace rekey
