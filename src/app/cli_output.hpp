// cli_output: what the rekey CLI prints of an admin API answer for people (`--output text`, the
// default): tables and short blocks with names, states in words and every time both absolute (UTC)
// and relative to now ("in 3 days", "2 hours ago"). `--output json` prints the answer itself and
// needs nothing here. Not an HTTP client and no I/O: pure functions of an answer's JSON text and a
// `now`, so each rendering is tested without a server. Prints what the answer carries and nothing
// more — the one-time secrets of creation calls too, labelled "(shown once)". No colour. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/config.hpp"

namespace rekey {

enum class output_format { text, json };

// Which admin API call an answer came from: it decides the answer's shape (src/api/admin_json.cpp).
enum class answer_kind {
  application_list,     // GET /admin/v1/applications
  application,          // GET /admin/v1/applications/{id}
  created_application,  // POST /admin/v1/applications: with the client secret, once
  token_settings,       // PUT /admin/v1/applications/{id}/token-settings
  rotation,             // POST /admin/v1/applications/{id}/rotate
  usage_plan,           // PUT /admin/v1/applications/{id}/usage-plan: the application record
  destination,          // POST /admin/v1/applications/{id}/destinations: a webhook's signing secret, once
  destination_test,     // POST /admin/v1/destinations/{id}/test
  subscription,         // PUT /admin/v1/applications/{id}/subscriptions/{type}
  unsubscribed,         // DELETE /admin/v1/applications/{id}/subscriptions/{type}: 204, no body
  refresh_token,        // POST /admin/v1/applications/{id}/refresh-tokens: the token, once
  access_key,           // POST /admin/v1/access-keys: the secret access key, once
  access_key_list,      // GET /admin/v1/access-keys
  access_key_revoked,   // POST /admin/v1/access-keys/{id}/revoke
  secret,               // POST /admin/v1/applications/{id}/secrets/{secretId}/revoke
  delivery_list,        // GET /admin/v1/deliveries
  delivery,             // POST /admin/v1/deliveries/{id}/retry
  audit_list,           // GET /admin/v1/audit
  audit_verification,   // GET /admin/v1/audit/verify
  queue_list,           // GET /admin/v1/queues
  queue_messages,       // GET /admin/v1/queues/{account}/{name}/messages
  revealed_message,     // POST /admin/v1/queues/{account}/{name}/messages/{id}/reveal
  purged,               // POST /admin/v1/queues/{account}/{name}/purge
  system,               // GET /admin/v1/system, PUT /admin/v1/system/maintenance
  dev_clock,            // GET and POST /admin/v1/dev/clock

  resource_server_list,     // GET /admin/v1/resource-servers
  resource_server,          // GET /admin/v1/resource-servers/{id}
  created_resource_server,  // POST /admin/v1/resource-servers: with the client secret, once
  resource_server_revoked,  // POST /admin/v1/resource-servers/{id}/revoke
  jwt_key_list,             // GET /admin/v1/jwt-keys
  jwt_key,                  // POST /admin/v1/jwt-keys/rotate: the new signing key
};

// The text for people of `answer`, the body of a 2xx answer to a `kind` call (empty for 204).
// Relative times are reckoned from the answer's own "now" when it has one, else from `now`.
// `default_plan` is the usage plan shown, marked "(default)", where an application has none of
// its own (the server's: GET /admin/v1/system's defaultUsagePlan). An answer that is not the
// JSON expected comes back as it is. Ends with a newline unless empty.
std::string render_text(answer_kind kind, std::string_view answer, time_point now,
                        const rate_limit_config& default_plan = {});

// Whether render_text of `kind` shows times relative to now that the answer itself does not
// carry (the CLI then asks the server for its clock).
bool shows_relative_times(answer_kind kind);

// A refused call for people: "the server answered 400 InvalidInput: <message> (<details>)", from
// the admin API's error list; other bodies are shown as they are. No trailing newline.
std::string render_error(int status, std::string_view answer);

// The building blocks, exposed for their tests.

// "2024-01-10T22:09:17.456Z" (the wire format, SPEC §2; fraction optional) as a time; nullopt
// when it is not that.
std::optional<time_point> parse_wire_time(std::string_view text);
// "2024-01-10 22:09:17 UTC".
std::string utc_time(time_point t);
// "in 3 days", "2 hours ago", "just now": the nearest whole unit — seconds under 90 s, minutes
// under 90 min, hours under 36 h, days beyond.
std::string relative_time(time_point t, time_point now);

}  // namespace rekey
