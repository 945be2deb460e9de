// admin_client: the CLI's side of the admin API — one blocking HTTP/1.1 request per call,
// plain HTTP (the admin API is meant for loopback or a private network; see README).
// Not thread-safe; the CLI is single-threaded.
#pragma once

#include <string>

namespace rekey {

struct admin_reply {
  int status = 0;
  std::string body;
};

class admin_client {
 public:
  // server: "http://host:port". Throws std::runtime_error for a malformed URL.
  admin_client(const std::string& server, std::string token);

  // Throws std::runtime_error when the server cannot be reached.
  admin_reply call(const std::string& method, const std::string& target, const std::string& json_body = "") const;

 private:
  std::string host_;
  std::string port_;
  std::string token_;
};

}  // namespace rekey
