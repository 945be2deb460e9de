// split: a string cut at every separator, as views into it ("a..b" → "a", "", "b"). Pure;
// thread-safe. The views live as long as the text.
#pragma once

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

}  // namespace rekey
