#include "auth/scopes.hpp"

namespace rekey {

result<scope_set> parse_scopes(std::string_view text) {
  scope_set out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const auto word = text.substr(pos, end - pos);
    if (word == rotation_scope)
      out.bits |= scope_set::rotation;
    else if (word == notifications_scope)
      out.bits |= scope_set::notifications;
    else
      return errc::invalid_scope;
    pos = end;
  }
  if (out.empty()) return errc::invalid_scope;
  return out;
}

std::string to_string(scope_set scopes) {
  std::string out;
  if (scopes.has(scope_set::rotation)) out += rotation_scope;
  if (scopes.has(scope_set::notifications)) {
    if (!out.empty()) out += ' ';
    out += notifications_scope;
  }
  return out;
}

}  // namespace rekey
