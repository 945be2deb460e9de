#include "http/proxy.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace rekey::http {
namespace {

namespace urls = boost::urls;

constexpr std::uint16_t https_port = 443;
constexpr std::uint16_t http_port = 80;

// The served name of a reg-name (never an IP literal), lower case and without the one trailing
// dot of a fully qualified name; none when not served. Percent escapes never name a served host,
// whatever `serves` would make of them.
template <class Authority>
std::optional<std::string> served_name(const Authority& authority, const proxy_options& proxy) {
  if (authority.host_type() != urls::host_type::name || authority.has_userinfo()) return std::nullopt;
  std::string_view name = authority.encoded_host_name();
  if (name.find('%') != std::string_view::npos) return std::nullopt;
  if (name.ends_with('.')) name.remove_suffix(1);
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lowered.empty() || !proxy.serves(lowered)) return std::nullopt;
  return lowered;
}

// RFC 9110 §9.3.6: a CONNECT has no content. One that frames a body (or says it has one) would
// have bytes between its head and the 200 that the TLS layer could never be given.
bool frames_a_body(const request& head) {
  if (head.count(beast_http::field::transfer_encoding) != 0) return true;
  const auto lengths = head.equal_range(beast_http::field::content_length);
  return std::any_of(lengths.first, lengths.second,
                     [](const auto& field) { return field.value().find_first_not_of('0') != std::string_view::npos; });
}

proxy_decision connect_request(const request& head, std::string_view target, const proxy_options* proxy,
                               arrival where) {
  if (where == arrival::tls_listener) return {proxy_verdict::not_on_tls};
  if (proxy == nullptr) return {proxy_verdict::not_a_proxy};
  const auto authority = urls::parse_authority(target);
  if (!authority || !authority->has_port() || authority->encoded_host().empty() || frames_a_body(head))
    return {proxy_verdict::malformed};
  if (where == arrival::in_tunnel || authority->port_number() != https_port || !served_name(*authority, *proxy))
    return {proxy_verdict::refused};
  if (proxy->tunnel_tls == nullptr) return {proxy_verdict::no_tunnel_tls};
  return {proxy_verdict::tunnel};
}

proxy_decision absolute_form_request(request& head, std::string_view target, const proxy_options& proxy) {
  const auto url = urls::parse_absolute_uri(target);
  if (!url) return {proxy_verdict::refused};
  const bool https = url->scheme_id() == urls::scheme::https;
  if (!https && url->scheme_id() != urls::scheme::http) return {proxy_verdict::refused};
  const auto default_port = https ? https_port : http_port;
  if (url->has_port() && url->port_number() != default_port) return {proxy_verdict::refused};
  const auto name = served_name(*url, proxy);
  if (!name) return {proxy_verdict::refused};
  std::string origin_form(std::string_view(url->encoded_target()));
  if (origin_form.empty() || origin_form.front() != '/') origin_form.insert(0, "/");
  head.set(beast_http::field::host, *name);
  head.target(origin_form);
  return {proxy_verdict::served_here, https};
}

}  // namespace

proxy_decision examine_proxy_request(request& head, const proxy_options* proxy, arrival where) {
  const std::string_view target(head.target().data(), head.target().size());
  if (head.method() == verb::connect) return connect_request(head, target, proxy, where);
  // Origin-form ("/path") and asterisk-form ("*") are ordinary requests; so is everything while
  // the proxy is off or on a TLS listener (an absolute-form target then matches no route).
  if (proxy == nullptr || where == arrival::tls_listener || target.empty() || target.front() == '/' || target == "*")
    return {};
  return absolute_form_request(head, target, *proxy);
}

response proxy_refusal(proxy_verdict verdict, unsigned version) {
  response res;
  res.version(version);
  res.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  switch (verdict) {
    case proxy_verdict::not_a_proxy:
      res.result(status::method_not_allowed);
      res.body() = "rekey is not a proxy here: start it with --dev or --proxy.\n";
      break;
    case proxy_verdict::not_on_tls:
      res.result(status::forbidden);
      res.body() =
          "This listener speaks TLS: rekey is a proxy on a plain-HTTP listener only (HTTPS_PROXY=http://...), "
          "with --dev (not --dev-tls) or --proxy.\n";
      break;
    case proxy_verdict::no_tunnel_tls:
      res.result(status::service_unavailable);
      res.body() = "rekey has no certificate for this tunnel: run `rekey dev tls init`, then start rekey again.\n";
      break;
    case proxy_verdict::malformed:
      res.result(status::bad_request);
      res.body() = "A CONNECT is a head alone: a host:port target, no body, and nothing more sent before its 200.\n";
      break;
    default:
      res.result(status::forbidden);
      res.body() =
          "rekey proxies only the Amazon host names it serves itself (LWA, the SP-API regions and sandboxes, SQS) "
          "on their standard ports, and opens no connection anywhere; `rekey dev tls init` lists them.\n";
      break;
  }
  return res;
}

}  // namespace rekey::http
