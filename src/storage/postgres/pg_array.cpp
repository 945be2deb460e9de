#include "storage/postgres/pg_array.hpp"

#include <bit>
#include <limits>
#include <stdexcept>

namespace rekey {
namespace {

void append_u32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, sizeof b);
}

void append_u64(std::string& out, std::uint64_t v) {
  append_u32(out, static_cast<std::uint32_t>(v >> 32));
  append_u32(out, static_cast<std::uint32_t>(v));
}

}  // namespace

pg_array::pg_array(element type) : type_(type) {}

void pg_array::expect(element type, const char* what) const {
  if (type_ != type) throw std::logic_error(std::string("pg_array: ") + what + " added to an array of another type");
}

void pg_array::element_length(std::size_t length) {
  if (length > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::logic_error("pg_array: an element longer than PostgreSQL's length field");
  append_u32(elements_, static_cast<std::uint32_t>(length));
  ++count_;
}

pg_array& pg_array::add(std::string_view text) {
  expect(element::text, "text");
  element_length(text.size());
  elements_.append(text);
  return *this;
}

pg_array& pg_array::add(std::span<const std::uint8_t> bytes) {
  expect(element::bytea, "bytes");
  element_length(bytes.size());
  elements_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return *this;
}

pg_array& pg_array::add_integer(std::int64_t number) {
  if (type_ == element::int4) {
    if (number < std::numeric_limits<std::int32_t>::min() || number > std::numeric_limits<std::int32_t>::max())
      throw std::logic_error("pg_array: a number out of an int4 array's range");
    element_length(4);
    append_u32(elements_, static_cast<std::uint32_t>(static_cast<std::int32_t>(number)));
    return *this;
  }
  expect(element::int8, "an integer");
  element_length(8);
  append_u64(elements_, static_cast<std::uint64_t>(number));
  return *this;
}

pg_array& pg_array::add(double number) {
  expect(element::float8, "a double");
  element_length(8);
  append_u64(elements_, std::bit_cast<std::uint64_t>(number));  // IEEE 754, as float8send
  return *this;
}

pg_array& pg_array::add_null() {
  append_u32(elements_, 0xffffffffu);  // length -1
  ++count_;
  has_null_ = true;
  return *this;
}

std::string pg_array::bytes() const {
  std::string out;
  out.reserve(20 + elements_.size());
  append_u32(out, count_ == 0 ? 0 : 1);  // dimensions: none for an empty array, as array_send writes it
  append_u32(out, has_null_ ? 1 : 0);
  append_u32(out, static_cast<std::uint32_t>(type_));
  if (count_ == 0) return out;
  append_u32(out, static_cast<std::uint32_t>(count_));  // the dimension's length
  append_u32(out, 1);                                   // its lower bound
  out += elements_;
  return out;
}

}  // namespace rekey
