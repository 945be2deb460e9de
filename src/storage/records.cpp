#include "storage/records.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

namespace rekey {

std::string_view to_string(secret_state s) {
  switch (s) {
    case secret_state::current:
      return "current";
    case secret_state::old:
      return "old";
    case secret_state::retired:
      return "retired";
    case secret_state::revoked:
      return "revoked";
  }
  return "unknown";
}

std::optional<secret_state> parse_secret_state(std::string_view s) {
  for (auto v : {secret_state::current, secret_state::old, secret_state::retired, secret_state::revoked}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::string_view to_string(token_format f) { return f == token_format::jwt ? "jwt" : "opaque"; }

std::optional<token_format> parse_token_format(std::string_view s) {
  if (s == "opaque") return token_format::opaque;
  if (s == "jwt") return token_format::jwt;
  return std::nullopt;
}

std::string to_string(const token_settings& t) {
  std::string scopes;
  for (const auto& s : t.scopes) scopes += (scopes.empty() ? "" : " ") + s;
  return "format " + std::string(to_string(t.format)) + ", scopes [" + scopes + "], audience " +
         t.audience.value_or("(issuer)");
}

std::string_view to_string(outbox_state s) {
  switch (s) {
    case outbox_state::pending:
      return "pending";
    case outbox_state::delivered:
      return "delivered";
    case outbox_state::dead:
      return "dead";
  }
  return "unknown";
}

std::optional<outbox_state> parse_outbox_state(std::string_view s) {
  for (auto v : {outbox_state::pending, outbox_state::delivered, outbox_state::dead}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::optional<queue_address> embedded_address(const destination_record& destination) {
  if (destination.kind != "embedded") return std::nullopt;
  boost::system::error_code ec;
  const auto config = boost::json::parse(destination.config_json, ec);
  const auto* account = !ec && config.is_object() ? config.as_object().if_contains("account") : nullptr;
  const auto* name = !ec && config.is_object() ? config.as_object().if_contains("queue") : nullptr;
  if (!account || !account->is_string() || !name || !name->is_string()) return std::nullopt;
  return queue_address{std::string(account->as_string()), std::string(name->as_string())};
}

void move_forward(secret_record& stored, const secret_record& change) {
  const bool stays_current = change.state == secret_state::current && stored.state == secret_state::current;
  stored.state = std::max(stored.state, change.state);  // the enum is in the order of the progression
  stored.expires_at = std::min(stored.expires_at, change.expires_at);
  if (!stays_current) stored.next_warning_at.reset();
}

}  // namespace rekey
