#include "storage/sqlite/sqlite_repositories.hpp"

#include "storage/sql/record_rows.hpp"
#include "storage/sql/statements.hpp"

namespace rekey {

result<void> sqlite_queues::insert_queue(const queue_record& r) {
  auto& q = db_.prepare(sql::insert_queue);
  sql::bind_queue(sqlite_params(q), r);
  return run(q);
}

result<std::optional<queue_record>> sqlite_queues::find_queue(std::string_view account, std::string_view name) {
  auto& q = db_.prepare(sql::find_queue);
  q.bind(1, account).bind(2, name);
  return first<queue_record>(q, sql::read_queue);
}

result<std::vector<queue_record>> sqlite_queues::list_queues(std::string_view account, std::string_view prefix) {
  auto& q = db_.prepare(sql::list_queues);
  q.bind(1, account).bind(2, prefix);
  return collect<queue_record>(q, sql::read_queue);
}

result<bool> sqlite_queues::delete_queue(std::string_view account, std::string_view name) {
  if (auto r = purge(account, name); !r) return {boost::system::in_place_error, r.error()};
  auto& q = db_.prepare(sql::delete_queue);
  q.bind(1, account).bind(2, name);
  if (auto r = run(q); !r) return {boost::system::in_place_error, r.error()};
  return db_.changes() == 1;
}

result<void> sqlite_queues::purge(std::string_view account, std::string_view name) {
  auto& q = db_.prepare(sql::purge_queue);
  q.bind(1, account).bind(2, name);
  return run(q);
}

result<void> sqlite_queues::update_queue(const queue_record& r) {
  auto& q = db_.prepare(sql::update_queue);
  sql::bind_queue_settings(sqlite_params(q), r);
  return run(q);
}

result<void> sqlite_queues::move_message(std::string_view id, const queue_address& to, time_point visible_at) {
  auto& q = db_.prepare(sql::move_message);
  q.bind(1, id).bind(2, to.account).bind(3, to.name).bind(4, to_epoch_ms(visible_at));
  return run(q);
}

result<void> sqlite_queues::insert_message(const message_record& m) {
  auto& q = db_.prepare(sql::insert_message);
  sql::bind_message(sqlite_params(q), m);
  return run(q);
}

result<std::vector<message_record>> sqlite_queues::visible_messages(std::string_view account, std::string_view queue,
                                                                    time_point now, int max) {
  auto& q = db_.prepare("SELECT " MESSAGE_COLUMNS
                        " FROM messages WHERE account = $1 AND queue = $2 AND visible_at <= $3"
                        " AND expires_at > $3 ORDER BY visible_at, sent_at, rowid LIMIT $4");  // index order: no sort
  q.bind(1, account).bind(2, queue).bind(3, to_epoch_ms(now)).bind(4, static_cast<std::int64_t>(max));
  return collect<message_record>(q, sql::read_message);
}

result<void> sqlite_queues::update_message(const message_record& m) {
  auto& q = db_.prepare(sql::update_message);
  sqlite_params p(q);
  p.text(m.id).int64(to_epoch_ms(m.visible_at)).int64(m.receive_count);
  sql::bind_optional_time(p, m.first_received_at).text(m.receipt_handle);
  return run(q);
}

// One node: its endpoint wakes its polls.
result<void> sqlite_queues::change_visibility(const message_record& m) { return update_message(m); }

result<std::optional<message_record>> sqlite_queues::find_by_receipt(std::string_view account, std::string_view queue,
                                                                     std::string_view receipt_handle) {
  auto& q = db_.prepare(sql::find_message_by_receipt);
  q.bind(1, account).bind(2, queue).bind(3, receipt_handle);
  return first<message_record>(q, sql::read_message);
}

result<void> sqlite_queues::delete_message(std::string_view id) {
  auto& q = db_.prepare(sql::delete_message);
  q.bind(1, id);
  return run(q);
}

result<queue_repository::counts> sqlite_queues::count_messages(std::string_view account, std::string_view queue,
                                                               time_point now) {
  auto& q = db_.prepare(sql::count_messages);
  q.bind(1, account).bind(2, queue).bind(3, to_epoch_ms(now));
  auto row = first<counts>(q, [](const sqlite_statement& r) { return counts{r.int64(0), r.int64(1), r.int64(2)}; });
  if (!row) return row.error();
  return row->value_or(counts{});
}

result<std::optional<time_point>> sqlite_queues::next_visible_at(std::string_view account, std::string_view queue,
                                                                 time_point now) {
  auto& q = db_.prepare(sql::next_visible_at);
  q.bind(1, account).bind(2, queue).bind(3, to_epoch_ms(now));
  auto row = first<std::optional<time_point>>(q, [](const sqlite_statement& r) {
    return r.is_null(0) ? std::nullopt : std::optional<time_point>(from_epoch_ms(r.int64(0)));
  });
  if (!row) return row.error();
  return row->value_or(std::nullopt);
}

result<std::int64_t> sqlite_queues::delete_expired(time_point now) {
  auto& q = db_.prepare(sql::delete_expired_messages);
  q.bind(1, to_epoch_ms(now));
  if (auto r = run(q); !r) return r.error();
  return db_.changes();
}

}  // namespace rekey
