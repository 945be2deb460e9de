// How both backends read records from result rows and bind records to statements, written once.
//
// A Row is a backend's adapter with text(c), int64(c), real(c), blob(c) (bytes, or a span of
// them) and is_null(c) for column c of one row: sqlite_statement as it is, pg_row for PostgreSQL
// (pg_record_rows.hpp). Params takes a statement's parameters $1, $2, … in order: text(v),
// int64(v), real(v), blob(v), null() — pg_params, or sqlite_params (sqlite_connection.hpp).
// The readers (generic lambdas, so that they can be passed as they are) read the columns of the
// lists in columns.hpp from column `c` on; the binders bind in the order of the same lists. Internal to the storage
// backends.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/records.hpp"
#include "storage/store.hpp"

namespace rekey::sql {

template <class Blob>
digest256 to_digest(const Blob& blob) {
  digest256 d{};
  std::copy_n(blob.begin(), std::min<std::size_t>(blob.size(), d.size()), d.begin());
  return d;
}

template <class Blob>
bytes to_bytes(const Blob& blob) {
  return bytes(blob.begin(), blob.end());
}

template <class Row>
std::optional<time_point> optional_time(const Row& r, int c) {
  if (r.is_null(c)) return std::nullopt;
  return from_epoch_ms(r.int64(c));
}

template <class Row>
std::optional<std::string> optional_text(const Row& r, int c) {
  if (r.is_null(c)) return std::nullopt;
  return r.text(c);
}

template <class Params>
auto& bind_optional_time(Params&& p, const std::optional<time_point>& t) {
  return t ? p.int64(to_epoch_ms(*t)) : p.null();
}

template <class Params>
auto& bind_optional_text(Params&& p, const std::optional<std::string>& v) {
  return v ? p.text(*v) : p.null();
}

// Custom scopes as one column: space-separated (a scope has no space, RFC 6749 §3.3).
inline std::vector<std::string> split_scopes(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = std::min(text.find(' ', pos), text.size());
    if (end > pos) out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

inline std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

// --- readers (APPLICATION_COLUMNS, SECRET_COLUMNS, … in columns.hpp)

inline constexpr auto read_application = [](const auto& r, int c = 0) -> application_record {
  application_record a;
  a.id = r.text(c);
  a.name = r.text(c + 1);
  a.client_id = r.text(c + 2);
  if (!r.is_null(c + 3)) a.rotate_rate = r.real(c + 3);
  if (!r.is_null(c + 4)) a.rotate_burst = static_cast<unsigned>(r.int64(c + 4));
  a.created_at = from_epoch_ms(r.int64(c + 5));
  a.tokens.format = parse_token_format(r.text(c + 6)).value_or(token_format::opaque);
  a.tokens.scopes = split_scopes(r.text(c + 7));
  a.tokens.audience = optional_text(r, c + 8);
  a.tokens.version = r.int64(c + 9);
  return a;
};

inline constexpr auto read_resource_server = [](const auto& r, int c = 0) -> resource_server_record {
  resource_server_record s;
  s.id = r.text(c);
  s.name = r.text(c + 1);
  s.audience = optional_text(r, c + 2);
  s.secret_hash = to_digest(r.blob(c + 3));
  s.created_at = from_epoch_ms(r.int64(c + 4));
  s.revoked_at = optional_time(r, c + 5);
  return s;
};

inline constexpr auto read_jwt_key = [](const auto& r, int c = 0) -> jwt_key_record {
  return {r.text(c),
          r.text(c + 1),
          to_bytes(r.blob(c + 2)),
          r.text(c + 3),
          from_epoch_ms(r.int64(c + 4)),
          from_epoch_ms(r.int64(c + 5))};
};

inline constexpr auto read_secret = [](const auto& r, int c = 0) -> secret_record {
  secret_record s;
  s.id = r.text(c);
  s.application_id = r.text(c + 1);
  s.hash = to_digest(r.blob(c + 2));
  s.fingerprint = r.text(c + 3);
  s.state = parse_secret_state(r.text(c + 4)).value_or(secret_state::revoked);
  s.created_at = from_epoch_ms(r.int64(c + 5));
  s.expires_at = from_epoch_ms(r.int64(c + 6));
  s.next_warning_at = optional_time(r, c + 7);
  s.last_used_at = optional_time(r, c + 8);
  s.use_count = r.int64(c + 9);
  return s;
};

inline constexpr auto read_refresh_token = [](const auto& r, int c = 0) -> refresh_token_record {
  return {to_digest(r.blob(c)), r.text(c + 1), from_epoch_ms(r.int64(c + 2))};
};

inline constexpr auto read_destination = [](const auto& r, int c = 0) -> destination_record {
  return {r.text(c), r.text(c + 1), r.text(c + 2), r.text(c + 3), from_epoch_ms(r.int64(c + 4))};
};

inline constexpr auto read_subscription = [](const auto& r, int c = 0) -> subscription_record {
  return {r.text(c), r.text(c + 1), r.text(c + 2), r.text(c + 3), from_epoch_ms(r.int64(c + 4))};
};

inline constexpr auto read_outbox = [](const auto& r, int c = 0) -> outbox_record {
  outbox_record o;
  o.id = r.text(c);
  o.application_id = r.text(c + 1);
  o.destination_id = r.text(c + 2);
  o.notification_type = r.text(c + 3);
  o.sealed_body = to_bytes(r.blob(c + 4));
  o.state = parse_outbox_state(r.text(c + 5)).value_or(outbox_state::dead);
  o.attempts = static_cast<int>(r.int64(c + 6));
  o.next_attempt_at = from_epoch_ms(r.int64(c + 7));
  o.created_at = from_epoch_ms(r.int64(c + 8));
  o.old_secret_id = optional_text(r, c + 9);
  o.delivered_at = optional_time(r, c + 10);
  o.last_error = r.text(c + 11);
  o.new_secret_id = optional_text(r, c + 12);
  return o;
};

inline constexpr auto read_bucket = [](const auto& r, int c = 0) -> rate_bucket_record {
  return {r.text(c), r.text(c + 1), r.real(c + 2), from_epoch_ms(r.int64(c + 3))};
};

inline constexpr auto read_signing_key = [](const auto& r, int c = 0) -> signing_key_record {
  return {r.text(c), to_bytes(r.blob(c + 1)), from_epoch_ms(r.int64(c + 2))};
};

inline constexpr auto read_access_key = [](const auto& r, int c = 0) -> access_key_record {
  return {r.text(c), r.text(c + 1), to_bytes(r.blob(c + 2)), from_epoch_ms(r.int64(c + 3))};
};

inline constexpr auto read_queue = [](const auto& r, int c = 0) -> queue_record {
  queue_record q;
  q.account = r.text(c);
  q.name = r.text(c + 1);
  q.visibility_timeout = millis{r.int64(c + 2)};
  q.retention = millis{r.int64(c + 3)};
  q.delay = millis{r.int64(c + 4)};
  q.maximum_message_size = r.int64(c + 5);
  q.receive_wait_seconds = r.int64(c + 6);
  q.dead_letter_target = r.text(c + 7);
  q.max_receive_count = r.int64(c + 8);
  q.redrive_allow_policy = r.text(c + 9);
  q.policy = r.text(c + 10);
  q.tags = r.text(c + 11);
  q.modified_at = from_epoch_ms(r.int64(c + 12));
  q.created_at = from_epoch_ms(r.int64(c + 13));
  return q;
};

inline constexpr auto read_message = [](const auto& r, int c = 0) -> message_record {
  message_record m;
  m.id = r.text(c);
  m.account = r.text(c + 1);
  m.queue = r.text(c + 2);
  m.sealed_body = to_bytes(r.blob(c + 3));
  m.md5_of_body = r.text(c + 4);
  m.sender_id = r.text(c + 5);
  m.sent_at = from_epoch_ms(r.int64(c + 6));
  m.visible_at = from_epoch_ms(r.int64(c + 7));
  m.receive_count = static_cast<int>(r.int64(c + 8));
  m.first_received_at = optional_time(r, c + 9);
  m.receipt_handle = r.text(c + 10);
  m.expires_at = from_epoch_ms(r.int64(c + 11));
  if (!r.is_null(c + 12)) m.sealed_attributes = to_bytes(r.blob(c + 12));
  m.md5_of_attributes = r.text(c + 13);
  return m;
};

inline constexpr auto read_audit = [](const auto& r, int c = 0) -> audit_record {
  audit_record e;
  e.seq = r.int64(c);
  e.at = from_epoch_ms(r.int64(c + 1));
  e.actor = r.text(c + 2);
  e.action = r.text(c + 3);
  e.application_id = r.text(c + 4);
  e.request_id = r.text(c + 5);
  e.fingerprint = r.text(c + 6);
  e.detail = r.text(c + 7);
  e.previous_hash = to_digest(r.blob(c + 8));
  e.hash = to_digest(r.blob(c + 9));
  e.chain = static_cast<int>(r.int64(c + 10));
  return e;
};

// --- binders, in the order of the same column lists

// The usage plan's two columns, each NULL when the service default applies.
template <class Params>
auto& bind_usage_plan(Params&& p, const application_record& a) {
  if (a.rotate_rate)
    p.real(*a.rotate_rate);
  else
    p.null();
  if (a.rotate_burst)
    p.int64(static_cast<std::int64_t>(*a.rotate_burst));
  else
    p.null();
  return p;
}

// The token settings' four columns: the format, the custom scopes space-separated, the
// audience, the version.
template <class Params>
auto& bind_token_settings(Params&& p, const token_settings& t) {
  p.text(to_string(t.format)).text(join_scopes(t.scopes));
  bind_optional_text(p, t.audience);
  return p.int64(t.version);
}

template <class Params>
auto& bind_application(Params&& p, const application_record& a) {
  p.text(a.id).text(a.name).text(a.client_id);
  bind_usage_plan(p, a);
  p.int64(to_epoch_ms(a.created_at));
  return bind_token_settings(p, a.tokens);
}

// update_token_settings' parameters: the id, then the settings.
template <class Params>
auto& bind_token_settings_update(Params&& p, const application_record& a) {
  p.text(a.id);
  return bind_token_settings(p, a.tokens);
}

template <class Params>
auto& bind_resource_server(Params&& p, const resource_server_record& s) {
  p.text(s.id).text(s.name);
  bind_optional_text(p, s.audience);
  p.blob(std::span<const std::uint8_t>(s.secret_hash)).int64(to_epoch_ms(s.created_at));
  return bind_optional_time(p, s.revoked_at);
}

template <class Params>
auto& bind_jwt_key(Params&& p, const jwt_key_record& k) {
  return p.text(k.kid)
      .text(k.algorithm)
      .blob(std::span<const std::uint8_t>(k.sealed_private_key))
      .text(k.public_key)
      .int64(to_epoch_ms(k.created_at))
      .int64(to_epoch_ms(k.signs_from));
}

// update_usage_plan's parameters: the id, then the plan.
template <class Params>
auto& bind_usage_plan_update(Params&& p, const application_record& a) {
  p.text(a.id);
  return bind_usage_plan(p, a);
}

template <class Params>
auto& bind_secret(Params&& p, const secret_record& s) {
  p.text(s.id).text(s.application_id).blob(std::span<const std::uint8_t>(s.hash)).text(s.fingerprint);
  p.text(to_string(s.state)).int64(to_epoch_ms(s.created_at)).int64(to_epoch_ms(s.expires_at));
  bind_optional_time(p, s.next_warning_at);
  bind_optional_time(p, s.last_used_at);
  return p.int64(s.use_count);
}

template <class Params>
auto& bind_refresh_token(Params&& p, const refresh_token_record& t) {
  return p.blob(std::span<const std::uint8_t>(t.hash)).text(t.application_id).int64(to_epoch_ms(t.created_at));
}

template <class Params>
auto& bind_destination(Params&& p, const destination_record& d) {
  return p.text(d.id).text(d.application_id).text(d.kind).text(d.config_json).int64(to_epoch_ms(d.created_at));
}

template <class Params>
auto& bind_subscription(Params&& p, const subscription_record& s) {
  return p.text(s.id)
      .text(s.application_id)
      .text(s.notification_type)
      .text(s.destination_id)
      .int64(to_epoch_ms(s.created_at));
}

template <class Params>
auto& bind_outbox(Params&& p, const outbox_record& o) {
  p.text(o.id).text(o.application_id).text(o.destination_id).text(o.notification_type);
  p.blob(std::span<const std::uint8_t>(o.sealed_body)).text(to_string(o.state));
  p.int64(o.attempts).int64(to_epoch_ms(o.next_attempt_at)).int64(to_epoch_ms(o.created_at));
  bind_optional_text(p, o.old_secret_id);
  bind_optional_time(p, o.delivered_at);
  p.text(o.last_error);
  return bind_optional_text(p, o.new_secret_id);
}

template <class Params>
auto& bind_bucket(Params&& p, const rate_bucket_record& b) {
  return p.text(b.application_id).text(b.operation).real(b.tokens).int64(to_epoch_ms(b.updated_at));
}

template <class Params>
auto& bind_signing_key(Params&& p, const signing_key_record& k) {
  return p.text(k.kid).blob(std::span<const std::uint8_t>(k.sealed_key)).int64(to_epoch_ms(k.created_at));
}

template <class Params>
auto& bind_access_key(Params&& p, const access_key_record& k) {
  return p.text(k.id)
      .text(k.account)
      .blob(std::span<const std::uint8_t>(k.sealed_secret))
      .int64(to_epoch_ms(k.created_at));
}

// update_queue's parameters.
template <class Params>
auto& bind_queue_settings(Params&& p, const queue_record& q) {
  return p.text(q.account)
      .text(q.name)
      .int64(q.visibility_timeout.count())
      .int64(q.retention.count())
      .int64(q.delay.count())
      .int64(q.maximum_message_size)
      .int64(q.receive_wait_seconds)
      .text(q.dead_letter_target)
      .int64(q.max_receive_count)
      .text(q.redrive_allow_policy)
      .text(q.policy)
      .text(q.tags)
      .int64(to_epoch_ms(q.modified_at));
}

// insert_queue's parameters: the settings, then created_at.
template <class Params>
auto& bind_queue(Params&& p, const queue_record& q) {
  return bind_queue_settings(p, q).int64(to_epoch_ms(q.created_at));
}

template <class Params>
auto& bind_message(Params&& p, const message_record& m) {
  p.text(m.id).text(m.account).text(m.queue).blob(std::span<const std::uint8_t>(m.sealed_body));
  p.text(m.md5_of_body).text(m.sender_id).int64(to_epoch_ms(m.sent_at)).int64(to_epoch_ms(m.visible_at));
  p.int64(m.receive_count);
  bind_optional_time(p, m.first_received_at);
  p.text(m.receipt_handle).int64(to_epoch_ms(m.expires_at));
  if (m.sealed_attributes.empty()) {
    p.null();
  } else {
    p.blob(std::span<const std::uint8_t>(m.sealed_attributes));
  }
  return p.text(m.md5_of_attributes);
}

template <class Params>
auto& bind_audit(Params&& p, const audit_record& e) {
  p.int64(e.seq).int64(to_epoch_ms(e.at)).text(e.actor).text(e.action).text(e.application_id);
  p.text(e.request_id).text(e.fingerprint).text(e.detail);
  p.blob(std::span<const std::uint8_t>(e.previous_hash)).blob(std::span<const std::uint8_t>(e.hash));
  return p.int64(e.chain);
}

}  // namespace rekey::sql
