// token_request: the fields of an LWA token request, read from whatever real clients send
// (SPEC §3, wire-notes.md): form bodies that may not be percent-encoded (raw ':' and '|'),
// JSON bodies with null for unused keys, and HTTP Basic client authentication. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/errc.hpp"

namespace rekey {

struct token_request {
  std::optional<std::string> grant_type;
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;
  std::optional<std::string> scope;
  std::optional<std::string> refresh_token;
};

// A body whose Content-Type mentions "json" is read as a JSON object (string or null values);
// any other body as application/x-www-form-urlencoded. `authorization` is the Authorization
// header, possibly empty. errc::invalid_request when the body cannot be read, a field repeats,
// or Basic credentials contradict the body's.
[[nodiscard]] result<token_request> parse_token_request(std::string_view content_type, std::string_view body,
                                                        std::string_view authorization);

// An introspection request (RFC 7662 §2.1): a form body with `token` (and an optional
// `token_type_hint`, ignored: rekey knows its tokens by their form), the resource server's
// credentials in HTTP Basic or as `client_id` and `client_secret` fields.
struct introspection_fields {
  std::optional<std::string> token;
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;
  bool malformed = false;  // a field given twice, Basic credentials that cannot be read or contradict the form's
};

// Never fails: what could not be read is `malformed`, for the caller to answer once it knows
// whether the resource server authenticated (an unauthenticated caller learns nothing more).
introspection_fields parse_introspection_request(std::string_view body, std::string_view authorization);

}  // namespace rekey
