// server: the HTTP/1.1 listener and its connections (Boost.Beast, C++20 coroutines).
//
// One coroutine per connection, each on one io_context of the pool (no strand needed);
// keep-alive; optional TLS; optionally a proxy for the hosts it serves (proxy.hpp). Every read
// has a limit and a timeout: headers up to header_limit, bodies up to body_limit (a larger
// declared body is answered 413 before it is read), idle_timeout while waiting for a request,
// read_timeout while reading one. Every response gets x-amzn-RequestId. A handler's exception
// becomes 500 InternalFailure and is logged with the request id; network failures (peer gone,
// timeout) end only their own connection.
//
// Threading: listen()/start() before the pool runs; shutdown() from any thread: it stops
// accepting, closes idle keep-alive connections and lets in-flight requests finish and be
// answered; with io_context_pool::release() the pool then runs out of work.
#pragma once

#include <cstdint>
#include <memory>

#include "core/config.hpp"
#include "core/random.hpp"

namespace boost::asio {
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace rekey::runtime {
class io_context_pool;
}

namespace rekey::http {

class router;
class request_observer;
struct proxy_options;

class server {
 public:
  // request_ids: where request ids get their bits (need not be a CSPRNG). tls may be null
  // (plain HTTP); so may observer (told of every answer written) and proxy (proxy.hpp: null, not
  // a proxy; a proxy only with tls null, else std::invalid_argument). References must outlive
  // the server.
  server(runtime::io_context_pool& pool, const http_config& config, const router& routes, random_source& request_ids,
         boost::asio::ssl::context* tls, request_observer* observer = nullptr, const proxy_options* proxy = nullptr);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens on config.listen_address:config.port (0 picks a free port); returns the
  // bound port. Throws boost::system::system_error when the address cannot be bound.
  std::uint16_t listen();
  void start();
  void shutdown();
  bool stopping() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace rekey::http
