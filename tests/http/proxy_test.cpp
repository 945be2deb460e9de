#include "http/proxy.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ssl/context.hpp>

#include <string>

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
  proxy_verdict verdict(verb method, const std::string& target, const proxy_options* proxy, bool in_tunnel = false) {
    auto req = head(method, target);
    return examine_proxy_request(req, proxy, in_tunnel).verdict;
  }
};

TEST_F(Proxy, TunnelsToAServedHostOnPort443) {
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &proxy_), proxy_verdict::tunnel);
  EXPECT_EQ(verdict(verb::connect, "API.Amazon.com:443", &proxy_), proxy_verdict::tunnel);
  EXPECT_EQ(verdict(verb::connect, "sqs.us-east-1.amazonaws.com:443", &proxy_), proxy_verdict::tunnel);
}

TEST_F(Proxy, RefusesEveryOtherConnect) {
  for (const char* target :
       {"example.com:443", "127.0.0.1:22", "127.0.0.1:443", "[::1]:443", "8.8.8.8:443", "api.amazon.com:22",
        "api.amazon.com:80", "user@api.amazon.com:443", "api%2eamazon.com:443"})
    EXPECT_EQ(verdict(verb::connect, target, &proxy_), proxy_verdict::refused) << target;
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &proxy_, true), proxy_verdict::refused);  // nested
  for (const char* target : {"api.amazon.com", "", ":443", "/auth/o2/token", "https://api.amazon.com/"})
    EXPECT_EQ(verdict(verb::connect, target, &proxy_), proxy_verdict::malformed) << target;
}

TEST_F(Proxy, IsOffWithoutOptionsAndCannotTunnelWithoutACertificate) {
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", nullptr), proxy_verdict::not_a_proxy);
  proxy_options no_tls{proxy_.serves, nullptr};
  EXPECT_EQ(verdict(verb::connect, "api.amazon.com:443", &no_tls), proxy_verdict::no_tunnel_tls);
  EXPECT_EQ(verdict(verb::connect, "example.com:443", &no_tls), proxy_verdict::refused);
  // Off, an absolute-form target is left as it is (it matches no route).
  auto req = head(verb::post, "https://api.amazon.com/auth/o2/token", "api.amazon.com");
  EXPECT_EQ(examine_proxy_request(req, nullptr, false).verdict, proxy_verdict::not_proxied);
  EXPECT_EQ(req.target(), "https://api.amazon.com/auth/o2/token");
}

TEST_F(Proxy, ServesAnAbsoluteFormRequestForAServedHostAsOriginForm) {
  auto req = head(verb::post, "https://api.amazon.com/auth/o2/token?x=1", "proxy.local:8080");
  const auto decision = examine_proxy_request(req, &proxy_, false);
  EXPECT_EQ(decision.verdict, proxy_verdict::served_here);
  EXPECT_TRUE(decision.https);
  EXPECT_EQ(req.target(), "/auth/o2/token?x=1");
  EXPECT_EQ(req[beast_http::field::host], "api.amazon.com");

  auto plain = head(verb::get, "http://sqs.us-east-1.amazonaws.com");
  const auto plain_decision = examine_proxy_request(plain, &proxy_, false);
  EXPECT_EQ(plain_decision.verdict, proxy_verdict::served_here);
  EXPECT_FALSE(plain_decision.https);
  EXPECT_EQ(plain.target(), "/");
  EXPECT_EQ(plain[beast_http::field::host], "sqs.us-east-1.amazonaws.com");

  auto with_port = head(verb::get, "https://api.amazon.com:443/x");
  EXPECT_EQ(examine_proxy_request(with_port, &proxy_, false).verdict, proxy_verdict::served_here);
}

TEST_F(Proxy, RefusesAbsoluteFormForOtherHostsPortsAndSchemes) {
  for (const char* target :
       {"https://example.com/", "http://127.0.0.1/auth/o2/token", "https://[::1]/", "https://api.amazon.com:8443/",
        "http://api.amazon.com:443/", "ftp://api.amazon.com/", "https://user:pass@api.amazon.com/",
        "https://api%2eamazon.com/", "api.amazon.com/x", "https://api.amazon.com.example/"}) {
    auto req = head(verb::get, target);
    EXPECT_EQ(examine_proxy_request(req, &proxy_, false).verdict, proxy_verdict::refused) << target;
    EXPECT_EQ(req.target(), target);
  }
}

TEST_F(Proxy, LeavesOriginFormAlone) {
  auto req = head(verb::post, "/auth/o2/token", "api.amazon.com");
  EXPECT_EQ(examine_proxy_request(req, &proxy_, false).verdict, proxy_verdict::not_proxied);
  EXPECT_EQ(req.target(), "/auth/o2/token");
  auto options = head(verb::options, "*");
  EXPECT_EQ(examine_proxy_request(options, &proxy_, false).verdict, proxy_verdict::not_proxied);
}

TEST_F(Proxy, RefusalsArePlainText) {
  EXPECT_EQ(proxy_refusal(proxy_verdict::refused, 11).result(), status::forbidden);
  EXPECT_EQ(proxy_refusal(proxy_verdict::not_a_proxy, 11).result(), status::method_not_allowed);
  EXPECT_EQ(proxy_refusal(proxy_verdict::no_tunnel_tls, 11).result(), status::service_unavailable);
  EXPECT_EQ(proxy_refusal(proxy_verdict::malformed, 11).result(), status::bad_request);
  EXPECT_EQ(proxy_refusal(proxy_verdict::refused, 10)[beast_http::field::content_type], "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace rekey::http
