#include "app/admin_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <stdexcept>

namespace rekey {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

admin_client::admin_client(const std::string& server, std::string token) : token_(std::move(token)) {
  auto url = boost::urls::parse_absolute_uri(server);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    throw std::runtime_error("--server must look like http://127.0.0.1:8080");
  }
  host_ = std::string(url->host());
  port_ = url->has_port() ? std::string(url->port()) : "80";
}

admin_reply admin_client::call(const std::string& method, const std::string& target,
                               const std::string& json_body) const {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  const auto endpoints = resolver.resolve(host_, port_, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec) throw std::runtime_error("cannot reach rekey at " + host_ + ":" + port_ + ": " + ec.message());

  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, host_);
  req.set(bhttp::field::authorization, "Bearer " + token_);
  req.set(bhttp::field::content_type, "application/json");
  req.body() = json_body;
  req.prepare_payload();
  bhttp::write(stream, req, ec);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  if (!ec) bhttp::read(stream, buffer, res, ec);
  if (ec) throw std::runtime_error("request to rekey failed: " + ec.message());
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace rekey
