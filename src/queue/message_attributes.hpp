// message_attributes: SQS's message (user) attributes and message system attributes — what
// SendMessage may carry beside a body —, checked as SQS checks them, their MD5 digest as SQS
// computes it (MD5OfMessageAttributes, MD5OfMessageSystemAttributes; clients verify it), and
// the byte form rekey seals beside the body. The same for every protocol (src/api/). Pure;
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errc.hpp"

namespace rekey {

struct message_attribute {
  std::string data_type;  // "String", "Number" or "Binary", optionally followed by ".<custom>"
  std::string value;      // the StringValue, or the BinaryValue's bytes
  bool operator==(const message_attribute&) const = default;
  bool binary() const { return data_type.starts_with("Binary"); }
};
// By name; a std::map, because the digest takes them in name order.
using message_attributes = std::map<std::string, message_attribute>;

namespace message_attribute_limits {
inline constexpr std::size_t max_count = 10;
inline constexpr std::size_t max_name = 256;
inline constexpr std::size_t max_type = 256;
}  // namespace message_attribute_limits

// Message (user) attributes as SQS takes them: at most 10; names of 1–256 of A–Z a–z 0–9 _ - .,
// not starting or ending with '.', without "..", not starting with "AWS." or "Amazon." (any
// case); a type of String, Number or Binary with an optional ".<custom>" suffix, 256 characters
// at most; a non-empty value; a Number's value a decimal number; a String's value only the
// characters a body may hold. errc::sqs_invalid_message_attribute otherwise.
[[nodiscard]] result<void> check_message_attributes(const message_attributes& attributes);
// Message system attributes: AWSTraceHeader only, a non-empty String.
// errc::sqs_invalid_message_attribute otherwise.
[[nodiscard]] result<void> check_system_attributes(const message_attributes& attributes);

// SQS's digest: for each attribute in name order, the name, the type and the value, each a
// 4-byte big-endian length and its bytes, the value preceded by one byte (1 string, 2 binary);
// lowercase hex MD5 of it all. Empty for no attributes (SQS then answers no digest).
std::string md5_of_attributes(const message_attributes& attributes);

// What the attributes count towards a message's size (MaximumMessageSize): the bytes of their
// names, types and values.
std::size_t size_of(const message_attributes& attributes);

// The plaintext rekey seals beside a body: user then system attributes in the digest's own
// length-prefixed form. read_attributes gives back what write_attributes wrote (nullopt when
// the bytes are not that form).
struct message_attribute_sets {
  message_attributes user;
  message_attributes system;
};
std::string write_attributes(const message_attribute_sets& sets);
std::optional<message_attribute_sets> read_attributes(std::string_view plaintext);

// The attributes `names` asks for (MessageAttributeNames): all for "All" or ".*", those named,
// and those starting with a "prefix." given as "prefix.*".
message_attributes select_attributes(const message_attributes& attributes, const std::vector<std::string>& names);

}  // namespace rekey
