// cli_output_platform: the text for people of the admin API's answers about the platform — what
// rekey runs beside the applications and their secrets, destinations, deliveries and audit trail
// (those are rendered in cli_output.cpp). "Platform" is: the tokens rekey issues (an application's
// token settings, the JWT signing keys, the resource servers that introspect tokens), its
// embedded queue and the access keys to it, and the server itself (system status, the dev clock).
// Each function renders the answer of the answer_kind it is named after (system_status renders
// answer_kind::system) and is called only by cli_output.cpp's dispatch, which parses the answer
// and makes the `view`; all are built from cli_text.hpp's helpers. Internal to the CLI's output;
// pure functions. Thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "app/cli_text.hpp"

namespace rekey::cli_output_platform {

// ---- Tokens.

// Adds the lines "token format", "scopes" and "audience" of a tokenSettings object to `b` (also
// part of an application's rendering).
void add_token_settings(cli_text::block& b, const boost::json::object& settings);

std::string token_settings(const boost::json::object& a);
std::string resource_server_list(const boost::json::object& a, const cli_text::view& v);
std::string resource_server(const boost::json::object& r, const cli_text::view& v);
std::string created_resource_server(const boost::json::object& r, const cli_text::view& v);
std::string resource_server_revoked(const boost::json::object& r, const cli_text::view& v);
std::string jwt_key_list(const boost::json::object& a, const cli_text::view& v);
std::string jwt_key(const boost::json::object& k, const cli_text::view& v);

// ---- The embedded queue and its access keys.

std::string access_key(const boost::json::object& k);
std::string access_key_list(const boost::json::object& a, const cli_text::view& v);
std::string queue_list(const boost::json::object& a);
std::string queue_messages(const boost::json::object& a, const cli_text::view& v);
std::string revealed_message(const boost::json::object& a);

// ---- The server.

std::string system_status(const boost::json::object& a);
std::string dev_clock(const boost::json::object& a);

}  // namespace rekey::cli_output_platform
