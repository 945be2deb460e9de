// proxy: rekey as an HTTP proxy for the host names it serves itself, and for nothing else
// (--dev, --proxy), on a plain-HTTP listener only. An app run with HTTPS_PROXY=http://rekey
// reaches rekey with no hosts file and no code change:
// - `CONNECT api.amazon.com:443` (a head alone: no body) is answered 200 and the tunnel's TLS is
//   terminated here with the local CA's certificate (crypto/local_ca.hpp); the requests inside
//   are served as usual.
// - An absolute-form request for such a host (`POST https://api.amazon.com/auth/o2/token`, as
//   axios sends through a proxy) is served here, as if its target were origin-form.
// Any other host, port or an IP literal is refused with 403, and no connection is ever opened
// anywhere: rekey forwards nothing. A TLS listener is never a proxy (an HTTPS_PROXY of https://
// would put TLS inside TLS); a CONNECT there is refused with 403 too. Pure functions of a request
// head; the server (server.hpp) acts on the verdict and checks what only it can see (bytes read
// past a CONNECT's head).
#pragma once

#include <functional>
#include <string_view>

#include "http/message.hpp"

namespace boost::asio::ssl {
class context;
}

namespace rekey::http {

struct proxy_options {
  // The host names answered; called with lower case, no port and no trailing dot.
  std::function<bool(std::string_view host)> serves;
  boost::asio::ssl::context* tunnel_tls = nullptr;  // terminates CONNECT tunnels; null: CONNECT gets 503
};

// Where a request arrived: what a CONNECT may ask there.
enum class arrival {
  plain_listener,  // plain HTTP on the listener: the one place a proxy is
  tls_listener,    // TLS on the listener itself (--tls-cert, --dev-tls): never a proxy
  in_tunnel,       // inside a CONNECT tunnel (TLS terminated here): no tunnel in a tunnel
};

enum class proxy_verdict {
  not_proxied,    // origin-form (or the proxy is off): an ordinary request
  served_here,    // absolute-form for a served host: the head now has origin-form and its Host
  tunnel,         // CONNECT to a served host on port 443: answer 200, then TLS inside
  refused,        // another host, another port, an IP literal, user info, a CONNECT in a tunnel: 403
  not_on_tls,     // CONNECT on a TLS listener: 403
  not_a_proxy,    // CONNECT on a plain listener while the proxy is off: 405
  no_tunnel_tls,  // CONNECT with no certificate to terminate it: 503
  malformed,      // a CONNECT whose target is no host:port, or that frames a body: 400
};

struct proxy_decision {
  proxy_verdict verdict = proxy_verdict::not_proxied;
  bool https = false;  // served_here for an https:// target: the client believes it speaks TLS
};

// Decides what a request head asks of the proxy; `proxy` null means the proxy is off. For
// served_here it rewrites the head: target to origin-form, Host to the target's host name (lower
// case, no trailing dot). A CONNECT with Transfer-Encoding or a Content-Length other than 0 is
// malformed: nothing may come between its head and the 200.
proxy_decision examine_proxy_request(request& head, const proxy_options* proxy, arrival where);

// The plain-text answer to a refused verdict (refused, not_on_tls, not_a_proxy, no_tunnel_tls,
// malformed).
response proxy_refusal(proxy_verdict verdict, unsigned version);

// What a tunnel's 200 says (RFC 9110 §9.3.6: no Content-Length, no body).
inline constexpr std::string_view tunnel_established = "HTTP/1.1 200 Connection Established\r\n\r\n";

}  // namespace rekey::http
