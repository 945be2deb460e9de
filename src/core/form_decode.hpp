// form_decode: application/x-www-form-urlencoded decoding, for the token endpoint's forms and the
// SQS query protocol. Hand-written: Boost 1.81's Boost.URL parse_query reads its input to a NUL
// (strlen) and so past the end of a view into a request buffer (ASan heap-buffer-overflow,
// reproduced outside rekey). Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace rekey {

// Decoding that tolerates what unencoding clients send: '+' is a space, a valid %XX is its
// byte, anything else (raw ':', '|', a stray '%') stays as it is.
std::string form_decode(std::string_view in);

// Calls f(name, value) for each '&'-separated field of `form`, both decoded, in order; empty
// fields are skipped, a field without '=' has the empty value. f returns false to stop.
template <class F>
void for_each_form_field(std::string_view form, F&& f) {
  std::size_t pos = 0;
  while (pos <= form.size()) {
    const std::size_t end = std::min(form.find('&', pos), form.size());
    const auto pair = form.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (!f(form_decode(pair.substr(0, eq)),
           eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1)))) {
      return;
    }
  }
}

}  // namespace rekey
