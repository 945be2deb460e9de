// admin_body: reads the fields of an admin API request body and says what is wrong with them,
// in words an operator can act on — the one place that checks types, ranges and lengths, so that
// bad input is refused (400 InvalidInput) before anything is written. A field that is not one of
// the route's is refused too: a misspelt field would otherwise be silently ignored. The first
// problem found is kept; reading goes on harmlessly after it. Not thread-safe (one per request).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rekey::api {

class admin_body {
 public:
  // `allowed`: every field the route reads; any other is a problem.
  admin_body(const boost::json::object& body, std::initializer_list<std::string_view> allowed);

  // A string of 1 to max_length characters (no control characters), when present; a problem
  // when it is required and absent, or not a string, empty or too long.
  std::optional<std::string> text(std::string_view name, std::size_t max_length, bool required);
  // A finite number greater than 0 and at most `max`, when present.
  std::optional<double> positive_number(std::string_view name, double max);
  // An integer (a JSON integer: 1.5 and "5" are not) from min to max, when present.
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max);

  // An array of at most max_items strings of 1 to max_length characters each, when present.
  std::optional<std::vector<std::string>> strings(std::string_view name, std::size_t max_items, std::size_t max_length);
  // Whether the body has the field at all (null included); a problem when `required` and not.
  bool present(std::string_view name, bool required);

  // Records a problem found by the caller's own checks (the first problem is kept).
  void refuse(std::string why) { fail(std::move(why)); }

  bool ok() const { return problem_.empty(); }
  // The first problem found, e.g. "rotateBurst must be an integer from 1 to 1000000."
  const std::string& problem() const { return problem_; }

 private:
  void fail(std::string why);
  const boost::json::value* field(std::string_view name);

  const boost::json::object& body_;
  std::string problem_;
};

}  // namespace rekey::api
