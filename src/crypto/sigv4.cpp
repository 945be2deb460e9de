#include "crypto/sigv4.hpp"

#include "core/identifiers.hpp"
#include "core/split.hpp"
#include "crypto/hmac.hpp"

namespace rekey::sigv4 {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trimmed, with runs of spaces collapsed to one (SigV4 canonical header values).
std::string canonical_value(std::string_view raw) {
  std::string out;
  bool space = false;
  for (char c : trim(raw)) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<authorization> parse_authorization(std::string_view header) {
  constexpr std::string_view algorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(algorithm)) return std::nullopt;
  authorization a;
  bool credential = false, signed_headers = false, signature_seen = false;
  for (auto part : split(header.substr(algorithm.size()), ',')) {
    part = trim(part);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const auto name = part.substr(0, eq);
    const auto value = part.substr(eq + 1);
    if (name == "Credential") {
      const auto fields = split(value, '/');
      if (fields.size() != 5 || fields[4] != "aws4_request" || fields[0].empty()) return std::nullopt;
      a.access_key_id = fields[0];
      a.date = fields[1];
      a.region = fields[2];
      a.service = fields[3];
      credential = true;
    } else if (name == "SignedHeaders") {
      for (auto h : split(value, ';')) a.signed_headers.emplace_back(h);
      signed_headers = true;
    } else if (name == "Signature") {
      a.signature = value;
      signature_seen = true;
    }
  }
  if (!credential || !signed_headers || !signature_seen || a.signature.size() != 64) return std::nullopt;
  return a;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri, std::string_view canonical_query,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string_view payload_sha256_hex) {
  std::string out;
  out.append(method).append("\n").append(canonical_uri).append("\n").append(canonical_query).append("\n");
  std::string names;
  for (const auto& [name, value] : headers) {
    out.append(name).append(":").append(canonical_value(value)).append("\n");
    if (!names.empty()) names.push_back(';');
    names.append(name);
  }
  out.append("\n").append(names).append("\n").append(payload_sha256_hex);
  return out;
}

std::string scope(std::string_view date, std::string_view region, std::string_view service) {
  return std::string(date) + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date).append("\n").append(scope).append("\n").append(to_hex(sha256(as_bytes(canonical_request))));
  return out;
}

digest256 signing_key(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service) {
  const std::string seed = "AWS4" + std::string(secret);
  auto k = hmac_sha256(as_bytes(seed), as_bytes(date));
  k = hmac_sha256(k, as_bytes(region));
  k = hmac_sha256(k, as_bytes(service));
  return hmac_sha256(k, as_bytes("aws4_request"));
}

std::string signature(const digest256& key, std::string_view string_to_sign) {
  return to_hex(hmac_sha256(key, as_bytes(string_to_sign)));
}

}  // namespace rekey::sigv4
