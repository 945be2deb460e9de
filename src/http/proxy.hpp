// proxy: rekey as an HTTP proxy for the host names it serves itself, and for nothing else
// (--dev, --proxy). An app run with HTTPS_PROXY=http://rekey reaches rekey with no hosts file and
// no code change:
// - `CONNECT api.amazon.com:443` is answered 200 and the tunnel's TLS is terminated here with
//   the local CA's certificate (crypto/local_ca.hpp); the requests inside are served as usual.
// - An absolute-form request for such a host (`POST https://api.amazon.com/auth/o2/token`, as
//   axios sends through a proxy) is served here, as if its target were origin-form.
// Any other host, port or an IP literal is refused with 403, and no connection is ever opened
// anywhere: rekey forwards nothing. Pure functions of a request head; the server (server.hpp)
// acts on the verdict.
#pragma once

#include <functional>
#include <string_view>

#include "http/message.hpp"

namespace boost::asio::ssl {
class context;
}

namespace rekey::http {

struct proxy_options {
  std::function<bool(std::string_view host)> serves;  // the host names answered (lower case, no port)
  boost::asio::ssl::context* tunnel_tls = nullptr;    // terminates CONNECT tunnels; null: CONNECT gets 503
};

enum class proxy_verdict {
  not_proxied,    // origin-form (or the proxy is off): an ordinary request
  served_here,    // absolute-form for a served host: the head now has origin-form and its Host
  tunnel,         // CONNECT to a served host on port 443: answer 200, then TLS inside
  refused,        // another host, another port, an IP literal, user info, a CONNECT in a tunnel: 403
  not_a_proxy,    // CONNECT while the proxy is off: 405
  no_tunnel_tls,  // CONNECT with no certificate to terminate it: 503
  malformed,      // a CONNECT target that is no host:port: 400
};

struct proxy_decision {
  proxy_verdict verdict = proxy_verdict::not_proxied;
  bool https = false;  // served_here for an https:// target: the client believes it speaks TLS
};

// Decides what a request head asks of the proxy; `proxy` null means the proxy is off. For
// served_here it rewrites the head: target to origin-form, Host to the target's authority.
proxy_decision examine_proxy_request(request& head, const proxy_options* proxy, bool in_tunnel);

// The plain-text answer to a refused verdict (refused, not_a_proxy, no_tunnel_tls, malformed).
response proxy_refusal(proxy_verdict verdict, unsigned version);

// What a tunnel's 200 says (RFC 9110 §9.3.6: no Content-Length, no body).
inline constexpr std::string_view tunnel_established = "HTTP/1.1 200 Connection Established\r\n\r\n";

}  // namespace rekey::http
