// string_hash: a transparent hash so unordered containers keyed by std::string can be searched
// with a std::string_view without building a temporary string (hot request paths).
// Use with std::equal_to<>. Stateless; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace rekey {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace rekey
