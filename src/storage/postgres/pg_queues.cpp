#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_queues::insert_queue(const queue_record& q) {
  return done(
      unit_.db.run("INSERT INTO queues(account, name, visibility_timeout_ms, retention_ms, created_at) VALUES ($1, $2, "
                   "$3, $4, $5)",
                   pg_params()
                       .text(q.account)
                       .text(q.name)
                       .int64(q.visibility_timeout.count())
                       .int64(q.retention.count())
                       .int64(to_epoch_ms(q.created_at))));
}

result<std::optional<queue_record>> pg_queues::find_queue(std::string_view account, std::string_view name) {
  return one<queue_record>(
      unit_.db.run("SELECT account, name, visibility_timeout_ms, retention_ms, created_at FROM queues"
                   " WHERE account = $1 AND name = $2",
                   pg_params().text(account).text(name)),
      read_queue);
}

result<std::vector<queue_record>> pg_queues::list_queues(std::string_view account, std::string_view prefix) {
  return all<queue_record>(
      unit_.db.run("SELECT account, name, visibility_timeout_ms, retention_ms, created_at FROM queues"
                   " WHERE account = $1 AND substr(name, 1, length($2)) = $2 ORDER BY name",
                   pg_params().text(account).text(prefix)),
      read_queue);
}

result<bool> pg_queues::delete_queue(std::string_view account, std::string_view name) {
  if (auto r = purge(account, name); !r) return {boost::system::in_place_error, r.error()};
  auto r = unit_.db.run("DELETE FROM queues WHERE account = $1 AND name = $2", pg_params().text(account).text(name));
  if (!r) return {boost::system::in_place_error, r.error()};
  return r->affected() == 1;
}

result<void> pg_queues::purge(std::string_view account, std::string_view name) {
  return done(
      unit_.db.run("DELETE FROM messages WHERE account = $1 AND queue = $2", pg_params().text(account).text(name)));
}

result<void> pg_queues::insert_message(const message_record& m) {
  pg_params p;
  p.text(m.id).text(m.account).text(m.queue).blob(m.sealed_body).text(m.md5_of_body).text(m.sender_id);
  p.int64(to_epoch_ms(m.sent_at)).int64(to_epoch_ms(m.visible_at)).int64(m.receive_count);
  optional_time_param(p, m.first_received_at);
  p.text(m.receipt_handle).int64(to_epoch_ms(m.expires_at));
  if (auto r = unit_.write(
          "INSERT INTO messages(" MESSAGE_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", p);
      !r) {
    return r;
  }
  return unit_.notify("queue:" + m.account + "/" + m.queue);
}

result<std::vector<message_record>> pg_queues::visible_messages(std::string_view account, std::string_view queue,
                                                                time_point now, int max) {
  // SKIP LOCKED: two nodes answering ReceiveMessage at once never hand out the same message.
  return all<message_record>(
      unit_.db.run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE account = $1 AND queue = $2 AND visible_at <= $3"
                   " AND expires_at > $3 ORDER BY visible_at, sent_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED",
                   pg_params().text(account).text(queue).int64(to_epoch_ms(now)).int64(max)),
      read_message);
}

result<void> pg_queues::update_message(const message_record& m) {
  pg_params p;
  p.text(m.id).int64(to_epoch_ms(m.visible_at)).int64(m.receive_count);
  optional_time_param(p, m.first_received_at);
  p.text(m.receipt_handle);
  return unit_.write(
      "UPDATE messages SET visible_at = $2, receive_count = $3, first_received_at = $4, receipt_handle = $5"
      " WHERE id = $1",
      p);
}

result<std::optional<message_record>> pg_queues::find_by_receipt(std::string_view account, std::string_view queue,
                                                                 std::string_view receipt_handle) {
  // receipt_handle <> '' as in the partial index's predicate, so that the planner may use it.
  return one<message_record>(unit_.db.run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE receipt_handle = $3"
                                          " AND receipt_handle <> '' AND account = $1 AND queue = $2",
                                          pg_params().text(account).text(queue).text(receipt_handle)),
                             read_message);
}

result<void> pg_queues::delete_message(std::string_view id) {
  return unit_.write("DELETE FROM messages WHERE id = $1", pg_params().text(id));
}

result<queue_repository::counts> pg_queues::count_messages(std::string_view account, std::string_view queue,
                                                           time_point now) {
  auto r = unit_.db.run(
      "SELECT COUNT(*) FILTER (WHERE visible_at <= $3), COUNT(*) FILTER (WHERE visible_at > $3) FROM messages"
      " WHERE account = $1 AND queue = $2 AND expires_at > $3",
      pg_params().text(account).text(queue).int64(to_epoch_ms(now)));
  if (!r) return r.error();
  return counts{r->int64(0, 0), r->int64(0, 1)};
}

result<std::int64_t> pg_queues::delete_expired(time_point now) {
  auto r = unit_.db.run("DELETE FROM messages WHERE expires_at <= $1", pg_params().int64(to_epoch_ms(now)));
  if (!r) return r.error();
  return r->affected();
}

}  // namespace rekey
