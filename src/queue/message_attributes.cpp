#include "queue/message_attributes.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/hmac.hpp"
#include "queue/queue_service.hpp"

namespace rekey {
namespace {

constexpr char string_transport = 1;
constexpr char binary_transport = 2;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(b);
         });
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > message_attribute_limits::max_name) return false;
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) return false;
  if (starts_with_ignoring_case(name, "aws.") || starts_with_ignoring_case(name, "amazon.")) return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
}

// "String", "Number" or "Binary", then nothing or ".<custom>" (at least one character).
bool valid_type(std::string_view type) {
  if (type.size() > message_attribute_limits::max_type) return false;
  for (const std::string_view base : {"String", "Number", "Binary"}) {
    if (!type.starts_with(base)) continue;
    const auto rest = type.substr(base.size());
    return rest.empty() || (rest.size() > 1 && rest.front() == '.');
  }
  return false;
}

// [+-] digits [. digits] [e [+-] digits], at least one digit before the exponent.
bool decimal_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const auto start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

void append_length_prefixed(std::string& out, std::string_view part) {
  const auto n = static_cast<std::uint32_t>(part.size());
  out += static_cast<char>((n >> 24) & 0xFF);
  out += static_cast<char>((n >> 16) & 0xFF);
  out += static_cast<char>((n >> 8) & 0xFF);
  out += static_cast<char>(n & 0xFF);
  out += part;
}

void append_attributes(std::string& out, const message_attributes& attributes) {
  for (const auto& [name, a] : attributes) {
    append_length_prefixed(out, name);
    append_length_prefixed(out, a.data_type);
    out += a.binary() ? binary_transport : string_transport;
    append_length_prefixed(out, a.value);
  }
}

// Reads one length-prefixed part at `at`, advancing it; nullopt when the text ends first.
std::optional<std::string_view> read_length_prefixed(std::string_view text, std::size_t& at) {
  if (text.size() - at < 4) return std::nullopt;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(text[at + i]);
  at += 4;
  if (text.size() - at < n) return std::nullopt;
  const auto part = text.substr(at, n);
  at += n;
  return part;
}

}  // namespace

result<void> check_message_attributes(const message_attributes& attributes) {
  if (attributes.size() > message_attribute_limits::max_count) return errc::sqs_invalid_message_attribute;
  for (const auto& [name, a] : attributes) {
    if (!valid_name(name) || !valid_type(a.data_type) || a.value.empty()) return errc::sqs_invalid_message_attribute;
    if (a.data_type.starts_with("Number") && !decimal_number(a.value)) return errc::sqs_invalid_message_attribute;
    if (!a.binary() && !allowed_in_message(a.value)) return errc::sqs_invalid_message_attribute;
  }
  return {};
}

result<void> check_system_attributes(const message_attributes& attributes) {
  for (const auto& [name, a] : attributes) {
    if (name != "AWSTraceHeader" || a.data_type != "String" || a.value.empty() || !allowed_in_message(a.value)) {
      return errc::sqs_invalid_message_attribute;
    }
  }
  return {};
}

std::string md5_of_attributes(const message_attributes& attributes) {
  if (attributes.empty()) return {};
  std::string encoded;
  append_attributes(encoded, attributes);
  return md5_hex(encoded);
}

std::size_t size_of(const message_attributes& attributes) {
  std::size_t n = 0;
  for (const auto& [name, a] : attributes) n += name.size() + a.data_type.size() + a.value.size();
  return n;
}

std::string write_attributes(const message_attribute_sets& sets) {
  std::string out;
  append_length_prefixed(out, std::to_string(sets.user.size()));
  append_attributes(out, sets.user);
  append_attributes(out, sets.system);
  return out;
}

std::optional<message_attribute_sets> read_attributes(std::string_view plaintext) {
  std::size_t at = 0;
  const auto count = read_length_prefixed(plaintext, at);
  if (!count) return std::nullopt;
  std::size_t user_count = 0;
  for (const char c : *count) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    user_count = user_count * 10 + static_cast<std::size_t>(c - '0');
  }
  message_attribute_sets sets;
  while (at < plaintext.size()) {
    const auto name = read_length_prefixed(plaintext, at);
    const auto type = name ? read_length_prefixed(plaintext, at) : std::nullopt;
    if (!type || at >= plaintext.size()) return std::nullopt;
    ++at;  // the transport byte: the type says it again
    const auto value = read_length_prefixed(plaintext, at);
    if (!value) return std::nullopt;
    auto& into = sets.user.size() < user_count ? sets.user : sets.system;
    into.emplace(std::string(*name), message_attribute{std::string(*type), std::string(*value)});
  }
  return sets;
}

message_attributes select_attributes(const message_attributes& attributes, const std::vector<std::string>& names) {
  message_attributes out;
  for (const auto& entry : attributes) {
    const std::string& name = entry.first;  // not a structured binding: lambdas cannot capture those in clang 14
    const bool wanted = std::any_of(names.begin(), names.end(), [&name](const std::string& n) {
      if (n == "All" || n == ".*" || n == name) return true;
      return n.size() > 2 && n.ends_with(".*") && name.starts_with(std::string_view(n).substr(0, n.size() - 1));
    });
    if (wanted) out.insert(entry);
  }
  return out;
}

}  // namespace rekey
