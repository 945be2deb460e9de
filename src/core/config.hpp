// config: every setting of `rekey serve`, with its default.
//
// Plain data. src/app/config_loader fills it from, in rising precedence, the defaults here, a
// TOML file, REKEY_* environment variables and command-line flags. Nothing else reads the
// environment or files for settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace rekey {

// An address and port to listen on ("127.0.0.1:8080", "[::1]:8080").
struct listen_endpoint {
  std::string address;
  std::uint16_t port = 0;
};

struct http_config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;                  // 0: one io_context thread per core
  std::size_t header_limit = 16 * 1024;  // bytes
  std::size_t body_limit = 64 * 1024;    // bytes; larger bodies get 413
  millis idle_timeout{60'000};           // keep-alive connection waiting for a request
  millis read_timeout{30'000};           // reading one request once it has begun
  std::string tls_cert_file;             // both set: serve HTTPS
  std::string tls_key_file;
  std::size_t max_pending_storage_jobs = 10'000;  // beyond: 503 ServiceUnavailable
  // Open connections at most (0: from the file-descriptor limit, leaving room for the database
  // and outbound connections). At the limit, idle keep-alive connections are closed to make room;
  // with none idle, new connections wait in the listen backlog until one ends.
  std::size_t max_connections = 0;
  // The admin API and the console on a listener of their own (port 0 picks a free one); none: on
  // this listener. With it, this listener answers 404 for /admin/ and /console/.
  std::optional<listen_endpoint> admin_listen;
  // /metrics on a management listener of its own; none: on this listener (and the admin one).
  std::optional<listen_endpoint> metrics_listen;
  // This listener is also an HTTP proxy for Amazon's host names (http/proxy.hpp); always on in --dev.
  bool proxy = false;
};

struct secret_policy_config {
  millis secret_lifetime{180LL * 86'400'000};  // a new secret's life
  millis old_secret_grace{7LL * 86'400'000};   // how long the previous secret stays valid
  unsigned max_valid_secrets = 2;              // current + old; older ones are retired
  millis access_token_lifetime{3'600'000};
  // A new JWT signing key is published this long before it signs (resource servers cache the JWKS).
  millis jwt_key_lead{15 * 60'000};
  // APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY warnings, this long before the current secret expires.
  std::vector<millis> expiry_warnings{millis{90LL * 86'400'000}, millis{60LL * 86'400'000}, millis{30LL * 86'400'000},
                                      millis{15LL * 86'400'000}, millis{7LL * 86'400'000},  millis{1LL * 86'400'000}};
};

struct rate_limit_config {
  double rotate_rate = 0.0167;  // requests per second (SP-API usage plan)
  unsigned rotate_burst = 1;
};

struct throttle_config {
  unsigned failures_per_client = 10;  // authentication failures per window per client id
  unsigned failures_per_peer = 100;   // authentication failures per window per peer address
  millis window{60'000};
  // A refused token request (invalid_client, invalid_grant) is answered this long after it was
  // read, not sooner: an unknown client id, a wrong secret and a retired one take the same time.
  millis failure_delay{20};
};

struct delivery_config {
  millis retry_budget{24LL * 3'600'000};  // then an undeliverable notification is dead
  millis lease{60'000};                   // a claimed item is due again after this (crashed worker)
  millis poll_interval{250};              // relay pass interval when nothing pokes it
  int batch = 100;                        // items claimed per pass
};

struct config {
  std::string data_dir = "./rekey-data";
  std::string database;                  // empty: <data_dir>/rekey.db
  std::size_t database_connections = 2;  // PostgreSQL: pooled connections, one storage thread each
  std::string master_key_file;           // empty and no REKEY_MASTER_KEY: <data_dir>/master.key (generated)
  std::string master_key_hex;            // from REKEY_MASTER_KEY
  bool dev = false;                      // create a demo application on first start
  // --dev: serve HTTPS with the local CA's certificate for Amazon's host names (<data_dir>/tls,
  // made when missing).
  bool dev_tls = false;
  // What the SP-API sandbox host names answer the rotate call: "static" (Amazon's sandbox) or
  // "production".
  std::string sandbox = "static";
  // The authorization server's issuer (JWT iss, RFC 8414 metadata); empty: the main listener's URL.
  std::string issuer;
  std::string log_level = "info";
  std::string log_format = "text";  // "text" or "json" (one object per line)
  bool access_log = false;          // one line per answer: method, route, status, duration, request id, peer
  http_config http;
  secret_policy_config secrets;
  rate_limit_config rate_limit;
  throttle_config throttle;
  delivery_config delivery;
};

}  // namespace rekey
