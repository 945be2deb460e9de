// Fuzzes the proxy's verdict on a request head, rekey::http::examine_proxy_request
// (src/http/proxy.hpp): CONNECT targets (boost::urls::parse_authority, the port, the body framing
// checks), absolute-form targets (parse_absolute_uri, scheme, port, user info, percent escapes,
// the served-name match with its lower-casing and trailing dot) and the rewrite to origin-form;
// then proxy_refusal for every refusal. Each head is examined on a fresh copy for each `arrival`
// (plain listener, TLS listener, inside a tunnel) with the proxy off, on without a tunnel
// certificate, and on with one. `serves` accepts exactly api.amazon.com,
// sellingpartnerapi-na.amazon.com and sqs.us-east-1.amazonaws.com.
//
// Input: byte 0 (mod 8) is the method — 0 CONNECT, 1 GET, 2 POST, 3 PUT, 4 HEAD, 5 OPTIONS,
// 6 DELETE, 7 the unknown method "connect" (lower case) — and byte 0 & 8 makes it HTTP/1.0
// (else 1.1); ASCII '0'–'7' are the methods over HTTP/1.1. Then the target, up to the first
// newline; then header lines "Name: value" (Host, Content-Length, Transfer-Encoding, or any
// other; a line with no ':' is skipped), inserted in order, repeats kept.
//
// Invariants (abort() on a violation): with the proxy off, only not_proxied, not_a_proxy and
// not_on_tls (which exactly as the method and arrival say); a TLS listener is never a proxy;
// a CONNECT gets only CONNECT verdicts and anything else only not_proxied, served_here or
// refused; tunnel only for a CONNECT on the plain listener with the proxy and a certificate,
// whose target is a served name (any case, one trailing dot) on port 443 and which frames no
// body; served_here only with the proxy on, off a TLS listener, for an http:// or https://
// target (https set for the latter), and afterwards the target starts with '/', there is
// exactly one Host and it is a served name, and no other field changed; every other verdict
// leaves the head as it was; proxy_refusal answers each refusal verdict with its status, the
// request's version and a plain-text body.
#include <boost/asio/ssl/context.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/proxy.hpp"

namespace {

namespace http = rekey::http;
namespace beast_http = boost::beast::http;
using http::proxy_verdict;

constexpr std::array<std::string_view, 3> served_names = {"api.amazon.com", "sellingpartnerapi-na.amazon.com",
                                                          "sqs.us-east-1.amazonaws.com"};

bool is_served(std::string_view name) {
  return std::find(served_names.begin(), served_names.end(), name) != served_names.end();
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view view(boost::beast::string_view s) { return {s.data(), s.size()}; }

// What a tunnel's target must be, read independently of Boost.URL: "<served name>:<443>", the
// name in any case with at most one trailing dot, the port 443 with any leading zeros.
bool tunnel_target(std::string_view target) {
  const auto colon = target.rfind(':');
  if (colon == std::string_view::npos) return false;
  auto port = target.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  if (port != "443") return false;
  auto host = target.substr(0, colon);
  if (host.ends_with('.')) host.remove_suffix(1);
  return is_served(lower(host));
}

bool frames_a_body(const http::request& head) {
  if (head.count(beast_http::field::transfer_encoding) != 0) return true;
  for (auto [it, end] = head.equal_range(beast_http::field::content_length); it != end; ++it)
    if (view(it->value()).find_first_not_of('0') != std::string_view::npos) return true;
  return false;
}

using field_list = std::vector<std::pair<std::string, std::string>>;

field_list fields_of(const http::request& head, bool without_host) {
  field_list out;
  for (const auto& field : head) {
    if (without_host && field.name() == beast_http::field::host) continue;
    out.emplace_back(std::string(view(field.name_string())), std::string(view(field.value())));
  }
  return out;
}

bool is_refusal(proxy_verdict v) {
  return v == proxy_verdict::refused || v == proxy_verdict::not_on_tls || v == proxy_verdict::not_a_proxy ||
         v == proxy_verdict::no_tunnel_tls || v == proxy_verdict::malformed;
}

http::status refusal_status(proxy_verdict v) {
  switch (v) {
    case proxy_verdict::not_a_proxy:
      return http::status::method_not_allowed;
    case proxy_verdict::no_tunnel_tls:
      return http::status::service_unavailable;
    case proxy_verdict::malformed:
      return http::status::bad_request;
    default:
      return http::status::forbidden;
  }
}

boost::asio::ssl::context& tunnel_tls() {
  static boost::asio::ssl::context tls{boost::asio::ssl::context::tls_server};
  return tls;
}

void check(const http::request& original, const http::proxy_options* proxy, http::arrival where) {
  http::request head = original;
  const auto decision = http::examine_proxy_request(head, proxy, where);
  const auto v = decision.verdict;
  const bool connect = original.method() == http::verb::connect;
  const auto target = view(original.target());

  if (proxy == nullptr || where == http::arrival::tls_listener) {
    const auto expected = !connect                               ? proxy_verdict::not_proxied
                          : where == http::arrival::tls_listener ? proxy_verdict::not_on_tls
                                                                 : proxy_verdict::not_a_proxy;
    if (v != expected) std::abort();
  }
  if (connect) {
    if (v == proxy_verdict::not_proxied || v == proxy_verdict::served_here) std::abort();
  } else {
    if (v != proxy_verdict::not_proxied && v != proxy_verdict::served_here && v != proxy_verdict::refused) std::abort();
  }
  if (v == proxy_verdict::tunnel) {
    if (!connect || where != http::arrival::plain_listener || proxy == nullptr || proxy->tunnel_tls == nullptr ||
        !tunnel_target(target) || frames_a_body(original))
      std::abort();
  }
  if (v == proxy_verdict::no_tunnel_tls &&
      (!connect || where != http::arrival::plain_listener || proxy == nullptr || proxy->tunnel_tls != nullptr))
    std::abort();
  if (decision.https && v != proxy_verdict::served_here) std::abort();

  if (v == proxy_verdict::served_here) {
    if (connect || proxy == nullptr || where == http::arrival::tls_listener) std::abort();
    const auto scheme = lower(target.substr(0, std::min<std::size_t>(target.size(), 6)));
    if (!scheme.starts_with("http:") && !scheme.starts_with("https:")) std::abort();
    if (decision.https != scheme.starts_with("https:")) std::abort();
    const auto rewritten = view(head.target());
    if (rewritten.empty() || rewritten.front() != '/') std::abort();
    if (head.count(beast_http::field::host) != 1 || !is_served(view(head[beast_http::field::host]))) std::abort();
    if (fields_of(head, true) != fields_of(original, true) || head.method() != original.method() ||
        head.method_string() != original.method_string() || head.version() != original.version())
      std::abort();
  } else {
    // Only served_here rewrites the head.
    if (view(head.target()) != target || fields_of(head, false) != fields_of(original, false) ||
        head.method_string() != original.method_string())
      std::abort();
  }

  if (is_refusal(v)) {
    const auto res = http::proxy_refusal(v, original.version());
    if (res.result() != refusal_status(v) || res.version() != original.version() || res.body().empty() ||
        view(res[beast_http::field::content_type]) != "text/plain; charset=utf-8")
      std::abort();
  }
}

constexpr std::array<http::verb, 7> methods = {http::verb::connect, http::verb::get,  http::verb::post,
                                               http::verb::put,     http::verb::head, http::verb::options,
                                               http::verb::delete_};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const unsigned version = (data[0] & 8) != 0 ? 10 : 11;
  const auto newline = text.find('\n');
  const auto target = text.substr(0, newline);

  http::request original;
  original.version(version);
  if (data[0] % 8 < methods.size())
    original.method(methods[data[0] % 8]);
  else
    original.method_string("connect");
  original.target(target);
  if (newline != std::string_view::npos) {
    std::string_view rest = text.substr(newline + 1);
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      auto line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) continue;
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      original.insert(line.substr(0, colon), value);
    }
  }

  const http::proxy_options without_tls{is_served, nullptr};
  const http::proxy_options with_tls{is_served, &tunnel_tls()};
  for (const auto* proxy : {static_cast<const http::proxy_options*>(nullptr), &without_tls, &with_tls})
    for (const auto where : {http::arrival::plain_listener, http::arrival::tls_listener, http::arrival::in_tunnel})
      check(original, proxy, where);
  return 0;
}
