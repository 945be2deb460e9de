#include "app/cli_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "app/cli_output.hpp"

namespace rekey {
namespace cli_text {

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

std::string scalar_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::int64:
      return fmt::format("{}", v.get_int64());
    case json::kind::uint64:
      return fmt::format("{}", v.get_uint64());
    case json::kind::double_:
      return fmt::format("{}", v.get_double());
    case json::kind::bool_:
      return v.get_bool() ? "yes" : "no";
    default:
      return {};
  }
}

std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? scalar_text(*v) : std::string();
}

bool flag_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::int64_t number_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

std::optional<time_point> time_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return parse_wire_time(v->get_string());
}

std::string clean(std::string_view s, bool keep_lines) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == '\n' && keep_lines) {
      out += '\n';
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // C1 controls, U+0080..U+009F
      out += '?';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string padded(std::string_view s, std::size_t width) {
  const auto w = display_width(s);
  return fmt::format("{}{:{}}", s, "", width > w ? width - w : 0);
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string table::render(std::size_t indent) const {
  std::vector<std::size_t> widths(rows_.front().size(), 0);
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line(indent, ' ');
    for (std::size_t i = 0; i < row.size(); ++i) line += i + 1 < row.size() ? padded(row[i], widths[i]) + "  " : row[i];
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  return out;
}

std::string block::render(std::size_t indent) const {
  std::size_t width = 0;
  for (const auto& [label, value] : lines_) width = std::max(width, display_width(label));
  std::string out;
  for (const auto& [label, value] : lines_)
    out += fmt::format("{:{}}{}  {}\n", "", indent, padded(label, width), value);
  return out;
}

std::string amount(std::int64_t ms) {
  const auto unit = [ms](std::int64_t size, std::string_view name) {
    const auto n = (ms + size / 2) / size;
    return fmt::format("{} {}{}", n, name, n == 1 ? "" : "s");
  };
  if (ms < 90'000) return unit(1'000, "second");
  if (ms < 90LL * 60'000) return unit(60'000, "minute");
  if (ms < 36LL * 3'600'000) return unit(3'600'000, "hour");
  return unit(86'400'000, "day");
}

std::string page_footer(const json::object& answer, std::size_t shown, std::string_view one, std::string_view many) {
  const auto total = number_at(answer, "total");
  const auto offset = number_at(answer, "offset");
  if (shown == 0 && offset == 0) return fmt::format("no {}\n", many);
  if (offset == 0 && static_cast<std::int64_t>(shown) >= total) return plural(total, one, many) + "\n";
  const auto last = offset + static_cast<std::int64_t>(shown);
  std::string out = fmt::format("{} {} to {} of {}", many, offset + 1, last, total);
  if (last < total) out += fmt::format(" (--offset {} for more)", last);
  return out + "\n";
}

std::string view::when(const std::optional<time_point>& t, std::string_view none) const {
  if (!t) return std::string(none);
  return fmt::format("{} ({})", utc_time(*t), relative_time(*t, now));
}

}  // namespace cli_text

namespace {

// Digits at s[pos, pos + n) as a number; nullopt unless all are digits.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    out = out * 10 + (s[i] - '0');
  }
  return out;
}

}  // namespace

// The building blocks cli_output.hpp exposes for their tests.

std::optional<time_point> parse_wire_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s.back() != 'Z')
    return std::nullopt;
  const auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const auto h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !sec || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  int ms = 0;
  if (s.size() > 20) {
    const auto fraction = s.substr(20, s.size() - 21);
    if (s[19] != '.' || fraction.empty() || fraction.size() > 9 || !digits(fraction, 0, fraction.size()))
      return std::nullopt;
    for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  return time_point{std::chrono::sys_days{date}} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
         std::chrono::seconds{*sec} + millis{ms};
}

std::string utc_time(time_point t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{std::chrono::floor<std::chrono::seconds>(t - day)};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count());
}

std::string relative_time(time_point t, time_point now) {
  const auto ms = (t - now).count();
  const auto distance = ms < 0 ? -ms : ms;
  if (distance < 1'000) return "just now";
  return ms > 0 ? "in " + cli_text::amount(distance) : cli_text::amount(distance) + " ago";
}

}  // namespace rekey
