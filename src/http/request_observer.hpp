// request_observer: told of every answer a listener sends, once it is written — for metrics and
// the access log. What it is given names the request by its route pattern, never its path or
// query string, so nothing a client put in the request reaches it but the method.
#pragma once

#include <chrono>
#include <string_view>

#include "http/message.hpp"

namespace rekey::http {

struct answered_request {
  verb method = verb::unknown;
  std::string_view route;  // the matched route's pattern; empty when none matched (or the transport answered)
  unsigned status = 0;
  std::chrono::steady_clock::duration duration{};  // from the request's head read to the answer written
  std::string_view request_id;
  std::string_view peer;
};

class request_observer {
 public:
  virtual ~request_observer() = default;
  // Called on the I/O thread that wrote the answer; must not block.
  virtual void answered(const answered_request& request) = 0;
};

}  // namespace rekey::http
