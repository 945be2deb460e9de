// split: a string cut at every separator, as views into it ("a..b" → "a", "", "b"). Pure;
// thread-safe. The views live as long as the text. split_into cuts the same way into room the
// caller has (no allocation: an access token is cut on every authenticated request).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace rekey {

inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// The pieces split gives, into `parts`: how many, or nullopt when there are more than it holds.
inline std::optional<std::size_t> split_into(std::string_view text, char separator, std::span<std::string_view> parts) {
  std::size_t count = 0;
  std::size_t start = 0;
  for (;;) {
    if (count == parts.size()) return std::nullopt;
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts[count++] = text.substr(start);
      return count;
    }
    parts[count++] = text.substr(start, end - start);
    start = end + 1;
  }
}

}  // namespace rekey
