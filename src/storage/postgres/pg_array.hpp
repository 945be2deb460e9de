// pg_array: a one-dimensional array parameter in PostgreSQL's binary format, as its array_recv
// reads it, so a multi-row write's columns (pg_rotation_writes) reach the server without being
// printed as text literals here and parsed back by array_in there (6.5 % of the machine's samples
// in a PostgreSQL rotation run, docs/benchmarks.md). Hand-written: libpq has no array encoder.
//
// The layout (PostgreSQL's src/backend/utils/adt/arrayfuncs.c, all integers big-endian): the
// number of dimensions (1), a has-NULLs flag, the element type's OID, the length and the lower
// bound (1) of the one dimension, then each element as its length (-1: NULL) and its binary form;
// an empty array has no dimension.
// The SQL casts the parameter to the same array type ($1::bigint[]); the server refuses an array
// whose element type differs.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rekey {

class pg_array {
 public:
  enum class element : std::uint32_t {  // the element type's OID (pg_type.dat)
    bytea = 17,
    int8 = 20,
    int4 = 23,
    text = 25,
    float8 = 701,
  };
  explicit pg_array(element type);

  // Each call must fit the element type: text for text, bytes for bytea, and so on
  // (std::logic_error otherwise, before anything reaches the server).
  pg_array& add(std::string_view text);
  pg_array& add(std::span<const std::uint8_t> bytes);
  template <std::integral T>
  requires(!std::same_as<T, bool>) pg_array& add(T number) {  // int8 or int4 (which must fit)
    return add_integer(static_cast<std::int64_t>(number));
  }
  pg_array& add(double number);
  pg_array& add_null();
  template <class T>
  pg_array& add(const std::optional<T>& value) {
    return value ? add(*value) : add_null();
  }

  std::size_t size() const { return count_; }
  // The parameter's bytes (binary format).
  std::string bytes() const;

 private:
  pg_array& add_integer(std::int64_t number);
  void element_length(std::size_t length);
  void expect(element type, const char* what) const;

  element type_;
  std::size_t count_ = 0;
  bool has_null_ = false;
  std::string elements_;
};

}  // namespace rekey
