// Fuzzes SigV4 as the embedded queue checks it: parse_presigned and verify_presigned_sigv4 on
// the query string (the presigned form), sigv4::parse_authorization on the Authorization
// header, then verify_sigv4 (src/queue/sqs_authenticator.hpp: x-amz-date, the credential
// scope, the canonical request from the signed headers and the query, the payload hash, the
// constant-time compare) with a fixed secret and a fixed clock (2026-11-26T13:21:13Z, the date
// of the seeds), reading headers the way sqs_endpoint does (repeated ones joined by ',').
//
// Input: byte 0 (mod 2) chooses the mode; then "METHOD TARGET\n", header lines "name: value\n",
// a blank line and the body (a hand-writable request; '\r' before '\n' is dropped).
//   0: the Authorization header is checked as it is.
//   1: the harness replaces the Authorization's Signature with the right one (computed with the
//      sigv4 functions over the same canonical request), so mutations reach the success path;
//      such a request must then verify unless its date, scope or signed headers are wrong.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"
#include "crypto/sigv4.hpp"
#include "queue/sqs_authenticator.hpp"

namespace {

constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const rekey::time_point now = rekey::from_epoch_ms(1'795'699'273'000);  // 2026-11-26T13:21:13Z

struct request_text {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase name, raw value
  std::string body;
};

std::string_view next_line(std::string_view& rest) {
  const auto newline = rest.find('\n');
  auto line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

request_text read_request(std::string_view text) {
  request_text r;
  const auto first = next_line(text);
  const auto space = first.find(' ');
  r.method = std::string(first.substr(0, space));
  r.target = space == std::string_view::npos ? "/" : std::string(first.substr(space + 1));
  while (!text.empty()) {
    const auto line = next_line(text);
    if (line.empty()) break;
    const auto colon = line.find(':');
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (value.starts_with(' ')) value.remove_prefix(1);
    r.headers.emplace_back(std::move(name), std::string(value));
  }
  r.body = std::string(text);
  return r;
}

std::optional<std::string> header_of(const request_text& r, std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::optional<std::string> joined;
  for (const auto& [n, v] : r.headers) {
    if (n != lower) continue;
    if (joined) joined->push_back(',');
    joined = joined.value_or("") + v;
  }
  return joined;
}

// The query string sorted as SigV4 wants it — the harness's own copy of the verifier's rule.
std::string canonical_query(std::string_view query) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (!query.empty() && start <= query.size()) {
    const auto end = std::min(query.find('&', start), query.size());
    if (end > start) {
      std::string p(query.substr(start, end - start));
      if (p.find('=') == std::string::npos) p.push_back('=');
      parts.push_back(std::move(p));
    }
    start = end + 1;
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "&") + p;
  return out;
}

// The right signature for `r` under `a`, or nullopt when a signed header is missing.
std::optional<std::string> right_signature(const request_text& r, std::string_view path, std::string_view query,
                                           const rekey::sigv4::authorization& a) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& name : a.signed_headers) {
    auto value = header_of(r, name);
    if (!value) return std::nullopt;
    headers.emplace_back(name, std::move(*value));
  }
  const auto amz_date = header_of(r, "x-amz-date").value_or("");
  const auto canonical = rekey::sigv4::canonical_request(r.method, path, canonical_query(query), headers,
                                                         rekey::to_hex(rekey::sha256(rekey::as_bytes(r.body))));
  const auto to_sign =
      rekey::sigv4::string_to_sign(amz_date, rekey::sigv4::scope(a.date, a.region, a.service), canonical);
  return rekey::sigv4::signature(rekey::sigv4::signing_key(secret, a.date, a.region, a.service), to_sign);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool resign = data[0] % 2 == 1;
  const auto r = read_request(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  const std::string_view target = r.target;
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  const auto query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  // The presigned form, when the query carries one: read and checked (a mutation never signs
  // it right by chance, so only crashes and sanitizer reports are looked for).
  if (const auto presigned = rekey::parse_presigned(query)) {
    const rekey::signed_request request{r.method, path, query, r.body,
                                        [&r](std::string_view name) { return header_of(r, name); }};
    (void)rekey::verify_presigned_sigv4(request, *presigned, secret, now);
  }

  auto authorization = rekey::sigv4::parse_authorization(header_of(r, "authorization").value_or(""));
  if (!authorization) return 0;
  if (authorization->signature.size() != 64) std::abort();
  (void)rekey::parse_amz_date(header_of(r, "x-amz-date").value_or(""));

  bool should_verify = false;
  if (resign) {
    const auto signature = right_signature(r, path, query, *authorization);
    if (!signature) return 0;
    authorization->signature = *signature;
    const auto amz_date = header_of(r, "x-amz-date");
    const auto when = amz_date ? rekey::parse_amz_date(*amz_date) : std::nullopt;
    const auto& signed_headers = authorization->signed_headers;
    const bool signs_host = std::find(signed_headers.begin(), signed_headers.end(), "host") != signed_headers.end();
    should_verify = authorization->service == "sqs" && amz_date && amz_date->starts_with(authorization->date) && when &&
                    *when >= now - rekey::max_clock_skew && *when <= now + rekey::max_clock_skew && signs_host;
  }
  const rekey::signed_request request{r.method, path, query, r.body,
                                      [&r](std::string_view name) { return header_of(r, name); }};
  const auto verified = rekey::verify_sigv4(request, *authorization, secret, now);
  if (should_verify && !verified) std::abort();  // the right signature over the same request must verify
  return 0;
}
