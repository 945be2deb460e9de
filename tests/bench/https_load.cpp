// make bench's HTTPS load generator (issue #20, docs/benchmarks.md): drives one HTTPS server with
// a fixed request over many connections, in one of three ways clients really behave:
//   keep-alive  every connection sends request after request (one handshake each);
//   new         a new connection per request, a full handshake every time (Python's requests,
//               curl in a loop: no session is kept);
//   resume      a new connection per request, resuming the previous connection's TLS session
//               (Node's https.Agent keeps sessions, so the official SP-API SDK does this).
// Hand-written because no load tool here does the second: wrk (Debian's 4.1) always resumes
// TLS 1.2 sessions, h2load keeps connections, and `openssl s_time` sends only a GET, one
// connection at a time. Prints one line: requests/s, answers by class, and the share resumed.
//
// Usage: https_load --port P --request FILE [--host 127.0.0.1] [--mode keep-alive|new|resume]
//                   [--connections 32] [--threads 2] [--seconds 5] [--tls 1.3|1.2]
// FILE holds the raw request (head and body); for new and resume it must say Connection: close.
#include <openssl/ssl.h>
#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

enum class mode { keep_alive, new_connection, resume };

struct options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string request_file;
  mode how = mode::keep_alive;
  unsigned connections = 32;
  unsigned threads = 2;
  double seconds = 5;
  bool tls12 = false;
};

struct counters {
  std::atomic<std::uint64_t> ok{0};          // 2xx
  std::atomic<std::uint64_t> refused{0};     // 4xx (429 is the rotate target's expected answer)
  std::atomic<std::uint64_t> failed{0};      // 5xx, or no answer (connect, handshake, read errors)
  std::atomic<std::uint64_t> handshakes{0};  // completed handshakes
  std::atomic<std::uint64_t> resumed{0};     // of which resumed a session
};

// The command line (CLI11, as rekey's own); nullopt when it printed --help or an error.
std::optional<options> parse(int argc, char** argv, int& exit_code) {
  options o;
  std::string how = "keep-alive";
  std::string tls = "1.3";
  CLI::App app{"make bench's HTTPS load generator (docs/benchmarks.md)"};
  app.add_option("--host", o.host, "server address");
  app.add_option("--port", o.port, "server port")->required();
  app.add_option("--request", o.request_file, "file with the raw request, head and body")->required();
  app.add_option("--mode", how, "keep-alive, new (a full handshake per request) or resume")
      ->check(CLI::IsMember({"keep-alive", "new", "resume"}));
  app.add_option("--connections", o.connections, "connections at once")->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "client threads")->check(CLI::PositiveNumber);
  app.add_option("--seconds", o.seconds, "duration")->check(CLI::PositiveNumber);
  app.add_option("--tls", tls, "TLS version")->check(CLI::IsMember({"1.2", "1.3"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  o.how = how == "new" ? mode::new_connection : how == "resume" ? mode::resume : mode::keep_alive;
  o.tls12 = tls == "1.2";
  return o;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void count_answer(counters& c, unsigned status) {
  if (status >= 200 && status < 300) {
    ++c.ok;
  } else if (status >= 400 && status < 500) {
    ++c.refused;
  } else {
    ++c.failed;
  }
}

struct session_deleter {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using session_ptr = std::unique_ptr<SSL_SESSION, session_deleter>;

// One client connection slot: connects, sends, reads the answer; again, until the deadline.
asio::awaitable<void> drive(const options& o, asio::ssl::context& tls, const tcp::resolver::results_type& where,
                            const std::string& request, std::chrono::steady_clock::time_point deadline, counters& c) {
  auto executor = co_await asio::this_coro::executor;
  session_ptr previous;
  while (std::chrono::steady_clock::now() < deadline) {
    asio::ssl::stream<tcp::socket> stream(executor, tls);
    if (o.how == mode::resume && previous) SSL_set_session(stream.native_handle(), previous.get());
    auto [connect_error, endpoint] = co_await asio::async_connect(stream.next_layer(), where, no_throw);
    if (connect_error) {
      ++c.failed;
      continue;
    }
    stream.next_layer().set_option(tcp::no_delay(true));
    auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::client, no_throw);
    if (handshake_error) {
      ++c.failed;
      continue;
    }
    ++c.handshakes;
    if (SSL_session_reused(stream.native_handle()) == 1) ++c.resumed;
    beast::flat_buffer buffer;
    do {
      auto [write_error, written] = co_await asio::async_write(stream, asio::buffer(request), no_throw);
      if (write_error) {
        ++c.failed;
        break;
      }
      beast::http::response_parser<beast::http::string_body> parser;
      parser.body_limit(1 << 20);
      auto [read_error, read] = co_await beast::http::async_read(stream, buffer, parser, no_throw);
      if (read_error) {
        ++c.failed;
        break;
      }
      count_answer(c, parser.get().result_int());
    } while (o.how == mode::keep_alive && std::chrono::steady_clock::now() < deadline);
    // TLS 1.3 sends its session tickets after the handshake: they have been read with the answer.
    if (o.how == mode::resume) previous.reset(SSL_get1_session(stream.native_handle()));
    // Closed as a finished connection, without waiting for the server's close_notify: OpenSSL
    // would otherwise mark the session not resumable when the stream is freed.
    SSL_set_shutdown(stream.native_handle(), SSL_SENT_SHUTDOWN);
    boost::system::error_code ignored;
    stream.next_layer().close(ignored);
  }
}

}  // namespace

int main(int argc, char** argv) try {
  int exit_code = 0;
  const auto parsed = parse(argc, argv, exit_code);
  if (!parsed) return exit_code;
  const auto& o = *parsed;
  const auto request = read_file(o.request_file);
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);  // the bench's own certificate, on loopback
  const int version = o.tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  SSL_CTX_set_min_proto_version(tls.native_handle(), version);
  SSL_CTX_set_max_proto_version(tls.native_handle(), version);
  if (o.how == mode::new_connection) SSL_CTX_set_options(tls.native_handle(), SSL_OP_NO_TICKET);

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (unsigned i = 0; i < std::max(1u, o.threads); ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  tcp::resolver resolver(*contexts.front());
  const auto where = resolver.resolve(o.host, o.port);
  counters c;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(o.seconds));
  for (unsigned i = 0; i < o.connections; ++i) {
    asio::co_spawn(*contexts[i % contexts.size()], drive(o, tls, where, request, deadline, c), asio::detached);
  }
  std::vector<std::thread> threads;
  for (auto& ctx : contexts) threads.emplace_back([&ctx] { ctx->run(); });
  for (auto& t : threads) t.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  const auto answered = c.ok + c.refused;
  std::printf("requests/s %.0f  2xx %llu  4xx %llu  failed %llu  handshakes %llu  resumed %.3f\n",
              static_cast<double>(answered) / elapsed.count(), static_cast<unsigned long long>(c.ok.load()),
              static_cast<unsigned long long>(c.refused.load()), static_cast<unsigned long long>(c.failed.load()),
              static_cast<unsigned long long>(c.handshakes.load()),
              c.handshakes == 0 ? 0.0 : static_cast<double>(c.resumed) / static_cast<double>(c.handshakes));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "https_load: %s\n", e.what());
  return 2;
}
