// sqs_authenticator: checks an SQS request's SigV4 signature (wire-notes.md), in the header form
// (Authorization, x-amz-date) or the presigned query-string form (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature): the
// canonical request rebuilt from the headers the client signed, the payload's SHA-256, the
// credential scope's date equal to the request date's, service "sqs", and a constant-time
// comparison. A header signature is good within ±15 minutes of its date; a presigned one from 15
// minutes before its date to X-Amz-Expires (at most 7 days) after it. Pure; thread-safe.
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

// A presigned request's signature, read from its query string; nullopt when the query carries
// no X-Amz-Algorithm (not presigned). A presigned query that is malformed gives an authorization
// that cannot verify.
struct presigned_signature {
  sigv4::authorization authorization;
  std::string amz_date;
  std::int64_t expires_seconds = 0;
  std::string unsigned_query;  // the query without X-Amz-Signature: what was signed
};
std::optional<presigned_signature> parse_presigned(std::string_view query);

// errc::sqs_signature_does_not_match for any mismatch or a request outside its time.
[[nodiscard]] result<void> verify_presigned_sigv4(const signed_request& request, const presigned_signature& signature,
                                                  std::string_view secret, time_point now);

// "20261126T132113Z" → time; nullopt when malformed.
std::optional<time_point> parse_amz_date(std::string_view text);

}  // namespace rekey
