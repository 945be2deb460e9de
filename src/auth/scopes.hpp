// The LWA scopes rekey knows (SPEC §3) as a bit set. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/errc.hpp"

namespace rekey {

inline constexpr std::string_view rotation_scope = "sellingpartnerapi::client_credential:rotation";
inline constexpr std::string_view notifications_scope = "sellingpartnerapi::notifications";

struct scope_set {
  static constexpr std::uint32_t rotation = 1;
  static constexpr std::uint32_t notifications = 2;
  std::uint32_t bits = 0;

  bool has(std::uint32_t scope) const { return (bits & scope) != 0; }
  bool empty() const { return bits == 0; }
};

// Parses a space-separated scope list (runs of spaces allowed). An empty list or an unknown
// scope → errc::invalid_scope.
[[nodiscard]] result<scope_set> parse_scopes(std::string_view text);

// The canonical space-separated form, in a fixed order.
std::string to_string(scope_set scopes);

}  // namespace rekey
