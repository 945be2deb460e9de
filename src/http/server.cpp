#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <functional>
#include <list>
#include <mutex>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "core/identifiers.hpp"
#include "core/log_limiter.hpp"
#include "http/connection_deadline.hpp"
#include "http/proxy.hpp"
#include "http/request_observer.hpp"
#include "http/response_wire.hpp"
#include "http/router.hpp"
#include "runtime/io_context_pool.hpp"

namespace rekey::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

namespace {

// One connection: what shutdown() needs to reach it (its executor and a way to close it when
// idle) and its timeout (connection_deadline, which closes it when it expires).
struct connection {
  asio::any_io_executor executor;
  std::function<void()> close;  // runs on executor
  std::shared_ptr<connection_deadline> deadline;
  // Waiting for a request (keep-alive, or nothing sent yet). Written on executor; read elsewhere
  // only as a hint (to pick which connections to close at the limit), then again on executor.
  std::atomic<bool> idle{true};
};

// RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host field (HTTP/1.0 may omit it).
bool has_one_host(const request& req) {
  const auto hosts = req.count(beast_http::field::host);
  return hosts == 1 || (hosts == 0 && req.version() < 11);
}

// Idle connections closed at once when the limit is reached, oldest first: an eighth of the idle
// ones, at least one and at most 32, as nginx drains its reusable connections. Never all of them:
// the newest idle connection is usually one just accepted whose request is on its way, and
// closing it would fail the very client the room was made for.
std::size_t idle_to_close(std::size_t idle) { return std::clamp<std::size_t>(idle / 8, 1, 32); }

using request_parser = beast_http::request_parser<beast_http::string_body>;
// TLS over the bare socket: the connection's timeout is its connection_deadline, not a
// beast::tcp_stream's timer per operation.
using tls_stream = beast::ssl_stream<tcp::socket>;

// Gives the parser what `buffer` already holds past the head (usually the whole body, read with
// it), as Beast's read does, but without an asynchronous operation: the body is read from the
// socket only when some of it has not arrived yet.
boost::system::error_code parse_buffered(request_parser& parser, beast::flat_buffer& buffer) {
  boost::system::error_code error;
  parser.eager(true);
  while (!parser.is_done() && buffer.size() != 0) {
    const auto used = parser.put(buffer.data(), error);
    buffer.consume(used);
    if (error == beast_http::error::need_more) return {};
    if (error || used == 0) break;
  }
  return error;
}

// Accept errors that mean "out of descriptors or memory": retrying at once cannot succeed.
// (accept() reports errno values; the category is not compared: with Boost 1.81 under UBSan,
// touching the constexpr system category through a reference trips the vptr check.)
bool is_resource_exhaustion(const boost::system::error_code& error) {
  const int e = error.value();
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
}

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(runtime::io_context_pool& pool, const http_config& config, const router& routes, random_source& random,
       asio::ssl::context* tls, request_observer* observer, const proxy_options* proxy)
      : pool_(pool),
        config_(config),
        routes_(routes),
        random_(random),
        tls_(tls),
        observer_(observer),
        proxy_(proxy),
        acceptor_(pool.main()),
        slot_freed_(pool.main()) {
    // A client speaks plain HTTP to a proxy (HTTPS_PROXY=http://...): the proxy is never on a
    // TLS listener, where a CONNECT is refused (proxy.hpp).
    if (tls_ != nullptr && proxy_ != nullptr) throw std::invalid_argument("the proxy needs a plain-HTTP listener");
  }

  // One accepted connection's place under max_connections, held by its coroutine (a parameter,
  // so it is released even when the coroutine never runs).
  struct slot {
    explicit slot(impl* owner) : owner_(owner) {}
    slot(slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    slot& operator=(slot&&) = delete;
    ~slot() {
      if (owner_ != nullptr) owner_->release_slot();
    }
    impl* owner_;
  };
  void release_slot() {
    if (open_.fetch_sub(1) >= config_.max_connections) {
      asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->slot_freed_.cancel(); });
    }
  }

  runtime::io_context_pool& pool_;
  http_config config_;
  const router& routes_;
  random_source& random_;
  asio::ssl::context* tls_;
  request_observer* observer_;
  const proxy_options* proxy_;  // null: not a proxy; never set with tls_
  tcp::acceptor acceptor_;
  asio::steady_timer slot_freed_;  // the accept loop waits on it at the limit; used on acceptor_'s context
  std::atomic<std::size_t> open_{0};
  log_limiter accept_errors_{std::chrono::seconds(10)};
  std::atomic<bool> stopping_{false};
  std::mutex connections_mutex_;
  std::list<std::weak_ptr<connection>> connections_;  // guarded by connections_mutex_

  std::list<std::weak_ptr<connection>>::iterator track(const std::shared_ptr<connection>& c) {
    std::lock_guard lock(connections_mutex_);
    return connections_.insert(connections_.end(), c);
  }
  void untrack(std::list<std::weak_ptr<connection>>::iterator it) {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(it);
  }

  void observe(verb method, std::string_view route, unsigned status, std::chrono::steady_clock::time_point head_read_at,
               std::string_view request_id, std::string_view peer) {
    if (observer_ == nullptr) return;
    observer_->answered({method, route, status, std::chrono::steady_clock::now() - head_read_at, request_id, peer});
  }

  void finish(response& res, const std::string& request_id, bool keep_alive) {
    res.set("x-amzn-RequestId", request_id);
    res.keep_alive(keep_alive);
    if (res.result() == status::no_content) {
      res.body().clear();  // RFC 9110: no body and no Content-Length on 204
    } else {
      res.prepare_payload();
    }
  }

  // Reads until the parser has a request's head, as Beast's async_read_header does, each read
  // awaited on the stream itself rather than through Beast's composed read operations: whatever
  // ends the connection (the peer closing, a timeout, a malformed or oversized head) is an error.
  template <class Stream>
  static asio::awaitable<boost::system::error_code> read_head(Stream& stream, beast::flat_buffer& buffer,
                                                              request_parser& parser) {
    parser.eager(false);
    for (;;) {
      if (buffer.size() != 0) {
        boost::system::error_code error;
        const auto used = parser.put(buffer.data(), error);
        buffer.consume(used);
        if (error != beast_http::error::need_more) {
          if (error || parser.is_header_done()) co_return error;
        }
      }
      const auto room = beast::read_size(buffer, 65536);
      if (room == 0) co_return beast_http::error::buffer_overflow;
      auto [error, n] = co_await stream.async_read_some(buffer.prepare(room), no_throw);
      buffer.commit(n);
      if (error == asio::error::eof && parser.got_some()) co_return beast_http::error::partial_message;
      if (error) co_return error;
    }
  }

  // Writes an answer: serialized whole into `wire` (the connection's buffer, reused), then on a
  // plain connection first straight to the non-blocking socket: a small answer to a client that
  // is reading goes out at once, without an asynchronous operation. What the kernel does not take
  // then (or all of it, over TLS) is written asynchronously under read_timeout.
  template <class Stream>
  asio::awaitable<boost::system::error_code> write_answer(Stream& stream, connection_deadline& deadline,
                                                          const response& res, std::string& wire) {
    serialize(res, wire);
    std::size_t sent = 0;
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      boost::system::error_code error;
      sent = stream.write_some(asio::buffer(wire), error);
      if (error && error != asio::error::would_block) co_return error;
      if (sent == wire.size()) co_return boost::system::error_code{};
    }
    deadline.expires_after(config_.read_timeout);
    auto [error, written] = co_await asio::async_write(stream, asio::buffer(wire) + sent, no_throw);
    deadline.expires_never();
    co_return error;
  }

  // Serves requests until the connection ends; true when it became a CONNECT tunnel (answered 200,
  // nothing read past the CONNECT's head), whose TLS the caller then terminates. `where`: a plain
  // listener's connection (the one place a CONNECT may be answered 200), a TLS listener's, or the
  // inside of a tunnel; the stream is TLS in the last two.
  template <class Stream>
  asio::awaitable<bool> serve(Stream& stream, std::string peer, std::shared_ptr<connection> conn, arrival where) {
    beast::flat_buffer buffer;
    std::string wire;  // each answer as sent (write_answer)
    auto& deadline = *conn->deadline;
    const bool secure = where != arrival::plain_listener;  // TLS on the listener or in a tunnel
    while (!stopping_) {
      beast_http::request_parser<beast_http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(config_.header_limit));
      parser.body_limit(routes_.largest_body_limit(config_.body_limit));  // the route's, once its head is read

      conn->idle = true;
      deadline.expires_after(config_.idle_timeout);
      auto read_error = co_await read_head(stream, buffer, parser);
      deadline.expires_never();
      conn->idle = false;
      // Only read when someone is told of the answer.
      const auto head_read_at =
          observer_ != nullptr ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      bool secure_request = secure;
      if (!read_error) {
        auto decision = examine_proxy_request(parser.get(), proxy_, where);
        // A CONNECT is a head alone (proxy.cpp refuses one that frames a body). Bytes already read
        // past its head sit in `buffer`, where the TLS layer, reading the socket, would never see
        // them: that CONNECT is malformed too, answered 400 and closed. Checked before any 200.
        if (decision.verdict == proxy_verdict::tunnel && buffer.size() != 0)
          decision.verdict = proxy_verdict::malformed;
        if (decision.verdict == proxy_verdict::tunnel) {
          deadline.expires_after(config_.read_timeout);
          auto [write_error, written] = co_await asio::async_write(stream, asio::buffer(tunnel_established), no_throw);
          deadline.expires_never();
          observe(verb::connect, {}, static_cast<unsigned>(status::ok), head_read_at, new_uuid(random_), peer);
          co_return !write_error && !stopping_;
        }
        if (decision.verdict != proxy_verdict::not_proxied && decision.verdict != proxy_verdict::served_here) {
          // Refused before its body is read: answered, then closed like a 413.
          const auto request_id = new_uuid(random_);
          auto res = proxy_refusal(decision.verdict, parser.get().version());
          finish(res, request_id, false);
          const auto write_error = co_await write_answer(stream, deadline, res, wire);
          observe(parser.get().method(), {}, res.result_int(), head_read_at, request_id, peer);
          if (!write_error && !stopping_) co_await drain(stream, deadline);
          break;
        }
        secure_request = secure || decision.https;
      }
      router::match route;  // found from the head: its body limit, then its handler
      if (!read_error) {
        const auto& head = parser.get();
        route = routes_.find(head.method(), path_of(std::string_view(head.target().data(), head.target().size())));
        const auto limit = route.body_limit().value_or(config_.body_limit);
        if (parser.content_length().value_or(0) > limit) read_error = beast_http::error::body_limit;
        parser.body_limit(limit);  // a chunked body is counted as it comes
      }
      if (!read_error) read_error = parse_buffered(parser, buffer);
      if (!read_error && !parser.is_done()) {
        deadline.expires_after(config_.read_timeout);
        auto [body_error, body_bytes] = co_await beast_http::async_read(stream, buffer, parser, no_throw);
        deadline.expires_never();
        read_error = body_error;
      }
      if (read_error == beast_http::error::body_limit || read_error == beast_http::error::header_limit) {
        // Answer without reading the rest of the body, then close: the stream is not in sync.
        // Before closing, read and drop what the peer is still sending (a lingering close, as
        // nginx does): closing with unread bytes makes the kernel reset the connection, and a
        // client still writing its body may then lose the answer.
        const auto& head = parser.get();
        const auto request_id = new_uuid(random_);
        error_context request;  // the head is known only when the body was too large
        if (read_error == beast_http::error::body_limit) {
          request = {head.method(), path_of(std::string_view(head.target().data(), head.target().size())),
                     head.version(), &head, request_id};
        }
        request.request_id = request_id;
        auto res = routes_.error(errc::payload_too_large, request);
        finish(res, request_id, false);
        const auto write_error = co_await write_answer(stream, deadline, res, wire);
        observe(request.method, {}, res.result_int(), head_read_at, request_id, peer);
        if (!write_error && !stopping_) co_await drain(stream, deadline);
        break;
      }
      if (read_error) break;  // peer closed, timeout, malformed request: end this connection

      const auto& req = parser.get();
      request_context ctx{req, peer, new_uuid(random_), {}, {}, secure_request};
      const error_context about{req.method(), path_of(std::string_view(req.target().data(), req.target().size())),
                                req.version(), &req, ctx.request_id};
      response res;
      if (!has_one_host(req)) {
        res = routes_.error(errc::malformed_request, about);
      } else {
        try {
          res = co_await routes_.dispatch(ctx, std::move(route));
        } catch (const std::exception& e) {
          spdlog::error("request_id={} unhandled exception: {}", ctx.request_id, e.what());
          res = routes_.error(errc::internal, about);
        }
      }
      res.version(req.version());
      const bool keep_alive = req.keep_alive() && !stopping_;
      finish(res, ctx.request_id, keep_alive);
      const auto write_error = co_await write_answer(stream, deadline, res, wire);
      observe(req.method(), ctx.route, res.result_int(), head_read_at, ctx.request_id, peer);
      if (write_error || !keep_alive) break;
      if constexpr (std::is_same_v<Stream, tcp::socket>) {
        if (buffer.size() == 0 && likely_shares_its_thread()) {
          // Let this thread's other ready connections go first. Asio tries a read before it
          // waits for the socket to be readable, and right after an answer the peer's next
          // request is seldom there yet: that read fails with EAGAIN, one system call in
          // three on a keep-alive connection. After the others, the request has usually
          // arrived. Over TLS it saved no call (measured), so it is not done there
          // (docs/benchmarks.md, "Keep-alive: a leaner token path, fewer failed reads").
          co_await asio::post(conn->executor, asio::use_awaitable);
        }
      }
    }
    co_return false;
  }

  // Reads and drops the peer's bytes for at most linger_time or linger_bytes, until it closes.
  // Plain TCP says it is done first (FIN), so that a client reading the answer closes sooner;
  // TLS cannot (its close_notify comes after, from serve_tls).
  template <class Stream>
  static asio::awaitable<void> drain(Stream& stream, connection_deadline& deadline) {
    constexpr auto linger_time = std::chrono::seconds(2);
    constexpr std::size_t linger_bytes = 16 << 20;
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      boost::system::error_code ignored;
      stream.shutdown(tcp::socket::shutdown_send, ignored);
    }
    std::array<char, 16 * 1024> sink;
    deadline.expires_after(linger_time);
    for (std::size_t read = 0; read < linger_bytes;) {
      auto [error, n] = co_await stream.async_read_some(asio::buffer(sink), no_throw);
      if (error) break;
      read += n;
    }
    deadline.expires_never();
  }

  // A new connection's record, its deadline closing it through `close` (set by the caller, to
  // close whatever stream the connection is at the time). The caller tracks it, and calls
  // end_connection when the stream dies.
  std::shared_ptr<connection> open_connection(const asio::any_io_executor& executor) {
    auto conn = std::make_shared<connection>();
    conn->executor = executor;
    // Armed as far ahead as the shortest timeout set every request: setting either again never
    // re-arms the wait.
    const auto horizon = std::min(config_.idle_timeout, config_.read_timeout);
    conn->deadline = std::make_shared<connection_deadline>(executor, horizon, [weak = std::weak_ptr(conn)] {
      // Gone if the connection's frame unwound without end_connection (an exception).
      if (auto c = weak.lock(); c && c->close) c->close();
    });
    return conn;
  }
  // More open connections than I/O threads: this connection's thread likely serves others too.
  // Alone on its thread, a connection that yields between requests (serve) only pays for an
  // extra round of the reactor (measured: 5% more CPU per request at one connection per thread).
  bool likely_shares_its_thread() const { return open_.load(std::memory_order_relaxed) > pool_.size(); }

  void end_connection(connection& conn) {
    conn.deadline->stop();
    conn.close = nullptr;
  }

  asio::awaitable<void> run_plain(tcp::socket socket, std::string peer, slot) {
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);  // write_answer's first, synchronous write never blocks
    auto conn = open_connection(socket.get_executor());
    conn->close = [&socket] {
      boost::system::error_code ignored;
      socket.close(ignored);
    };
    const auto tracked = track(conn);
    if (co_await serve(socket, peer, conn, arrival::plain_listener)) {
      // A CONNECT tunnel: the same connection, now TLS with the proxy's certificate.
      tls_stream tunnel(std::move(socket), *proxy_->tunnel_tls);
      conn->close = [&tunnel] {
        boost::system::error_code ignored;
        beast::get_lowest_layer(tunnel).close(ignored);
      };
      co_await serve_tls(tunnel, std::move(peer), conn, arrival::in_tunnel);
      end_connection(*conn);  // before `tunnel` dies with this block
    } else {
      socket.shutdown(tcp::socket::shutdown_send, ignored);
      end_connection(*conn);  // before the socket dies with this frame
    }
    untrack(tracked);
  }

  asio::awaitable<void> run_tls(tcp::socket socket, std::string peer, slot) {
    tls_stream stream(std::move(socket), *tls_);
    auto conn = open_connection(stream.get_executor());
    conn->close = [&stream] {
      boost::system::error_code ignored;
      beast::get_lowest_layer(stream).close(ignored);
    };
    const auto tracked = track(conn);
    co_await serve_tls(stream, std::move(peer), conn, arrival::tls_listener);
    end_connection(*conn);  // before the stream dies with this frame
    untrack(tracked);
  }

  // A TLS listener's connection or a tunnel's inside (`where`): the handshake, then requests.
  asio::awaitable<void> serve_tls(tls_stream& stream, std::string peer, std::shared_ptr<connection> conn,
                                  arrival where) {
    auto& deadline = *conn->deadline;
    deadline.expires_after(config_.read_timeout);
    auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, no_throw);
    deadline.expires_never();
    if (handshake_error) co_return;
    co_await serve(stream, std::move(peer), conn, where);
    deadline.expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(no_throw);
  }

  // Closes some idle connections (idle_to_close), oldest first, to make room for new ones.
  void close_idle() {
    std::lock_guard lock(connections_mutex_);
    std::size_t idle = 0;
    for (auto& weak : connections_) {
      if (auto c = weak.lock(); c && c->idle) ++idle;
    }
    std::size_t most = idle_to_close(idle);
    for (auto& weak : connections_) {
      if (most == 0) break;
      auto c = weak.lock();
      if (!c || !c->idle) continue;
      --most;
      asio::post(c->executor, [c] {
        if (c->idle && c->close) c->close();
      });
    }
  }

  asio::awaitable<void> wait_for_slot(std::chrono::milliseconds most) {
    slot_freed_.expires_after(most);
    co_await slot_freed_.async_wait(no_throw);
  }

  void log_accept_error(const boost::system::error_code& error) {
    if (const auto held = accept_errors_.admit(std::chrono::steady_clock::now())) {
      spdlog::warn("accept failed: {} ({} open connections; {} more such failures not logged)", error.message(),
                   open_.load(), *held);
    }
  }

  // Accepts while under max_connections. At the limit it closes idle connections and waits for
  // a slot; out of descriptors (EMFILE, ENFILE) it does the same and backs off, never retrying
  // in a loop; the log says so at most once per 10 s.
  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    std::chrono::milliseconds backoff{0};
    while (!stopping_) {
      if (open_.load() >= config_.max_connections) {
        close_idle();
        co_await wait_for_slot(std::chrono::milliseconds(100));
        continue;
      }
      tcp::endpoint remote;  // from accept() itself: no getpeername() per connection
      auto [error, socket] = co_await acceptor_.async_accept(pool_.next(), remote, no_throw);
      if (error) {
        if (stopping_ || error == asio::error::operation_aborted) break;
        log_accept_error(error);
        if (is_resource_exhaustion(error)) {
          backoff = std::clamp(backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
          close_idle();
          co_await wait_for_slot(backoff);
        }
        continue;
      }
      backoff = std::chrono::milliseconds(0);
      open_.fetch_add(1);
      slot held(this);
      boost::system::error_code ec;
      socket.set_option(tcp::no_delay(true), ec);  // one write per response: never wait for Nagle
      std::string peer = remote.address().to_string();
      auto executor = socket.get_executor();
      auto on_done = [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::warn("connection ended by exception: {}", ex.what());
        }
      };
      if (tls_ != nullptr) {
        asio::co_spawn(executor, run_tls(std::move(socket), std::move(peer), std::move(held)), on_done);
      } else {
        asio::co_spawn(executor, run_plain(std::move(socket), std::move(peer), std::move(held)), on_done);
      }
    }
  }

  void shutdown() {
    if (stopping_.exchange(true)) return;
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    });
    std::lock_guard lock(connections_mutex_);
    for (auto& weak : connections_) {
      if (auto c = weak.lock()) {
        asio::post(c->executor, [c] {
          if (c->idle && c->close) c->close();
        });
      }
    }
  }
};

server::server(runtime::io_context_pool& pool, const http_config& config, const router& routes, random_source& random,
               asio::ssl::context* tls, request_observer* observer, const proxy_options* proxy)
    : impl_(std::make_shared<impl>(pool, config, routes, random, tls, observer, proxy)) {}

server::~server() = default;

std::uint16_t server::listen() {
  const tcp::endpoint endpoint(asio::ip::make_address(impl_->config_.listen_address), impl_->config_.port);
  auto& acceptor = impl_->acceptor_;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

void server::start() { asio::co_spawn(impl_->acceptor_.get_executor(), impl_->accept_loop(), asio::detached); }

void server::shutdown() { impl_->shutdown(); }

bool server::stopping() const { return impl_->stopping_; }

}  // namespace rekey::http
