#include "app/cli_output_platform.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "app/cli_output.hpp"

namespace rekey::cli_output_platform {

using namespace cli_text;

// ---- Token settings: what kind of access token an application gets, its custom scopes, its audience.

namespace {

std::string token_format_words(std::string_view format) {
  if (format == "opaque") return "opaque (Atc| tokens, checked by introspection)";
  if (format == "jwt") return "JWT (RFC 9068 at+jwt, verifiable against /.well-known/jwks.json)";
  return clean(format);
}

// The granted custom scopes, space-separated as OAuth writes them.
std::string scope_words(const json::object& settings) {
  std::string out;
  if (const auto* scopes = array_at(settings, "scopes")) {
    for (const auto& scope : *scopes) {
      if (scope.is_string()) out += (out.empty() ? "" : " ") + clean(scope.get_string());
    }
  }
  return out.empty() ? "none of its own (SP-API scopes only)" : out;
}

}  // namespace

void add_token_settings(block& b, const json::object& settings) {
  const auto format = text_at(settings, "tokenFormat");
  const auto audience = clean(text_at(settings, "audience"));
  b.add("token format", token_format_words(format)).add("scopes", scope_words(settings));
  if (!audience.empty()) {
    b.add("audience", audience);
  } else {
    b.add("audience", format == "jwt" ? "none: its JWTs carry the issuer as aud" : "none");
  }
}

std::string token_settings(const json::object& a) {
  block b;
  add_token_settings(b, a);
  return fmt::format("token settings set for {}\n", clean(text_at(a, "applicationId"))) + b.render();
}

// ---- Resource servers: the APIs that check rekey's tokens at POST /auth/o2/introspect.

namespace {

std::string resource_server_audience(const json::object& r) {
  const auto audience = clean(text_at(r, "audience"));
  return audience.empty() ? "none: it may introspect tokens of any audience" : audience;
}

}  // namespace

std::string resource_server(const json::object& r, const view& v) {
  block b;
  b.add("resource server id", clean(text_at(r, "resourceServerId"))).add("audience", resource_server_audience(r));
  b.add("created", v.when(time_at(r, "createdAt")));
  if (const auto revoked = time_at(r, "revokedAt")) {
    b.add("state", "REVOKED " + v.when(revoked) + ": its credentials no longer authenticate");
  } else {
    b.add("state", "active: authenticates to POST /auth/o2/introspect");
  }
  return clean(text_at(r, "name")) + "\n" + b.render();
}

std::string created_resource_server(const json::object& r, const view& v) {
  const auto id = clean(text_at(r, "resourceServerId"));
  block b;
  b.add("resource server id", id).add("client secret (shown once)", clean(text_at(r, "clientSecret")));
  b.add("audience", resource_server_audience(r)).add("created", v.when(time_at(r, "createdAt")));
  return fmt::format("created resource server {}\n", clean(text_at(r, "name"))) + b.render() +
         "rekey keeps only a keyed hash of the client secret: store it now, it cannot be shown again\n" +
         fmt::format(
             "it authenticates to POST /auth/o2/introspect as {} with this secret (HTTP Basic, or the client_id "
             "and client_secret form fields)\n",
             id);
}

std::string resource_server_list(const json::object& a, const view& v) {
  table t({"RESOURCE SERVER ID", "NAME", "AUDIENCE", "CREATED", "REVOKED"});
  if (const auto* servers = array_at(a, "resourceServers")) {
    for (const auto& item : *servers) {
      if (!item.is_object()) continue;
      const auto& r = item.get_object();
      const auto audience = clean(text_at(r, "audience"));
      t.add({clean(text_at(r, "resourceServerId")), clean(text_at(r, "name")), audience.empty() ? "-" : audience,
             v.when(time_at(r, "createdAt")), v.when(time_at(r, "revokedAt"))});
    }
  }
  if (t.size() == 0) return "no resource servers\n";
  return t.render() + plural(static_cast<std::int64_t>(t.size()), "resource server", "resource servers") + "\n";
}

std::string resource_server_revoked(const json::object& r, const view& v) {
  return fmt::format("revoked resource server {} ({}): its credentials no longer authenticate\n",
                     clean(text_at(r, "resourceServerId")), clean(text_at(r, "name"))) +
         block().add("revoked", v.when(time_at(r, "revokedAt"))).render();
}

// ---- JWT signing keys: published at /.well-known/jwks.json before they sign and until their last token expires.

namespace {

std::string jwt_key_state_words(std::string_view state) {
  if (state == "next") return "next: published, not signing yet";
  if (state == "active") return "active: signs new tokens";
  if (state == "retiring") return "retiring: published, no longer signs";
  return clean(state);
}

}  // namespace

std::string jwt_key_list(const json::object& a, const view& v) {
  table t({"KID", "STATE", "SIGNS FROM", "PUBLISHED UNTIL"});
  if (const auto* keys = array_at(a, "keys")) {
    for (const auto& item : *keys) {
      if (!item.is_object()) continue;
      const auto& k = item.get_object();
      t.add({clean(text_at(k, "kid")), jwt_key_state_words(text_at(k, "state")), v.when(time_at(k, "signsFrom")),
             v.when(time_at(k, "publishedUntil"), "until replaced")});
    }
  }
  if (t.size() == 0) return "no signing keys\n";
  return t.render() + plural(static_cast<std::int64_t>(t.size()), "signing key", "signing keys") + "\n";
}

std::string jwt_key(const json::object& k, const view& v) {
  const auto state = text_at(k, "state");
  block b;
  b.add("algorithm", clean(text_at(k, "algorithm"))).add("state", jwt_key_state_words(state));
  b.add("signs from", v.when(time_at(k, "signsFrom"))).add("created", v.when(time_at(k, "createdAt")));
  return fmt::format("created signing key {}\n", clean(text_at(k, "kid"))) + b.render() +
         (state == "next" ? "the active key signs until then; " : "") +
         "the key it replaces stays published until the last token it signed has expired\n";
}

// ---- The embedded queue and the access keys to its SQS-compatible API.

std::string access_key(const json::object& k) {
  return fmt::format("created an access key for account {}\n", clean(text_at(k, "account"))) +
         block()
             .add("access key id", clean(text_at(k, "accessKeyId")))
             .add("secret access key (shown once)", clean(text_at(k, "secretAccessKey")))
             .render();
}

std::string access_key_list(const json::object& a, const view& v) {
  table t({"ACCESS KEY ID", "ACCOUNT", "CREATED"});
  if (const auto* keys = array_at(a, "accessKeys")) {
    for (const auto& item : *keys) {
      if (!item.is_object()) continue;
      const auto& k = item.get_object();
      t.add({clean(text_at(k, "accessKeyId")), clean(text_at(k, "account")), v.when(time_at(k, "createdAt"))});
    }
  }
  return (t.size() > 0 ? t.render() : "") + page_footer(a, t.size(), "access key", "access keys");
}

std::string queue_list(const json::object& a) {
  table t({"QUEUE", "VISIBLE", "IN FLIGHT", "DELAYED", "URL"});
  if (const auto* queues = array_at(a, "queues")) {
    for (const auto& item : *queues) {
      if (!item.is_object()) continue;
      const auto& q = item.get_object();
      t.add({clean(text_at(q, "account")) + "/" + clean(text_at(q, "name")), text_at(q, "visible"),
             text_at(q, "inFlight"), text_at(q, "delayed"), clean(text_at(q, "url"))});
    }
  }
  return (t.size() > 0 ? t.render() : "") + page_footer(a, t.size(), "queue", "queues");
}

std::string queue_messages(const json::object& a, const view& v) {
  const auto* messages = array_at(a, "messages");
  if (messages == nullptr || messages->empty()) return "no visible messages\n";
  std::string out;
  for (const auto& item : *messages) {
    if (!item.is_object()) continue;
    const auto& m = item.get_object();
    out += fmt::format("message {}\n", clean(text_at(m, "messageId")));
    out += block()
               .add("sent", v.when(time_at(m, "sentAt")))
               .add("received", plural(number_at(m, "receiveCount"), "time", "times"))
               .add("body", clean(text_at(m, "body")) + (flag_at(m, "masked") ? "  (secrets masked)" : ""))
               .render();
  }
  return out;
}

std::string revealed_message(const json::object& a) {
  return fmt::format("message {} (this reveal is recorded in the audit trail)\n{}\n", clean(text_at(a, "messageId")),
                     clean(text_at(a, "body"), true));
}

// ---- The server.

std::string system_status(const json::object& a) {
  block b;
  const auto on_off = [&](std::string_view key) { return flag_at(a, key) ? std::string("on") : std::string("off"); };
  b.add("storage", clean(text_at(a, "storage")));
  b.add("ready", flag_at(a, "ready") ? "yes" : "NO");
  b.add("maintenance", flag_at(a, "maintenance") ? "ON (the SP-API rotate call answers 503)" : "off");
  b.add("dev mode", on_off("dev"));
  if (const auto now = time_at(a, "now")) b.add("clock", utc_time(*now));
  for (const auto& [key, value] : a) {  // anything else the answer carries: checks, or a newer field
    if (key == "version" || key == "storage" || key == "ready" || key == "maintenance" || key == "dev" || key == "now")
      continue;
    if (const auto* checks = value.if_object()) {
      for (const auto& [name, check] : *checks) {
        if (!check.is_object()) continue;
        const auto& c = check.get_object();
        const auto detail = clean(text_at(c, "detail"));
        b.add("check " + clean(name), (flag_at(c, "ok") ? "ok" : "FAILING") + (detail.empty() ? "" : ": " + detail));
      }
    } else if (!value.is_array()) {
      b.add(clean(key), clean(scalar_text(value)));
    }
  }
  return fmt::format("rekey {}\n", clean(text_at(a, "version"))) + b.render();
}

std::string dev_clock(const json::object& a) {
  const auto now = time_at(a, "now");
  const auto offset = number_at(a, "offsetMs");
  return fmt::format("rekey's clock reads {}\n", now ? utc_time(*now) : "-") +
         block()
             .add("time travel", offset > 0 ? amount(offset) + " ahead of the real time" : "none: the real time")
             .render();
}

}  // namespace rekey::cli_output_platform
