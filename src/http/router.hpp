// router: maps method and path to a handler. Routes by path only, never by Host (SP-API
// clients arrive with Amazon host names). Anything unmatched is 404 NotFound as an ErrorList,
// without x-amzn-RateLimit-Limit. Routes are added before serving starts; afterwards the
// router is read-only and thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace rekey::http {

using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

class router {
 public:
  void add(verb method, std::string path, handler h);
  // Every method and every path under prefix (e.g. "/admin/v1/") goes to h.
  void add_prefix(std::string prefix, handler h);

  boost::asio::awaitable<response> dispatch(request_context& ctx) const;

 private:
  struct route {
    verb method;
    std::string path;
    handler h;
  };
  struct prefix_route {
    std::string prefix;
    handler h;
  };
  std::vector<route> routes_;
  std::vector<prefix_route> prefixes_;
};

// The path part of a request target (without query string).
std::string_view path_of(std::string_view target);

}  // namespace rekey::http
