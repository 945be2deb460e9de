// Fuzzes parse_token_request (src/auth/token_request.hpp): form bodies (raw ':' and '|'),
// JSON bodies (null for unused keys) and HTTP Basic client authentication, as the token
// endpoint hands them over: the Content-Type header, the body and the Authorization header.
//
// Input: byte 0 (mod 4) chooses the Content-Type: 0 form-urlencoded (the SP-API SDK's),
// 1 application/json, 2 none, 3 "application/vnd.api+json; charset=UTF-8". Byte 1 (mod 3)
// chooses the Authorization header: 0 none; 1 "Basic " + base64 of the first line of the rest
// (so mutations reach the decoded "id:secret"); 2 the first line of the rest, verbatim. The
// rest (after that line) is the body. ASCII digits work: '0'..'3' are 0..3 for both.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/token_request.hpp"

namespace {

constexpr std::string_view content_types[] = {
    "application/x-www-form-urlencoded;charset=UTF-8",
    "application/json",
    "",
    "application/vnd.api+json; charset=UTF-8",
};

std::string base64(std::string_view in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], alphabet[n & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned n = std::uint8_t(in[i]) << 16;
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned n = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8);
    out += {alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto content_type = content_types[data[0] % 4];
  const unsigned auth_mode = data[1] % 3;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string authorization;
  if (auth_mode != 0) {
    const auto newline = rest.find('\n');
    const auto line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    authorization = auth_mode == 1 ? "Basic " + base64(line) : std::string(line);
  }
  const auto parsed = rekey::parse_token_request(content_type, rest, authorization);
  if (parsed && auth_mode == 1 && (!parsed->client_id || !parsed->client_secret)) {
    std::abort();  // accepted Basic credentials always set both
  }
  return 0;
}
