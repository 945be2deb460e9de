#include "api/admin_body.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace rekey::api {

admin_body::admin_body(const boost::json::object& body, std::initializer_list<std::string_view> allowed) : body_(body) {
  for (const auto& [key, value] : body_) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      // The name is the client's own text: quote it only when it is short and printable.
      const bool printable = key.size() <= 64 &&
                             std::all_of(key.begin(), key.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
      fail(printable ? fmt::format("{} is not a field of this request.", std::string_view(key))
                     : std::string("The body has a field this request does not take."));
      return;
    }
  }
}

void admin_body::fail(std::string why) {
  if (problem_.empty()) problem_ = std::move(why);
}

const boost::json::value* admin_body::field(std::string_view name) {
  const auto* v = body_.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::optional<std::string> admin_body::text(std::string_view name, std::size_t max_length, bool required) {
  const auto* v = field(name);
  if (v == nullptr) {
    if (required) fail(fmt::format("{} is required.", name));
    return std::nullopt;
  }
  const auto* s = v->if_string();
  const bool clean = s != nullptr && !s->empty() && s->size() <= max_length &&
                     std::none_of(s->begin(), s->end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  if (!clean) {
    fail(fmt::format("{} must be a string of 1 to {} characters.", name, max_length));
    return std::nullopt;
  }
  return std::string(*s);
}

std::optional<std::vector<std::string>> admin_body::strings(std::string_view name, std::size_t max_items,
                                                            std::size_t max_length) {
  const auto* v = field(name);
  if (v == nullptr) return std::nullopt;
  const auto* list = v->if_array();
  const auto clean = [max_length](const boost::json::value& item) {
    const auto* s = item.if_string();
    return s != nullptr && !s->empty() && s->size() <= max_length &&
           std::none_of(s->begin(), s->end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  };
  if (list == nullptr || list->size() > max_items || !std::all_of(list->begin(), list->end(), clean)) {
    fail(fmt::format("{} must be a list of at most {} strings of 1 to {} characters.", name, max_items, max_length));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : *list) out.emplace_back(item.as_string());
  return out;
}

bool admin_body::present(std::string_view name, bool required) {
  const bool here = body_.contains(name);
  if (!here && required) fail(fmt::format("{} is required.", name));
  return here;
}

std::optional<double> admin_body::positive_number(std::string_view name, double max) {
  const auto* v = field(name);
  if (v == nullptr) return std::nullopt;
  const double n = v->is_number() ? v->to_number<double>() : std::nan("");
  if (!v->is_number() || !std::isfinite(n) || n <= 0 || n > max) {
    fail(fmt::format("{} must be a number greater than 0 and at most {}.", name, max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::int64_t> admin_body::integer(std::string_view name, std::int64_t min, std::int64_t max) {
  const auto* v = field(name);
  if (v == nullptr) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  }
  if (!n || *n < min || *n > max) {
    fail(fmt::format("{} must be an integer from {} to {}.", name, min, max));
    return std::nullopt;
  }
  return n;
}

}  // namespace rekey::api
