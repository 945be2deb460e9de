#include "core/identifiers.hpp"

#include <array>

namespace rekey {

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

namespace {

std::string format_uuid(const std::array<std::uint8_t, 16>& b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t pos = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // leave the dash
    out[pos++] = digits[b[i] >> 4];
    out[pos++] = digits[b[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::string new_uuid(random_source& random) {
  auto b = random.bytes<16>();
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
  return format_uuid(b);
}

std::string new_time_ordered_uuid(random_source& random, time_point now) {
  auto b = random.bytes<16>();
  const auto ms = static_cast<std::uint64_t>(to_epoch_ms(now));
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));  // 48-bit big-endian ms
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x70);                            // version 7
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);                            // RFC 9562 variant
  return format_uuid(b);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string new_application_id(random_source& random) { return std::string(application_id_prefix) + new_uuid(random); }

std::string new_client_id(random_source& random) { return std::string(client_id_prefix) + to_hex(random.bytes<16>()); }

std::string new_client_secret(random_source& random) {
  return std::string(client_secret_prefix) + to_hex(random.bytes<32>());
}

}  // namespace rekey
