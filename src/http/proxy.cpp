#include "http/proxy.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace rekey::http {
namespace {

namespace urls = boost::urls;

constexpr std::uint16_t https_port = 443;
constexpr std::uint16_t http_port = 80;

// A served reg-name (never an IP literal): percent escapes never name a served host.
template <class Authority>
bool serves_host(const Authority& authority, const proxy_options& proxy) {
  if (authority.host_type() != urls::host_type::name || authority.has_userinfo()) return false;
  const std::string_view name = authority.encoded_host_name();
  if (name.find('%') != std::string_view::npos) return false;
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  return proxy.serves(lowered);
}

proxy_decision connect_request(std::string_view target, const proxy_options* proxy, bool in_tunnel) {
  if (proxy == nullptr) return {proxy_verdict::not_a_proxy};
  const auto authority = urls::parse_authority(target);
  if (!authority || !authority->has_port() || authority->encoded_host().empty()) return {proxy_verdict::malformed};
  if (in_tunnel || authority->port_number() != https_port || !serves_host(*authority, *proxy))
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
  if (!serves_host(*url, proxy)) return {proxy_verdict::refused};
  std::string origin_form(std::string_view(url->encoded_target()));
  if (origin_form.empty() || origin_form.front() != '/') origin_form.insert(0, "/");
  head.set(beast_http::field::host, std::string_view(url->encoded_host_name()));
  head.target(origin_form);
  return {proxy_verdict::served_here, https};
}

}  // namespace

proxy_decision examine_proxy_request(request& head, const proxy_options* proxy, bool in_tunnel) {
  const std::string_view target(head.target().data(), head.target().size());
  if (head.method() == verb::connect) return connect_request(target, proxy, in_tunnel);
  // Origin-form ("/path") and asterisk-form ("*") are ordinary requests; so is everything while
  // the proxy is off (an absolute-form target then matches no route).
  if (proxy == nullptr || target.empty() || target.front() == '/' || target == "*") return {};
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
    case proxy_verdict::no_tunnel_tls:
      res.result(status::service_unavailable);
      res.body() = "rekey has no certificate for this tunnel: run `rekey dev tls init`, then start rekey again.\n";
      break;
    case proxy_verdict::malformed:
      res.result(status::bad_request);
      res.body() = "A CONNECT target is host:port.\n";
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
