// AWS Signature Version 4 (HMAC-SHA256), the pieces both sides need: the verifier of the
// embedded queue and (later) the signer of the sqs destination. Hand-written because no Debian
// library offers it. Pure functions; thread-safe.
//
// Reference: the canonical request is method, canonical URI, canonical query string, each
// signed header "name:trimmed-value\n", a blank line, the signed-header list and the payload's
// hex SHA-256; the string to sign is "AWS4-HMAC-SHA256", x-amz-date, the credential scope and
// the hex SHA-256 of the canonical request; the key is the HMAC chain
// "AWS4"+secret → date → region → service → "aws4_request".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/bytes.hpp"

namespace rekey::sigv4 {

struct authorization {
  std::string access_key_id;
  std::string date;  // yyyymmdd of the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex
};

// Parses "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
// SignedHeaders=a;b, Signature=hex". nullopt when malformed.
std::optional<authorization> parse_authorization(std::string_view header);

// headers: (lowercase name, raw value) for exactly the signed headers, in signed order.
std::string canonical_request(std::string_view method, std::string_view canonical_uri, std::string_view canonical_query,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string_view payload_sha256_hex);

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

digest256 signing_key(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service);

// Lowercase hex signature of string_to_sign under the key.
std::string signature(const digest256& key, std::string_view string_to_sign);

// "date/region/service/aws4_request"
std::string scope(std::string_view date, std::string_view region, std::string_view service);

}  // namespace rekey::sigv4
