// sqs_authenticator: checks an SQS request's SigV4 signature (wire-notes.md): the canonical
// request rebuilt from the headers the client signed, the payload's SHA-256, the credential
// scope's date equal to x-amz-date's, x-amz-date within ±15 minutes of now, service "sqs", and a
// constant-time comparison. Pure; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "crypto/sigv4.hpp"

namespace rekey {

struct signed_request {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  std::string_view body;
  // The value of a header (several occurrences joined by ","), nullopt when absent.
  std::function<std::optional<std::string>(std::string_view)> header;
};

inline constexpr millis max_clock_skew{15 * 60'000};

// errc::sqs_signature_does_not_match for any mismatch, a date outside the window, or a signature
// whose SignedHeaders leave out host (AWS requires it).
[[nodiscard]] result<void> verify_sigv4(const signed_request& request, const sigv4::authorization& authorization,
                                        std::string_view secret, time_point now);

// "20261126T132113Z" → time; nullopt when malformed.
std::optional<time_point> parse_amz_date(std::string_view text);

}  // namespace rekey
