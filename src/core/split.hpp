// split: a string cut at every separator, as views into it ("a..b" → "a", "", "b"). Pure;
// thread-safe. The views live as long as the text. split_into cuts the same way into room the
// caller has (no allocation: an access token is cut on every authenticated request). Both walk
// the text with for_each_piece, so they cannot cut differently.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace rekey {

// Hands each piece, in order, to `take`, which returns false to stop the walk. True when every
// piece was taken.
template <class Take>
bool for_each_piece(std::string_view text, char separator, Take take) {
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) return take(text.substr(start));
    if (!take(text.substr(start, end - start))) return false;
    start = end + 1;
  }
}

inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for_each_piece(text, separator, [&parts](std::string_view piece) {
    parts.push_back(piece);
    return true;
  });
  return parts;
}

// The pieces split gives, into `parts`: how many, or nullopt when there are more than it holds.
inline std::optional<std::size_t> split_into(std::string_view text, char separator, std::span<std::string_view> parts) {
  std::size_t count = 0;
  const bool all_fit = for_each_piece(text, separator, [&parts, &count](std::string_view piece) {
    if (count == parts.size()) return false;
    parts[count++] = piece;
    return true;
  });
  if (!all_fit) return std::nullopt;
  return count;
}

}  // namespace rekey
