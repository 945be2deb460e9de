// The LWA scopes rekey knows (SPEC §3) as a bit set. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/errc.hpp"

namespace rekey {

inline constexpr std::string_view rotation_scope = "sellingpartnerapi::client_credential:rotation";
inline constexpr std::string_view notifications_scope = "sellingpartnerapi::notifications";

// The SP-API scopes as bits; an application's own (custom) scopes by name.
struct scope_set {
  static constexpr std::uint32_t rotation = 1;
  static constexpr std::uint32_t notifications = 2;
  std::uint32_t bits = 0;
  std::vector<std::string> custom;  // sorted, no duplicates

  bool has(std::uint32_t scope) const { return (bits & scope) != 0; }
  bool empty() const { return bits == 0 && custom.empty(); }
  bool operator==(const scope_set&) const = default;
};

// Parses a space-separated scope list (runs of spaces allowed): the SP-API scopes, and those of
// `granted` (an application's custom scopes). An empty list, or any other word →
// errc::invalid_scope.
[[nodiscard]] result<scope_set> parse_scopes(std::string_view text, const std::vector<std::string>& granted = {});

// A scope an application may be granted: 1–128 characters of RFC 6749's scope-token (printable
// ASCII but space, '"' and '\\'), not beginning with "sellingpartnerapi::" (the SP-API's own).
bool is_custom_scope(std::string_view scope);

// The canonical space-separated form: the SP-API scopes in a fixed order, then the custom ones.
std::string to_string(const scope_set& scopes);

}  // namespace rekey
