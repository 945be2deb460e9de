#include "auth/scopes.hpp"

#include <algorithm>

namespace rekey {

result<scope_set> parse_scopes(std::string_view text, const std::vector<std::string>& granted) {
  scope_set out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const auto word = text.substr(pos, end - pos);
    if (word == rotation_scope) {
      out.bits |= scope_set::rotation;
    } else if (word == notifications_scope) {
      out.bits |= scope_set::notifications;
    } else if (std::find(granted.begin(), granted.end(), word) != granted.end()) {
      out.custom.emplace_back(word);
    } else {
      return errc::invalid_scope;
    }
    pos = end;
  }
  if (out.empty()) return errc::invalid_scope;
  std::sort(out.custom.begin(), out.custom.end());
  out.custom.erase(std::unique(out.custom.begin(), out.custom.end()), out.custom.end());
  return out;
}

bool is_custom_scope(std::string_view scope) {
  constexpr std::size_t longest = 128;
  if (scope.empty() || scope.size() > longest || scope.starts_with("sellingpartnerapi::")) return false;
  return std::all_of(scope.begin(), scope.end(),
                     [](char c) { return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\'; });
}

std::string to_string(const scope_set& scopes) {
  std::string out;
  const auto add = [&out](std::string_view scope) {
    if (!out.empty()) out += ' ';
    out += scope;
  };
  if (scopes.has(scope_set::rotation)) add(rotation_scope);
  if (scopes.has(scope_set::notifications)) add(notifications_scope);
  for (const auto& scope : scopes.custom) add(scope);
  return out;
}

}  // namespace rekey
