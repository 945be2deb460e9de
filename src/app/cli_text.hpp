// cli_text: the text layout helpers that cli_output's renderings are built from — readers of an
// answer's JSON that take absent or mistyped fields as empty (so a partial answer still renders),
// user text made safe for a terminal, aligned tables and labelled blocks, amounts of time and page
// footers, and `view`, the `now` and default usage plan a rendering is reckoned against. It also
// defines cli_output.hpp's public building blocks (parse_wire_time, utc_time, relative_time). Not a
// rendering of any one answer: those are in cli_output.cpp and cli_output_platform.cpp. Internal to
// the CLI's output; pure functions and values. Thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"

namespace rekey::cli_text {

namespace json = boost::json;

// ---- Reading answers: absent or mistyped fields read as empty, so a partial answer still renders.

const json::object* object_at(const json::object& o, std::string_view key);
const json::array* array_at(const json::object& o, std::string_view key);
// Strings as they are, numbers and booleans written out; empty for null, objects and arrays.
std::string scalar_text(const json::value& v);
std::string text_at(const json::object& o, std::string_view key);
bool flag_at(const json::object& o, std::string_view key);
std::int64_t number_at(const json::object& o, std::string_view key);
std::optional<time_point> time_at(const json::object& o, std::string_view key);

// ---- Text.

// User text (names, details, errors, message bodies) as plain text: the control characters a
// terminal would obey become '?'; line breaks and tabs become spaces unless `keep_lines`.
std::string clean(std::string_view s, bool keep_lines = false);

// Columns on a terminal, counting a code point as one (answers are valid UTF-8: Boost.JSON checks).
std::size_t display_width(std::string_view s);

std::string padded(std::string_view s, std::size_t width);

std::string plural(std::int64_t n, std::string_view one, std::string_view many);

// Rows under a header row, columns two spaces apart, the last column unpadded.
class table {
 public:
  explicit table(std::vector<std::string> headers) { rows_.push_back(std::move(headers)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::size_t size() const { return rows_.size() - 1; }

  std::string render(std::size_t indent = 0) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Labelled lines, the values aligned.
class block {
 public:
  block& add(std::string label, std::string value) {
    lines_.emplace_back(std::move(label), std::move(value));
    return *this;
  }

  std::string render(std::size_t indent = 2) const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

// "4 days", "1 hour": `ms` (not negative) to the nearest whole unit.
std::string amount(std::int64_t ms);

// What a page of `total` items shows, when it is not all of them.
std::string page_footer(const json::object& answer, std::size_t shown, std::string_view one, std::string_view many);

// ---- What a rendering is reckoned against.

struct view {
  time_point now;
  const rate_limit_config& default_plan;

  // "2024-01-10 22:09:17 UTC (3 days ago)"; `none` when there is no time.
  std::string when(const std::optional<time_point>& t, std::string_view none = "-") const;
};

}  // namespace rekey::cli_text
