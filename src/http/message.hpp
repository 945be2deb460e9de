// The HTTP message types every handler speaks, and the context one request carries.
// Plain types; a request_context belongs to the connection that read the request.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace rekey::http {

namespace beast_http = boost::beast::http;
using request = beast_http::request<beast_http::string_body>;
using response = beast_http::response<beast_http::string_body>;
using status = beast_http::status;
using verb = beast_http::verb;

// True for an absent, empty or whitespace-only body ("no body" to every endpoint).
inline bool is_blank(std::string_view body) { return body.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// One `{name}` segment of a route pattern and the value it matched (views into the pattern
// and the request target).
struct path_param {
  std::string_view name;
  std::string_view value;
};

struct request_context {
  const request& req;
  std::string peer;        // remote IP address, for throttling and logs
  std::string request_id;  // lowercase UUID, echoed as x-amzn-RequestId
  std::string_view route;  // the matched route's pattern (router::dispatch), never the raw path
  std::vector<path_param> params;
  bool secure = false;  // the client speaks TLS to rekey (a TLS listener, a proxy tunnel or an https:// target)

  // A path parameter of the matched route; empty when there is none of that name.
  std::string_view param(std::string_view name) const {
    for (const auto& p : params)
      if (p.name == name) return p.value;
    return {};
  }

  std::string_view header(std::string_view name) const {
    const auto it = req.find(name);
    return it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
  }
};

}  // namespace rekey::http
