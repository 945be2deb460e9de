#include "auth/token_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

#include "auth/json_keys.hpp"
#include "core/form_decode.hpp"
#include "crypto/base64.hpp"

namespace rekey {
namespace {

std::optional<std::string>* field_for(token_request& r, std::string_view name) {
  if (name == "grant_type") return &r.grant_type;
  if (name == "client_id") return &r.client_id;
  if (name == "client_secret") return &r.client_secret;
  if (name == "scope") return &r.scope;
  if (name == "refresh_token") return &r.refresh_token;
  return nullptr;  // unknown fields are ignored, as OAuth servers do
}

result<void> parse_form(std::string_view body, token_request& r) {
  bool duplicate = false;
  for_each_form_field(body, [&](std::string name, std::string value) {
    auto* field = field_for(r, name);
    if (field == nullptr) return true;
    if (field->has_value()) {
      duplicate = true;  // a field given twice
      return false;
    }
    *field = std::move(value);
    return true;
  });
  if (duplicate) return errc::invalid_request;
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

// ASCII only, without the locale: media types and auth schemes are ASCII, and these run on every token request.
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) { return p == ascii_lower(t); });
}

bool mentions_json(std::string_view content_type) {
  constexpr std::string_view json = "json";
  return std::search(content_type.begin(), content_type.end(), json.begin(), json.end(),
                     [](char t, char p) { return ascii_lower(t) == p; }) != content_type.end();
}

// RFC 6749 §2.3.1: Basic credentials are form-encoded id and secret joined by ':'. Sets them
// when `authorization` is Basic; errc::invalid_request when it cannot be read or contradicts
// what the body gave.
result<void> apply_basic(std::string_view authorization, std::optional<std::string>& client_id,
                         std::optional<std::string>& client_secret) {
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
  if ((client_id && *client_id != id) || (client_secret && *client_secret != secret)) {
    return errc::invalid_request;
  }
  client_id = id;
  client_secret = secret;
  return {};
}

}  // namespace

result<token_request> parse_token_request(std::string_view content_type, std::string_view body,
                                          std::string_view authorization) {
  token_request r;
  auto parsed = mentions_json(content_type) ? parse_json(body, r) : parse_form(body, r);
  if (!parsed) return parsed.error();
  if (auto basic = apply_basic(authorization, r.client_id, r.client_secret); !basic) return basic.error();
  return r;
}

introspection_fields parse_introspection_request(std::string_view body, std::string_view authorization) {
  introspection_fields f;
  for_each_form_field(body, [&](std::string name, std::string value) {
    std::optional<std::string>* field = nullptr;
    if (name == "token") field = &f.token;
    if (name == "client_id") field = &f.client_id;
    if (name == "client_secret") field = &f.client_secret;
    if (field == nullptr) return true;  // token_type_hint and unknown fields
    if (field->has_value()) f.malformed = true;
    *field = std::move(value);
    return true;
  });
  if (!apply_basic(authorization, f.client_id, f.client_secret)) f.malformed = true;
  return f;
}

}  // namespace rekey
