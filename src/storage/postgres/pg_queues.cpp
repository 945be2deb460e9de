#include "storage/postgres/pg_repositories.hpp"

#include "storage/postgres/pg_record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

using namespace pg_detail;

result<void> pg_queues::insert_queue(const queue_record& q) {
  return done(unit_.db.run(sql::insert_queue, sql::bind_queue(pg_params(), q)));
}

result<std::optional<queue_record>> pg_queues::find_queue(std::string_view account, std::string_view name) {
  return one<queue_record>(unit_.db.run(sql::find_queue, pg_params().text(account).text(name)), sql::read_queue);
}

result<std::vector<queue_record>> pg_queues::list_queues(std::string_view account, std::string_view prefix) {
  return all<queue_record>(unit_.db.run(sql::list_queues, pg_params().text(account).text(prefix)), sql::read_queue);
}

result<bool> pg_queues::delete_queue(std::string_view account, std::string_view name) {
  if (auto r = purge(account, name); !r) return {boost::system::in_place_error, r.error()};
  auto r = unit_.db.run(sql::delete_queue, pg_params().text(account).text(name));
  if (!r) return {boost::system::in_place_error, r.error()};
  return r->affected() == 1;
}

result<void> pg_queues::purge(std::string_view account, std::string_view name) {
  return done(unit_.db.run(sql::purge_queue, pg_params().text(account).text(name)));
}

result<void> pg_queues::update_queue(const queue_record& q) {
  return unit_.write(sql::update_queue, sql::bind_queue_settings(pg_params(), q));
}

result<void> pg_queues::move_message(std::string_view id, const queue_address& to, time_point visible_at) {
  pg_params p;
  p.text(id).text(to.account).text(to.name).int64(to_epoch_ms(visible_at));
  if (auto r = unit_.write(sql::move_message, p); !r) return r;
  return unit_.notify("queue:" + to.account + "/" + to.name);
}

result<void> pg_queues::insert_message(const message_record& m) {
  if (auto r = unit_.write(sql::insert_message, sql::bind_message(pg_params(), m)); !r) return r;
  return unit_.notify("queue:" + m.account + "/" + m.queue);
}

result<std::vector<message_record>> pg_queues::visible_messages(std::string_view account, std::string_view queue,
                                                                time_point now, int max) {
  // SKIP LOCKED: two nodes answering ReceiveMessage at once never hand out the same message.
  return all<message_record>(
      unit_.db.run("SELECT " MESSAGE_COLUMNS " FROM messages WHERE account = $1 AND queue = $2 AND visible_at <= $3"
                   " AND expires_at > $3 ORDER BY visible_at, sent_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED",
                   pg_params().text(account).text(queue).int64(to_epoch_ms(now)).int64(max)),
      sql::read_message);
}

result<void> pg_queues::update_message(const message_record& m) {
  pg_params p;
  p.text(m.id).int64(to_epoch_ms(m.visible_at)).int64(m.receive_count);
  sql::bind_optional_time(p, m.first_received_at).text(m.receipt_handle);
  return unit_.write(sql::update_message, p);
}

result<void> pg_queues::change_visibility(const message_record& m) {
  if (auto r = update_message(m); !r) return r;
  return unit_.notify("queue:" + m.account + "/" + m.queue);
}

result<std::optional<message_record>> pg_queues::find_by_receipt(std::string_view account, std::string_view queue,
                                                                 std::string_view receipt_handle) {
  return one<message_record>(
      unit_.db.run(sql::find_message_by_receipt, pg_params().text(account).text(queue).text(receipt_handle)),
      sql::read_message);
}

result<void> pg_queues::delete_message(std::string_view id) {
  return unit_.write(sql::delete_message, pg_params().text(id));
}

result<queue_repository::counts> pg_queues::count_messages(std::string_view account, std::string_view queue,
                                                           time_point now) {
  auto r = unit_.db.run(sql::count_messages, pg_params().text(account).text(queue).int64(to_epoch_ms(now)));
  if (!r) return r.error();
  return counts{r->int64(0, 0), r->int64(0, 1), r->int64(0, 2)};
}

result<std::optional<time_point>> pg_queues::next_visible_at(std::string_view account, std::string_view queue,
                                                             time_point now) {
  auto r = unit_.db.run(sql::next_visible_at, pg_params().text(account).text(queue).int64(to_epoch_ms(now)));
  if (!r) return r.error();
  if (r->is_null(0, 0)) return std::optional<time_point>{};
  return std::optional<time_point>(from_epoch_ms(r->int64(0, 0)));
}

result<std::int64_t> pg_queues::delete_expired(time_point now) {
  auto r = unit_.db.run(sql::delete_expired_messages, pg_params().int64(to_epoch_ms(now)));
  if (!r) return r.error();
  return r->affected();
}

}  // namespace rekey
