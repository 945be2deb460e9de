#include "http/proxy.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ssl/context.hpp>

#include <string>
#include <utility>
#include <vector>

namespace rekey::http {
namespace {

class Proxy : public ::testing::Test {
 protected:
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
  proxy_options proxy_{
      [](std::string_view host) { return host == "api.amazon.com" || host == "sqs.us-east-1.amazonaws.com"; }, &tls_};

  static request head(verb method, std::string target, std::string host = "") {
    request req{method, target, 11};
    if (!host.empty()) req.set(beast_http::field::host, host);
    return req;
  }
  proxy_verdict verdict(verb method, const std::string& target, const proxy_options* proxy,
                        arrival where = arrival::plain_listener) {
    auto req = head(method, target);
    return examine_proxy_request(req, proxy, where).verdict;
  }
};

// What a careless `serves` might do: decode percent escapes, then take any name under amazon.com.
std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}
bool permissive_serves(std::string_view host) {
  const auto name = percent_decoded(host);
  return name == "amazon.com" || name.ends_with(".amazon.com");
}

TEST_F(Proxy, TunnelsToAServedHostOnPort443) {
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &proxy_), proxy_verdict::tunnel);
  EXPECT_EQ(verdict(verb::connect, "API.Amazon.com:443", &proxy_), proxy_verdict::tunnel);
  EXPECT_EQ(verdict(verb::connect, "sqs.us-east-1.amazonaws.com:443", &proxy_), proxy_verdict::tunnel);
  // A fully qualified name's one trailing dot is the same host; two are not a host name.
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com.:443", &proxy_), proxy_verdict::tunnel);
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com..:443", &proxy_), proxy_verdict::refused);
  EXPECT_EQ(verdict(verb::connect, ".:443", &proxy_), proxy_verdict::refused);
}

TEST_F(Proxy, RefusesEveryOtherConnect) {
  for (const char* target :
       {"example.com:443", "127.0.0.1:22", "127.0.0.1:443", "[::1]:443", "8.8.8.8:443", "api.amazon.com:22",
        "api.amazon.com:80", "user@api.amazon.com:443", "api%2eamazon.com:443"})
    EXPECT_EQ(verdict(verb::connect, target, &proxy_), proxy_verdict::refused) << target;
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &proxy_, arrival::in_tunnel), proxy_verdict::refused);
  for (const char* target : {"api.amazon.com", "", ":443", "/auth/o2/token", "https://api.amazon.com/"})
    EXPECT_EQ(verdict(verb::connect, target, &proxy_), proxy_verdict::malformed) << target;
}

// The `%` guard is proxy.cpp's own: a `serves` that decodes escapes still never sees one.
TEST_F(Proxy, RefusesPercentEscapesWhateverServesWouldSay) {
  const proxy_options permissive{permissive_serves, &tls_};
  ASSERT_TRUE(permissive_serves("api%2eamazon.com"));  // the guard is what stands in the way
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &permissive), proxy_verdict::tunnel);
  for (const char* target : {"api%2eamazon.com:443", "api.amazon%2ecom:443", "evil%2f.amazon.com:443"})
    EXPECT_EQ(verdict(verb::connect, target, &permissive), proxy_verdict::refused) << target;
  for (const char* target : {"https://api%2eamazon.com/auth/o2/token", "http://evil%2f.amazon.com/"}) {
    auto req = head(verb::post, target);
    EXPECT_EQ(examine_proxy_request(req, &permissive, arrival::plain_listener).verdict, proxy_verdict::refused)
        << target;
    EXPECT_EQ(req.target(), target);
  }
}

// Nothing may come between a CONNECT's head and its 200: a body (declared or chunked) is a 400.
TEST_F(Proxy, RefusesAConnectThatFramesABody) {
  for (const auto& [name, value] :
       std::vector<std::pair<beast_http::field, std::string>>{{beast_http::field::content_length, "5"},
                                                              {beast_http::field::content_length, "010"},
                                                              {beast_http::field::transfer_encoding, "chunked"},
                                                              {beast_http::field::transfer_encoding, "identity"}}) {
    auto req = head(verb::connect, "api.amazon.com:443", "api.amazon.com:443");
    req.set(name, value);
    EXPECT_EQ(examine_proxy_request(req, &proxy_, arrival::plain_listener).verdict, proxy_verdict::malformed) << value;
  }
  for (const char* zero : {"0", "00"}) {
    auto req = head(verb::connect, "api.amazon.com:443", "api.amazon.com:443");
    req.set(beast_http::field::content_length, zero);
    EXPECT_EQ(examine_proxy_request(req, &proxy_, arrival::plain_listener).verdict, proxy_verdict::tunnel) << zero;
  }
}

// A TLS listener is never a proxy, whether or not one was configured.
TEST_F(Proxy, RefusesConnectOnATlsListenerAndServesNoAbsoluteFormThere) {
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &proxy_, arrival::tls_listener), proxy_verdict::not_on_tls);
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", nullptr, arrival::tls_listener), proxy_verdict::not_on_tls);
  auto req = head(verb::post, "https://api.amazon.com/auth/o2/token", "api.amazon.com");
  EXPECT_EQ(examine_proxy_request(req, &proxy_, arrival::tls_listener).verdict, proxy_verdict::not_proxied);
  EXPECT_EQ(req.target(), "https://api.amazon.com/auth/o2/token");
}

TEST_F(Proxy, IsOffWithoutOptionsAndCannotTunnelWithoutACertificate) {
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", nullptr), proxy_verdict::not_a_proxy);
  proxy_options no_tls{proxy_.serves, nullptr};
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &no_tls), proxy_verdict::no_tunnel_tls);
  EXPECT_EQ(verdict(verb::connect, "example.com:443", &no_tls), proxy_verdict::refused);
  // Off, an absolute-form target is left as it is (it matches no route).
  auto req = head(verb::post, "https://api.amazon.com/auth/o2/token", "api.amazon.com");
  EXPECT_EQ(examine_proxy_request(req, nullptr, arrival::plain_listener).verdict, proxy_verdict::not_proxied);
  EXPECT_EQ(req.target(), "https://api.amazon.com/auth/o2/token");
}

TEST_F(Proxy, ServesAnAbsoluteFormRequestForAServedHostAsOriginForm) {
  auto req = head(verb::post, "https://api.amazon.com/auth/o2/token?x=1", "proxy.local:8080");
  const auto decision = examine_proxy_request(req, &proxy_, arrival::plain_listener);
  EXPECT_EQ(decision.verdict, proxy_verdict::served_here);
  EXPECT_TRUE(decision.https);
  EXPECT_EQ(req.target(), "/auth/o2/token?x=1");
  EXPECT_EQ(req[beast_http::field::host], "api.amazon.com");

  auto plain = head(verb::get, "http://sqs.us-east-1.amazonaws.com");
  const auto plain_decision = examine_proxy_request(plain, &proxy_, arrival::plain_listener);
  EXPECT_EQ(plain_decision.verdict, proxy_verdict::served_here);
  EXPECT_FALSE(plain_decision.https);
  EXPECT_EQ(plain.target(), "/");
  EXPECT_EQ(plain[beast_http::field::host], "sqs.us-east-1.amazonaws.com");

  auto with_port = head(verb::get, "https://api.amazon.com:443/x");
  EXPECT_EQ(examine_proxy_request(with_port, &proxy_, arrival::plain_listener).verdict, proxy_verdict::served_here);

  // Host names are case-insensitive: the Host given to the handlers is lower case, with no trailing dot.
  for (const char* target : {"https://API.Amazon.COM/auth/o2/token", "https://API.Amazon.COM./auth/o2/token"}) {
    auto upper = head(verb::post, target);
    EXPECT_EQ(examine_proxy_request(upper, &proxy_, arrival::plain_listener).verdict, proxy_verdict::served_here)
        << target;
    EXPECT_EQ(upper.target(), "/auth/o2/token");
    EXPECT_EQ(upper[beast_http::field::host], "api.amazon.com");
  }
}

TEST_F(Proxy, RefusesAbsoluteFormForOtherHostsPortsAndSchemes) {
  for (const char* target :
       {"https://example.com/", "http://127.0.0.1/auth/o2/token", "https://[::1]/", "https://api.amazon.com:8443/",
        "http://api.amazon.com:443/", "ftp://api.amazon.com/", "https://user:pass@api.amazon.com/",
        "https://api%2eamazon.com/", "api.amazon.com/x", "https://api.amazon.com.example/"}) {
    auto req = head(verb::get, target);
    EXPECT_EQ(examine_proxy_request(req, &proxy_, arrival::plain_listener).verdict, proxy_verdict::refused) << target;
    EXPECT_EQ(req.target(), target);
  }
}

TEST_F(Proxy, LeavesOriginFormAlone) {
  auto req = head(verb::post, "/auth/o2/token", "api.amazon.com");
  EXPECT_EQ(examine_proxy_request(req, &proxy_, arrival::plain_listener).verdict, proxy_verdict::not_proxied);
  EXPECT_EQ(req.target(), "/auth/o2/token");
  auto options = head(verb::options, "*");
  EXPECT_EQ(examine_proxy_request(options, &proxy_, arrival::plain_listener).verdict, proxy_verdict::not_proxied);
}

TEST_F(Proxy, RefusalsArePlainText) {
  EXPECT_EQ(proxy_refusal(proxy_verdict::refused, 11).result(), status::forbidden);
  EXPECT_EQ(proxy_refusal(proxy_verdict::not_on_tls, 11).result(), status::forbidden);
  EXPECT_EQ(proxy_refusal(proxy_verdict::not_a_proxy, 11).result(), status::method_not_allowed);
  EXPECT_EQ(proxy_refusal(proxy_verdict::no_tunnel_tls, 11).result(), status::service_unavailable);
  EXPECT_EQ(proxy_refusal(proxy_verdict::malformed, 11).result(), status::bad_request);
  EXPECT_EQ(proxy_refusal(proxy_verdict::refused, 10)[beast_http::field::content_type], "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace rekey::http
