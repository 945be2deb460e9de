#include "delivery/http_client.hpp"

#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace rekey {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

namespace {

template <class Stream>
asio::awaitable<result<http_reply>> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req, millis timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [write_error, written] = co_await bhttp::async_write(stream, req, no_throw);
  if (write_error) co_return errc::service_unavailable;
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  auto [read_error, read] = co_await bhttp::async_read(stream, buffer, res, no_throw);
  if (read_error) co_return errc::service_unavailable;
  co_return http_reply{static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace

asio::awaitable<result<http_reply>> http_client::post(const std::string& url,
                                                      const std::map<std::string, std::string>& headers,
                                                      const std::string& body) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
    co_return errc::invalid_input;
  }
  const bool tls = parsed->scheme() == "https";
  const std::string host(parsed->host());
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
  std::string target(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());

  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, parsed->has_port() ? host + ":" + port : host);
  req.set(bhttp::field::user_agent, "rekey");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(false);

  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] = co_await resolver.async_resolve(host, port, no_throw);
  if (resolve_error) co_return errc::service_unavailable;
  if (!tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout_);
    auto [connect_error, connected] = co_await stream.async_connect(endpoints, no_throw);
    if (connect_error) co_return errc::service_unavailable;
    co_return co_await exchange(stream, req, timeout_);
  }
  beast::ssl_stream<beast::tcp_stream> stream(executor, tls_);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) co_return errc::service_unavailable;
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(timeout_);
  auto [connect_error, connected] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, no_throw);
  if (connect_error) co_return errc::service_unavailable;
  auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::client, no_throw);
  if (handshake_error) co_return errc::service_unavailable;
  co_return co_await exchange(stream, req, timeout_);
}

}  // namespace rekey
