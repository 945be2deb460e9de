#include "auth/token_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

#include "auth/json_keys.hpp"
#include "crypto/base64.hpp"

namespace rekey {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Form decoding that tolerates what unencoding clients send: '+' is a space, a valid %XX is
// its byte, anything else (raw ':', '|', a stray '%') stays as it is.
std::string form_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string>* field_for(token_request& r, std::string_view name) {
  if (name == "grant_type") return &r.grant_type;
  if (name == "client_id") return &r.client_id;
  if (name == "client_secret") return &r.client_secret;
  if (name == "scope") return &r.scope;
  if (name == "refresh_token") return &r.refresh_token;
  return nullptr;  // unknown fields are ignored, as OAuth servers do
}

result<void> parse_form(std::string_view body, token_request& r) {
  std::size_t pos = 0;
  while (pos <= body.size()) {
    const std::size_t end = std::min(body.find('&', pos), body.size());
    const auto pair = body.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto name = form_decode(pair.substr(0, eq));
    auto* field = field_for(r, name);
    if (field == nullptr) continue;
    if (field->has_value()) return errc::invalid_request;
    *field = eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1));
  }
  return {};
}

result<void> parse_json(std::string_view body, token_request& r) {
  if (has_duplicate_keys(body)) return errc::invalid_request;  // as a form field given twice
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return errc::invalid_request;
  for (const auto& [key, v] : value.as_object()) {
    auto* field = field_for(r, key);
    if (field == nullptr || v.is_null()) continue;
    if (!v.is_string()) return errc::invalid_request;
    *field = std::string(v.as_string());
  }
  return {};
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) {
           return p == std::tolower(static_cast<unsigned char>(t));
         });
}

bool mentions_json(std::string_view content_type) {
  std::string lower(content_type);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("json") != std::string::npos;
}

// RFC 6749 §2.3.1: Basic credentials are form-encoded id and secret joined by ':'.
result<void> apply_basic(std::string_view authorization, token_request& r) {
  if (authorization.empty()) return {};
  if (!iequals_prefix(authorization, "basic ")) return {};  // other schemes: not client auth
  auto encoded = authorization.substr(6);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  const auto decoded = base64_decode(encoded);
  if (!decoded) return errc::invalid_request;
  const std::string_view text(reinterpret_cast<const char*>(decoded->data()), decoded->size());
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return errc::invalid_request;
  const auto id = form_decode(text.substr(0, colon));
  const auto secret = form_decode(text.substr(colon + 1));
  if ((r.client_id && *r.client_id != id) || (r.client_secret && *r.client_secret != secret)) {
    return errc::invalid_request;
  }
  r.client_id = id;
  r.client_secret = secret;
  return {};
}

}  // namespace

result<token_request> parse_token_request(std::string_view content_type, std::string_view body,
                                          std::string_view authorization) {
  token_request r;
  auto parsed = mentions_json(content_type) ? parse_json(body, r) : parse_form(body, r);
  if (!parsed) return parsed.error();
  if (auto basic = apply_basic(authorization, r); !basic) return basic.error();
  return r;
}

}  // namespace rekey
