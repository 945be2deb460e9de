// Fuzzes the HTTP request head and body framing exactly as src/http/server.cpp configures Beast:
// request_parser<string_body> with rekey's default header_limit (16 KiB) and body_limit (64 KiB)
// from core/config.hpp, fed through one buffer the way server.cpp's read_head, then
// parse_buffered and Beast's async_read for the body, feed it (not eager until the head is done), in chunk splits taken
// from the input, several requests per connection (keep-alive), EOF at the end. For each complete request it reads what
// the server reads (target, method, version, keep-alive, headers, body) and routes the path with the router's public
// pieces (path_of, match_pattern on the admin API's patterns).
//
// Input: byte 0 (mod 8) = how many chunk-size bytes follow; those bytes (each 1–256) are the
// read sizes, cycled; the rest is the bytes on the connection. With no chunk-size bytes the
// whole stream arrives at once.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace {

namespace beast_http = boost::beast::http;
using parser_type = beast_http::request_parser<beast_http::string_body>;

// The patterns admin_api::add_routes and queue_admin_api::add_routes register.
constexpr std::string_view admin_patterns[] = {
    "/admin/v1/applications/{id}",
    "/admin/v1/applications/{id}/usage-plan",
    "/admin/v1/applications/{id}/rotate",
    "/admin/v1/queues/{account}/{name}/messages",
    "/admin/v1/queues/{account}/{name}/messages/{messageId}/reveal",
    "/admin/v1/queues/{account}/{name}/purge",
    "/admin/v1/access-keys/{id}/revoke",
    "/admin/v1/applications/{id}/destinations",
    "/admin/v1/applications/{id}/subscriptions/{type}",
    "/admin/v1/applications/{id}/refresh-tokens",
    "/admin/v1/applications/{id}/secrets/{secretId}/revoke",
    "/admin/v1/deliveries/{id}/retry",
    "/admin/v1/destinations/{id}/test",
};

// A new parser for the next request on the connection, with the server's limits.
void fresh_parser(std::optional<parser_type>& p) {
  const rekey::http_config defaults;
  p.emplace();
  p->header_limit(static_cast<std::uint32_t>(defaults.header_limit));
  p->body_limit(defaults.body_limit);
}

// What server::serve and the handlers read of a complete request.
void use(const rekey::http::request& req) {
  const auto target = std::string_view(req.target().data(), req.target().size());
  const auto path = rekey::http::path_of(target);
  if (path.size() > target.size()) std::abort();
  std::vector<rekey::http::path_param> params;
  for (const auto pattern : admin_patterns) {
    if (rekey::http::match_pattern(pattern, path, params)) {
      for (const auto& p : params) {
        if (p.value.empty()) std::abort();  // a {name} segment matches one non-empty segment
      }
    }
    params.clear();
  }
  volatile std::size_t sink = 0;
  sink = sink + req.method_string().size() + req.version() + (req.keep_alive() ? 1 : 0) + req.body().size();
  for (const auto& field : req) sink = sink + field.name_string().size() + field.value().size();
  for (const auto name : {"Authorization", "Content-Type", "X-Amz-Target", "Host", "x-amz-date"}) {
    for (auto [it, end] = req.equal_range(name); it != end; ++it) sink = sink + it->value().size();
  }
  (void)rekey::http::is_blank(req.body());
}

}  // namespace

// Boost 1.81's basic_parser asserts n >= 5 in parse_chunk_header when the last chunk "0\r\n" has
// been read and the next read brings one byte (tests/fuzz/crashes/fuzz_http_request/, found by
// this harness; boostorg/beast#2861, fixed in later Boost: the assertion is wrong, the code after
// it right, so only builds with assertions on — rekey's Debug sanitizer build — abort). Until
// Debian's Boost has the fix the harness merges that one-byte read into the next, so that the
// run goes on finding other things; REKEY_FUZZ_BEAST_2861=1 turns this off to reproduce it.
const bool avoid_beast_2861 = std::getenv("REKEY_FUZZ_BEAST_2861") == nullptr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t splits = data[0] % 8;
  if (1 + splits > size) splits = size - 1;
  std::vector<std::size_t> chunk_sizes;
  for (std::size_t i = 0; i < splits; ++i) chunk_sizes.push_back(std::size_t{data[1 + i]} + 1);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1 + splits, size - 1 - splits);

  std::string buffer;  // the connection's flat_buffer: read but not yet consumed
  std::size_t offset = 0;
  std::size_t next_chunk = 0;
  std::optional<parser_type> parser;
  fresh_parser(parser);
  for (;;) {
    // Consume what the buffer holds.
    bool need_more = false;
    while (!need_more) {
      parser->eager(parser->is_header_done());
      boost::system::error_code ec;
      const auto used = parser->put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      if (used > buffer.size()) std::abort();
      buffer.erase(0, used);
      if (ec == beast_http::error::need_more) {
        need_more = true;
      } else if (ec) {
        // header_limit / body_limit: the server answers 413 and closes; any other error closes.
        if (ec == beast_http::error::body_limit) {
          const auto target = parser->get().target();
          (void)rekey::http::path_of(std::string_view(target.data(), target.size()));
        }
        return 0;
      } else if (parser->is_done()) {
        use(parser->get());
        if (!parser->get().keep_alive()) return 0;
        fresh_parser(parser);
        if (buffer.empty()) need_more = true;
      } else if (used == 0) {
        need_more = true;
      }
    }
    // Read the next chunk, or meet the end of the stream.
    if (offset == stream.size()) {
      // As Beast's read does: EOF before any byte of a request is end_of_stream, not put_eof.
      if (!parser->got_some()) return 0;
      boost::system::error_code ec;
      parser->put_eof(ec);
      if (!ec && parser->is_done()) use(parser->get());
      return 0;
    }
    const std::size_t n = chunk_sizes.empty()
                              ? stream.size() - offset
                              : std::min(chunk_sizes[next_chunk++ % chunk_sizes.size()], stream.size() - offset);
    buffer.append(stream.substr(offset, n));
    offset += n;
    if (avoid_beast_2861 && parser->is_header_done() && parser->chunked() && buffer.size() == 4 &&
        buffer.starts_with("0\r\n")) {
      if (offset == stream.size()) return 0;  // the peer closed mid-message: partial_message
      buffer.push_back(stream[offset++]);     // the same bytes, one read later
    }
  }
}
