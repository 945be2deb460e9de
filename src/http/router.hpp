// router: maps method and path to a handler. Routes by path only, never by Host (SP-API
// clients arrive with Amazon host names). A route's path is exact ("/auth/o2/token") or a
// pattern whose `{name}` segments match one non-empty segment each
// ("/admin/v1/applications/{id}"); a handler reads them with request_context::param(). Exact
// routes are tried first, then patterns, then prefixes, in the order added. Anything unmatched,
// and every error the transport itself answers (413, 500), is answered by the error responder
// the router was made with, so that each surface keeps its own error shape and the transport
// knows none. Routes are added before serving starts; afterwards the router is read-only and
// thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errc.hpp"
#include "http/message.hpp"

namespace rekey::http {

using handler = std::function<boost::asio::awaitable<response>(request_context&)>;
// What is known of a request the transport or the router answers itself: its method, path and
// header fields (verb::unknown, an empty path and no fields when the head could not be read),
// and the request id the answer will carry.
struct error_context {
  verb method = verb::unknown;
  std::string_view path;
  unsigned version = 11;
  const beast_http::fields* fields = nullptr;
  std::string_view request_id;
};
// The answer for an error the transport or the router meets: not_found, payload_too_large,
// malformed_request, internal.
using error_responder = std::function<response(errc error, const error_context& request)>;

// One route as the router holds it: for the route table an operator reads, and the metrics'
// route label. A prefix route's path is its prefix, and it takes every method (verb::unknown).
struct route_info {
  verb method = verb::unknown;
  std::string path;
  bool prefix = false;
};

class router {
  struct route;
  struct prefix_route;

 public:
  explicit router(error_responder errors) : errors_(std::move(errors)) {}

  // `body_limit`: the largest request body this route takes, when it is not the listener's
  // (http_config::body_limit); larger bodies are answered 413 in the route's error shape.
  void add(verb method, std::string path, handler h, std::optional<std::size_t> body_limit = std::nullopt);
  // Every method and every path under prefix (e.g. "/admin/v1/") goes to h.
  void add_prefix(std::string prefix, handler h);

  // Where a request goes: found once per request, from its head (for the route's body limit,
  // before the body is read), then dispatched.
  class match {
   public:
    // The route's own body limit, when it has one (never a prefix's).
    std::optional<std::size_t> body_limit() const { return route_ != nullptr ? route_->body_limit : std::nullopt; }

   private:
    friend class router;
    const route* route_ = nullptr;
    const prefix_route* prefix_ = nullptr;
    std::vector<path_param> params;  // a pattern's {name} segments
  };
  match find(verb method, std::string_view path) const;

  // Sets ctx.route (the matched pattern) and ctx's path parameters, then runs the handler:
  // the one `found` for ctx's method and path (find), or, without it, the one find gives.
  boost::asio::awaitable<response> dispatch(request_context& ctx, match found) const;
  boost::asio::awaitable<response> dispatch(request_context& ctx) const;
  response error(errc e, const error_context& request) const { return errors_(e, request); }
  // The body limit of the route for method and path, when it has one of its own.
  std::optional<std::size_t> body_limit(verb method, std::string_view path) const {
    return find(method, path).body_limit();
  }
  // The largest of the routes' own body limits and `fallback`: what the transport may have to read.
  std::size_t largest_body_limit(std::size_t fallback) const;
  // Every route, in the order it is tried: exact and pattern routes, then prefixes.
  std::vector<route_info> routes() const;

 private:
  struct route {
    verb method;
    std::string path;
    handler h;
    bool pattern;  // has {name} segments
    std::optional<std::size_t> body_limit;
  };
  struct prefix_route {
    std::string prefix;
    handler h;
  };
  error_responder errors_;
  std::vector<route> routes_;          // in the order added
  std::size_t largest_own_limit_ = 0;  // the largest route body limit, kept as routes are added
  std::vector<prefix_route> prefixes_;
};

// The path part of a request target (without query string).
std::string_view path_of(std::string_view target);

// True when `path` matches `pattern`; each {name} segment's value is appended to `params`.
bool match_pattern(std::string_view pattern, std::string_view path, std::vector<path_param>& params);

}  // namespace rekey::http
