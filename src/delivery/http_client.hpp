// http_client: one outbound HTTP/1.1 request (plain or TLS), as a coroutine — what the webhook
// and sqs publishers send. TLS verifies the peer against the system's CAs (and an extra CA file
// when configured) and the host name. A new connection per request; every step has a timeout.
// Thread-safe: each call owns its connection.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

#include "core/clock.hpp"
#include "core/errc.hpp"

namespace boost::asio::ssl {
class context;
}

namespace rekey {

struct http_reply {
  int status = 0;
  std::string body;
};

class http_client {
 public:
  // tls: the client TLS context (verification set up by the caller).
  http_client(boost::asio::ssl::context& tls, millis timeout) : tls_(tls), timeout_(timeout) {}

  // url: http(s)://host[:port]/path. Errors: errc::invalid_input for a bad URL,
  // errc::service_unavailable when the peer cannot be reached or does not answer in time.
  boost::asio::awaitable<result<http_reply>> post(const std::string& url,
                                                  const std::map<std::string, std::string>& headers,
                                                  const std::string& body);

 private:
  boost::asio::ssl::context& tls_;
  millis timeout_;
};

}  // namespace rekey
