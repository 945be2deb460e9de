#include "queue/sqs_authenticator.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/identifiers.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

// The query string with its parameters sorted, as SigV4 wants it (values already encoded).
std::string canonical_query(std::string_view query) {
  if (query.empty()) return {};
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= query.size()) {
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
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('&');
    out += p;
  }
  return out;
}

}  // namespace

std::optional<time_point> parse_amz_date(std::string_view t) {
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len, int& out) {
    auto [p, ec] = std::from_chars(t.data() + pos, t.data() + pos + len, out);
    return ec == std::errc{} && p == t.data() + pos + len;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!number(0, 4, y) || !number(4, 2, mo) || !number(6, 2, d) || !number(9, 2, h) || !number(11, 2, mi) ||
      !number(13, 2, s)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return time_point_cast<millis>(sys_days{ymd} + hours{h} + minutes{mi} + seconds{s});
}

result<void> verify_sigv4(const signed_request& request, const sigv4::authorization& a, std::string_view secret,
                          time_point now) {
  const auto amz_date = request.header("x-amz-date");
  if (!amz_date || a.service != "sqs" || !amz_date->starts_with(a.date)) return errc::sqs_signature_does_not_match;
  const auto when = parse_amz_date(*amz_date);
  if (!when || *when < now - max_clock_skew || *when > now + max_clock_skew) {
    return errc::sqs_signature_does_not_match;
  }
  // AWS refuses a signature that does not cover Host (it would let a request be replayed to
  // another endpoint).
  if (std::find(a.signed_headers.begin(), a.signed_headers.end(), "host") == a.signed_headers.end()) {
    return errc::sqs_signature_does_not_match;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& name : a.signed_headers) {
    auto value = request.header(name);
    if (!value) return errc::sqs_signature_does_not_match;
    headers.emplace_back(name, std::move(*value));
  }
  const auto canonical = sigv4::canonical_request(request.method, request.path, canonical_query(request.query), headers,
                                                  to_hex(sha256(as_bytes(request.body))));
  const auto to_sign = sigv4::string_to_sign(*amz_date, sigv4::scope(a.date, a.region, a.service), canonical);
  const auto expected = sigv4::signature(sigv4::signing_key(secret, a.date, a.region, a.service), to_sign);
  if (!constant_time_equal(as_bytes(expected), as_bytes(a.signature))) return errc::sqs_signature_does_not_match;
  return {};
}

}  // namespace rekey
