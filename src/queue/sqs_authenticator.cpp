#include "queue/sqs_authenticator.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/form_decode.hpp"
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

// The signature over `headers` and `canonical_query`, compared in constant time.
result<void> check_signature(const signed_request& request, const sigv4::authorization& a, std::string_view amz_date,
                             std::string_view canonical_query_string, std::string_view secret) {
  // AWS refuses a signature that does not cover Host (it would let a request be replayed to
  // another endpoint).
  if (a.service != "sqs" || !amz_date.starts_with(a.date) ||
      std::find(a.signed_headers.begin(), a.signed_headers.end(), "host") == a.signed_headers.end()) {
    return errc::sqs_signature_does_not_match;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& name : a.signed_headers) {
    auto value = request.header(name);
    if (!value) return errc::sqs_signature_does_not_match;
    headers.emplace_back(name, std::move(*value));
  }
  const auto canonical = sigv4::canonical_request(request.method, request.path, canonical_query_string, headers,
                                                  to_hex(sha256(as_bytes(request.body))));
  const auto to_sign = sigv4::string_to_sign(amz_date, sigv4::scope(a.date, a.region, a.service), canonical);
  const auto expected = sigv4::signature(sigv4::signing_key(secret, a.date, a.region, a.service), to_sign);
  if (!constant_time_equal(as_bytes(expected), as_bytes(a.signature))) return errc::sqs_signature_does_not_match;
  return {};
}

}  // namespace

std::optional<presigned_signature> parse_presigned(std::string_view query) {
  presigned_signature out;
  bool presigned = false;
  bool known_algorithm = false;
  std::string credential;
  std::string signed_headers;
  std::size_t start = 0;
  while (start <= query.size()) {
    const auto end = std::min(query.find('&', start), query.size());
    const auto part = query.substr(start, end - start);
    const auto eq = part.find('=');
    const auto name = part.substr(0, eq);
    // SigV4 percent-encodes every byte outside A–Z a–z 0–9 - . _ ~, so no '+' reaches form_decode.
    const auto value = eq == std::string_view::npos ? std::string() : form_decode(part.substr(eq + 1));
    if (name == "X-Amz-Algorithm") {
      presigned = true;
      known_algorithm = value == "AWS4-HMAC-SHA256";
    } else if (name == "X-Amz-Credential") {
      credential = value;
    } else if (name == "X-Amz-Date") {
      out.amz_date = value;
    } else if (name == "X-Amz-Expires") {
      std::from_chars(value.data(), value.data() + value.size(), out.expires_seconds);
    } else if (name == "X-Amz-SignedHeaders") {
      signed_headers = value;
    } else if (name == "X-Amz-Signature") {
      out.authorization.signature = value;
    }
    if (name != "X-Amz-Signature" && !part.empty()) {
      if (!out.unsigned_query.empty()) out.unsigned_query.push_back('&');
      out.unsigned_query += part;
    }
    start = end + 1;
  }
  if (!presigned) return std::nullopt;
  // The same reader as the header form: "Credential=…, SignedHeaders=…, Signature=…".
  auto parsed =
      sigv4::parse_authorization("AWS4-HMAC-SHA256 Credential=" + credential + ", SignedHeaders=" + signed_headers +
                                 ", Signature=" + out.authorization.signature);
  // Otherwise it cannot verify: service "" is refused.
  out.authorization = known_algorithm && parsed ? std::move(*parsed) : sigv4::authorization{};
  return out;
}

result<void> verify_presigned_sigv4(const signed_request& request, const presigned_signature& p,
                                    std::string_view secret, time_point now) {
  constexpr std::int64_t max_expires = 7 * 24 * 3600;
  const auto when = parse_amz_date(p.amz_date);
  if (!when || p.expires_seconds < 1 || p.expires_seconds > max_expires || now < *when - max_clock_skew ||
      now > *when + millis{p.expires_seconds * 1000}) {
    return errc::sqs_signature_does_not_match;
  }
  return check_signature(request, p.authorization, p.amz_date, canonical_query(p.unsigned_query), secret);
}

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
  if (!amz_date) return errc::sqs_signature_does_not_match;
  const auto when = parse_amz_date(*amz_date);
  if (!when || *when < now - max_clock_skew || *when > now + max_clock_skew) {
    return errc::sqs_signature_does_not_match;
  }
  return check_signature(request, a, *amz_date, canonical_query(request.query), secret);
}

}  // namespace rekey
