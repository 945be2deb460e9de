#include "app/cli.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "app/admin_client.hpp"
#include "app/cli_output.hpp"
#include "app/config_loader.hpp"
#include "app/local_commands.hpp"
#include "app/service.hpp"

namespace rekey {
namespace {

std::string read_admin_token(const std::string& file) {
  if (const char* token = std::getenv("REKEY_ADMIN_TOKEN"); token != nullptr && *token != '\0') return token;
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token) || token.empty()) {
    throw std::runtime_error(
        "no admin token: set REKEY_ADMIN_TOKEN or --admin-token-file (rekey serve writes "
        "<data-dir>/admin-token on first start)");
  }
  return token;
}

// Percent-encodes a query-string value (RFC 3986 unreserved characters stay as they are).
std::string url_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

// Prints an admin command's answer: --output json, the API's JSON as it is (what scripts parse);
// text, cli_output's rendering for people. A non-2xx answer goes to stderr and fails the command.
class reporter {
 public:
  reporter(output_format format, const admin_client& client) : format_(format), client_(client) {}

  int report(answer_kind kind, const admin_reply& reply) const {
    const bool ok = reply.status >= 200 && reply.status < 300;
    if (format_ == output_format::json) {
      if (!ok) {
        fmt::print(stderr, "rekey: the server answered {}: {}\n", reply.status, reply.body);
        return 1;
      }
      if (!reply.body.empty()) fmt::print("{}\n", reply.body);  // 204: nothing to print
      return 0;
    }
    if (!ok) {
      fmt::print(stderr, "rekey: {}\n", render_error(reply.status, reply.body));
      return 1;
    }
    if (!shows_relative_times(kind)) {
      fmt::print("{}", render_text(kind, reply.body, local_now()));
      return 0;
    }
    const auto server = server_view();
    fmt::print("{}", render_text(kind, reply.body, server.now, server.default_plan));
    return 0;
  }

 private:
  static time_point local_now() { return std::chrono::time_point_cast<millis>(std::chrono::system_clock::now()); }

  struct server_state {
    time_point now;
    rate_limit_config default_plan;
  };
  // What GET /admin/v1/system says of the server: its clock, which --dev time travel moves, and
  // the usage plan of applications without their own. This machine's clock and the built-in
  // plan when the server does not say.
  server_state server_view() const {
    server_state out{local_now(), {}};
    try {
      const auto reply = client_.call("GET", "/admin/v1/system");
      boost::system::error_code ec;
      const auto answer = boost::json::parse(reply.body, ec);
      const auto* object = !ec && reply.status == 200 ? answer.if_object() : nullptr;
      if (object == nullptr) return out;
      if (const auto* now = object->if_contains("now"); now != nullptr && now->is_string()) {
        if (const auto t = parse_wire_time(now->get_string())) out.now = *t;
      }
      if (const auto* plan = object->if_contains("defaultUsagePlan"); plan != nullptr && plan->is_object()) {
        const auto* rate = plan->as_object().if_contains("rotateRate");
        const auto* burst = plan->as_object().if_contains("rotateBurst");
        if (rate != nullptr && rate->is_number()) out.default_plan.rotate_rate = rate->to_number<double>();
        if (burst != nullptr && burst->is_number()) out.default_plan.rotate_burst = burst->to_number<unsigned>();
      }
    } catch (const std::exception&) {  // the answer was had; only its times lose the server's clock
    }
    return out;
  }

  output_format format_;
  const admin_client& client_;
};

// One admin command, chosen by the command line: what it asks the admin API.
using admin_command = std::function<int(const admin_client&, const reporter&)>;
namespace json = boost::json;

// Makes `sub` choose `command` when it is the subcommand given.
void on_parsed(CLI::App* sub, admin_command& chosen, admin_command command) {
  sub->callback([&chosen, command = std::move(command)] { chosen = command; });
}

void add_app_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::string name, id, search;
    std::optional<double> rate;
    std::optional<unsigned> burst;
    std::size_t offset = 0, limit = 50;
    std::optional<std::string> token_format, audience;
    std::vector<std::string> scopes;
  };
  const auto o = std::make_shared<options>();
  // The token settings' options: --token-format, --scope (repeatable, one scope each), --audience.
  const auto add_token_options = [o](CLI::App* sub) {
    auto* format = sub->add_option("--token-format", o->token_format,
                                   "access tokens: opaque (Atc|..., checked by introspection) or jwt (RFC 9068, "
                                   "verifiable against /.well-known/jwks.json)");
    format->check(CLI::IsMember({"opaque", "jwt"}));
    sub->add_option("--scope", o->scopes, "a custom scope to grant, e.g. orders:read (repeatable)")
        ->allow_extra_args(false);
    sub->add_option("--audience", o->audience, "the aud of its tokens: the URI of the resource server they are for");
    return format;
  };
  auto* app = cli.add_subcommand("app", "applications");
  app->require_subcommand(1);
  auto* create = app->add_subcommand("create", "create an application; prints its client secret once");
  create->add_option("--name", o->name, "application name")->required();
  create->add_option("--rotate-rate", o->rate, "usage plan: rotate requests per second");
  create->add_option("--rotate-burst", o->burst, "usage plan: rotate burst");
  add_token_options(create);
  on_parsed(create, chosen, [o](const admin_client& client, const reporter& out) {
    json::object body{{"name", o->name}};
    if (o->rate) body["rotateRate"] = *o->rate;
    if (o->burst) body["rotateBurst"] = *o->burst;
    if (o->token_format) body["tokenFormat"] = *o->token_format;
    if (!o->scopes.empty()) body["scopes"] = json::array(o->scopes.begin(), o->scopes.end());
    if (o->audience) body["audience"] = *o->audience;
    return out.report(answer_kind::created_application,
                      client.call("POST", "/admin/v1/applications", json::serialize(body)));
  });
  auto* list = app->add_subcommand("list", "list applications with their expiry badge, enrollment and delivery health");
  list->add_option("--search", o->search, "only those whose name, application id or client id contains this");
  list->add_option("--offset", o->offset, "skip this many")->capture_default_str();
  list->add_option("--limit", o->limit, "at most this many (up to 500)")->capture_default_str();
  on_parsed(list, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::application_list,
                      client.call("GET", fmt::format("/admin/v1/applications?q={}&offset={}&limit={}",
                                                     url_encode(o->search), o->offset, o->limit)));
  });
  auto* show = app->add_subcommand("show", "show an application and its secrets' states (never secrets)");
  show->add_option("id", o->id, "application id")->required();
  on_parsed(show, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::application, client.call("GET", "/admin/v1/applications/" + o->id));
  });
  auto* rotate = app->add_subcommand(
      "rotate", "rotate the application's secret as the SP-API call does; the new one goes to its destination");
  rotate->add_option("id", o->id, "application id")->required();
  on_parsed(rotate, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::rotation, client.call("POST", "/admin/v1/applications/" + o->id + "/rotate"));
  });
  auto* plan = app->add_subcommand("usage-plan", "set the rotate call's usage plan (an absent value: the default)");
  plan->add_option("id", o->id, "application id")->required();
  plan->add_option("--rotate-rate", o->rate, "rotate requests per second");
  plan->add_option("--rotate-burst", o->burst, "rotate burst");
  on_parsed(plan, chosen, [o](const admin_client& client, const reporter& out) {
    json::object body{{"rotateRate", nullptr}, {"rotateBurst", nullptr}};
    if (o->rate) body["rotateRate"] = *o->rate;
    if (o->burst) body["rotateBurst"] = *o->burst;
    return out.report(answer_kind::usage_plan,
                      client.call("PUT", "/admin/v1/applications/" + o->id + "/usage-plan", json::serialize(body)));
  });
  auto* settings = app->add_subcommand(
      "token-settings",
      "set the kind of access tokens, custom scopes and audience; replaces all three (without --scope: no "
      "custom scopes, without --audience: none)");
  settings->add_option("id", o->id, "application id")->required();
  add_token_options(settings)->required();
  on_parsed(settings, chosen, [o](const admin_client& client, const reporter& out) {
    json::object body{{"tokenFormat", o->token_format.value_or("")},
                      {"scopes", json::array(o->scopes.begin(), o->scopes.end())},
                      {"audience", nullptr}};
    if (o->audience) body["audience"] = *o->audience;
    return out.report(answer_kind::token_settings,
                      client.call("PUT", "/admin/v1/applications/" + o->id + "/token-settings", json::serialize(body)));
  });
}

void add_resource_server_and_jwt_key_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::string name, id;
    std::optional<std::string> audience;
  };
  const auto o = std::make_shared<options>();
  auto* server = cli.add_subcommand("resource-server", "resource servers: your own APIs that check rekey's tokens");
  server->require_subcommand(1);
  auto* create =
      server->add_subcommand("create", "register a resource server for introspection; prints its client secret once");
  create->add_option("--name", o->name, "resource server name")->required();
  create->add_option("--audience", o->audience,
                     "the aud its tokens must carry, e.g. https://orders.example.com (without it: any)");
  on_parsed(create, chosen, [o](const admin_client& client, const reporter& out) {
    json::object body{{"name", o->name}};
    if (o->audience) body["audience"] = *o->audience;
    return out.report(answer_kind::created_resource_server,
                      client.call("POST", "/admin/v1/resource-servers", json::serialize(body)));
  });
  on_parsed(server->add_subcommand("list", "list resource servers (never their secrets)"), chosen,
            [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::resource_server_list, client.call("GET", "/admin/v1/resource-servers"));
            });
  auto* show = server->add_subcommand("show", "show a resource server (never its secret)");
  show->add_option("id", o->id, "resource server id")->required();
  on_parsed(show, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::resource_server, client.call("GET", "/admin/v1/resource-servers/" + o->id));
  });
  auto* revoke =
      server->add_subcommand("revoke", "revoke a resource server: its credentials stop authenticating at once");
  revoke->add_option("id", o->id, "resource server id")->required();
  on_parsed(revoke, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::resource_server_revoked,
                      client.call("POST", "/admin/v1/resource-servers/" + o->id + "/revoke"));
  });

  auto* key =
      cli.add_subcommand("jwt-key", "the keys that sign JWT access tokens (published at /.well-known/jwks.json)");
  key->require_subcommand(1);
  on_parsed(key->add_subcommand("list", "list signing keys: next, active and retiring, with when each signs"), chosen,
            [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::jwt_key_list, client.call("GET", "/admin/v1/jwt-keys"));
            });
  on_parsed(key->add_subcommand("rotate",
                                "make a new signing key: published now, signs after --jwt-key-lead; the old one stays "
                                "published until its last token expires"),
            chosen, [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::jwt_key, client.call("POST", "/admin/v1/jwt-keys/rotate"));
            });
}

void add_destination_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::string app_id, queue, webhook_url, sqs_queue_url, sqs_key_id, sqs_secret, sqs_region = "us-east-1", id;
  };
  const auto o = std::make_shared<options>();
  auto* destination = cli.add_subcommand("destination", "notification destinations");
  destination->require_subcommand(1);
  auto* create = destination->add_subcommand("create", "create a destination");
  create->add_option("--app", o->app_id, "application id")->required();
  auto* embedded = create->add_option("--embedded-queue", o->queue,
                                      "a queue of rekey's embedded queue: ARN, queue URL, account/name or name");
  auto* webhook = create->add_option("--webhook", o->webhook_url, "HTTPS or HTTP URL to POST to");
  auto* sqs = create->add_option("--sqs-queue-url", o->sqs_queue_url, "an SQS queue URL (AWS or rekey)");
  create->add_option("--access-key-id", o->sqs_key_id, "with --sqs-queue-url");
  create->add_option("--secret-access-key", o->sqs_secret, "with --sqs-queue-url (stored encrypted)");
  create->add_option("--region", o->sqs_region, "with --sqs-queue-url")->capture_default_str();
  embedded->excludes(webhook)->excludes(sqs);
  webhook->excludes(sqs);
  create->require_option(1, 0);
  on_parsed(create, chosen, [o](const admin_client& client, const reporter& out) {
    json::object body{{"kind", "embedded"}, {"queue", o->queue}};
    if (!o->webhook_url.empty()) body = {{"kind", "webhook"}, {"url", o->webhook_url}};
    if (!o->sqs_queue_url.empty()) {
      body = {{"kind", "sqs"},
              {"queueUrl", o->sqs_queue_url},
              {"region", o->sqs_region},
              {"accessKeyId", o->sqs_key_id},
              {"secretAccessKey", o->sqs_secret}};
    }
    return out.report(
        answer_kind::destination,
        client.call("POST", "/admin/v1/applications/" + o->app_id + "/destinations", json::serialize(body)));
  });
  auto* test = destination->add_subcommand("test", "send a test message (no secret) to a destination");
  test->add_option("id", o->id, "destination id")->required();
  on_parsed(test, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::destination_test, client.call("POST", "/admin/v1/destinations/" + o->id + "/test"));
  });
}

void add_subscription_and_key_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::string app_id, type, destination, account;
  };
  const auto o = std::make_shared<options>();
  auto* subscription = cli.add_subcommand("subscription", "notification preferences");
  subscription->require_subcommand(1);
  auto* set = subscription->add_subcommand("set", "send a notification type to a destination");
  set->add_option("--app", o->app_id, "application id")->required();
  set->add_option("--type", o->type, "APPLICATION_OAUTH_CLIENT_NEW_SECRET or APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY")
      ->required();
  set->add_option("--destination", o->destination, "destination id")->required();
  on_parsed(set, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::subscription,
                      client.call("PUT", "/admin/v1/applications/" + o->app_id + "/subscriptions/" + o->type,
                                  json::serialize(json::object{{"destinationId", o->destination}})));
  });

  auto* remove = subscription->add_subcommand("remove", "stop sending a notification type (unsubscribe)");
  remove->add_option("--app", o->app_id, "application id")->required();
  remove->add_option("--type", o->type, "the notification type")->required();
  on_parsed(remove, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::unsubscribed,
                      client.call("DELETE", "/admin/v1/applications/" + o->app_id + "/subscriptions/" + o->type));
  });

  auto* refresh = cli.add_subcommand("refresh-token", "self-authorization refresh tokens");
  refresh->require_subcommand(1);
  auto* refresh_create = refresh->add_subcommand("create", "issue a refresh token (printed once)");
  refresh_create->add_option("--app", o->app_id, "application id")->required();
  on_parsed(refresh_create, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::refresh_token,
                      client.call("POST", "/admin/v1/applications/" + o->app_id + "/refresh-tokens"));
  });

  auto* access_key = cli.add_subcommand("access-key", "access keys for the embedded SQS-compatible queue");
  access_key->require_subcommand(1);
  auto* key_create = access_key->add_subcommand("create", "issue a key for one account (secret printed once)");
  key_create->add_option("--account", o->account, "12-digit account id whose queues the key may use")->required();
  on_parsed(key_create, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::access_key, client.call("POST", "/admin/v1/access-keys",
                                                           json::serialize(json::object{{"account", o->account}})));
  });
  on_parsed(access_key->add_subcommand("list", "list keys (never their secrets)"), chosen,
            [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::access_key_list, client.call("GET", "/admin/v1/access-keys?limit=500"));
            });
  auto* key_revoke = access_key->add_subcommand("revoke", "revoke a key: it stops authenticating at once");
  key_revoke->add_option("id", o->destination, "access key id")->required();
  on_parsed(key_revoke, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::access_key_revoked,
                      client.call("POST", "/admin/v1/access-keys/" + o->destination + "/revoke"));
  });
}

void add_queue_and_system_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::string queue, message_id, mode;
    int limit = 10;
  };
  const auto o = std::make_shared<options>();
  // "<account>/<name>", or a name of the default account.
  const auto queue_path = [](const std::string& queue) {
    return "/admin/v1/queues/" + (queue.find('/') == std::string::npos ? "000000000000/" + queue : queue);
  };
  auto* queue = cli.add_subcommand("queue", "the embedded SQS-compatible queue");
  queue->require_subcommand(1);
  on_parsed(queue->add_subcommand("list", "every queue with its depth (visible, in flight, delayed)"), chosen,
            [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::queue_list, client.call("GET", "/admin/v1/queues?limit=500"));
            });
  auto* peek = queue->add_subcommand("peek", "show visible messages without receiving them (secrets masked)");
  peek->add_option("queue", o->queue, "account/name, or a name of account 000000000000")->required();
  peek->add_option("--limit", o->limit, "at most this many")->capture_default_str();
  on_parsed(peek, chosen, [o, queue_path](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::queue_messages,
                      client.call("GET", fmt::format("{}/messages?limit={}", queue_path(o->queue), o->limit)));
  });
  auto* reveal = queue->add_subcommand("reveal", "print one message's real body (recorded in the audit trail)");
  reveal->add_option("queue", o->queue, "account/name, or a name")->required();
  reveal->add_option("message", o->message_id, "message id")->required();
  on_parsed(reveal, chosen, [o, queue_path](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::revealed_message,
                      client.call("POST", queue_path(o->queue) + "/messages/" + o->message_id + "/reveal"));
  });
  auto* purge = queue->add_subcommand("purge", "delete every message of a queue");
  purge->add_option("queue", o->queue, "account/name, or a name")->required();
  on_parsed(purge, chosen, [o, queue_path](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::purged, client.call("POST", queue_path(o->queue) + "/purge"));
  });

  auto* system = cli.add_subcommand("system", "the service: version, storage, readiness, maintenance mode");
  system->require_subcommand(1);
  on_parsed(system->add_subcommand("show", "version, storage backend, readiness, maintenance mode"), chosen,
            [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::system, client.call("GET", "/admin/v1/system"));
            });
  auto* maintenance =
      system->add_subcommand("maintenance", "turn maintenance mode on or off (the SP-API rotate call answers 503)");
  maintenance->add_option("mode", o->mode, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
  on_parsed(maintenance, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::system, client.call("PUT", "/admin/v1/system/maintenance",
                                                       json::serialize(json::object{{"enabled", o->mode == "on"}})));
  });
}

void add_delivery_and_secret_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::string state = "dead", notification_id, app_id, secret_id;
  };
  const auto o = std::make_shared<options>();
  auto* delivery = cli.add_subcommand("delivery", "notification deliveries (the outbox)");
  delivery->require_subcommand(1);
  auto* list = delivery->add_subcommand("list", "list deliveries in a state");
  list->add_option("--state", o->state, "pending, delivered or dead")->capture_default_str();
  on_parsed(list, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::delivery_list, client.call("GET", "/admin/v1/deliveries?state=" + o->state));
  });
  auto* retry = delivery->add_subcommand("retry", "deliver a dead notification again");
  retry->add_option("id", o->notification_id, "notification id")->required();
  on_parsed(retry, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::delivery,
                      client.call("POST", "/admin/v1/deliveries/" + o->notification_id + "/retry"));
  });

  auto* secret = cli.add_subcommand("secret", "client secrets");
  secret->require_subcommand(1);
  auto* revoke = secret->add_subcommand("revoke", "revoke a secret now (compromise): it and its tokens stop working");
  revoke->add_option("--app", o->app_id, "application id")->required();
  revoke->add_option("--secret", o->secret_id, "secret id (from rekey app show)")->required();
  on_parsed(revoke, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::secret, client.call("POST", "/admin/v1/applications/" + o->app_id + "/secrets/" +
                                                                   o->secret_id + "/revoke"));
  });
}

void add_audit_and_dev_commands(CLI::App& cli, admin_command& chosen) {
  struct options {
    std::int64_t after = 0;
    int limit = 1000;
    std::string advance_by, application, action;
  };
  const auto o = std::make_shared<options>();
  auto* audit = cli.add_subcommand("audit", "the hash-chained audit trail");
  audit->require_subcommand(1);
  auto* list = audit->add_subcommand("list", "list audit entries, oldest first");
  list->add_option("--after", o->after, "only entries after this sequence number")->capture_default_str();
  list->add_option("--limit", o->limit, "at most this many entries")->capture_default_str();
  list->add_option("--application", o->application, "only this application's entries");
  list->add_option("--action", o->action, "only entries of this action, e.g. secret.rotated");
  on_parsed(list, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(
        answer_kind::audit_list,
        client.call("GET", fmt::format("/admin/v1/audit?after={}&limit={}&application={}&action={}", o->after, o->limit,
                                       url_encode(o->application), url_encode(o->action))));
  });
  auto* verify =
      audit->add_subcommand("verify", "check the whole chain; exit 1 and print the first bad entry if broken");
  on_parsed(verify, chosen, [](const admin_client& client, const reporter& out) {
    const auto reply = client.call("GET", "/admin/v1/audit/verify");
    if (const int failed = out.report(answer_kind::audit_verification, reply); failed != 0) return failed;
    return json::parse(reply.body).at("ok").as_bool() ? 0 : 1;
  });

  auto* dev =
      cli.add_subcommand("dev", "developer tools: the local CA (tls), and the clock of a server run with --dev");
  dev->require_subcommand(1);
  auto* clock = dev->add_subcommand("clock", "rekey's clock");
  clock->require_subcommand(1);
  on_parsed(clock->add_subcommand("show", "print rekey's current time"), chosen,
            [](const admin_client& client, const reporter& out) {
              return out.report(answer_kind::dev_clock, client.call("GET", "/admin/v1/dev/clock"));
            });
  auto* advance = clock->add_subcommand("advance", "move rekey's clock forward, e.g. 89d, 12h, 30s");
  advance->add_option("by", o->advance_by, "how far")->required();
  on_parsed(advance, chosen, [o](const admin_client& client, const reporter& out) {
    return out.report(answer_kind::dev_clock, client.call("POST", "/admin/v1/dev/clock",
                                                          json::serialize(json::object{{"advance", o->advance_by}})));
  });
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App cli{"rekey: SP-API Application Management (client secret rotation) service"};
  cli.set_version_flag("--version", "rekey " REKEY_VERSION);
  cli.require_subcommand(1);
  cli.fallthrough();
  std::string server = "http://127.0.0.1:8080";
  std::string token_file = "./rekey-data/admin-token";
  cli.add_option("--server", server, "admin API base URL")->envname("REKEY_SERVER");
  cli.add_option("--admin-token-file", token_file, "file holding the admin token")->envname("REKEY_ADMIN_TOKEN_FILE");
  std::string output = "text";
  cli.add_option("--output", output, "admin commands print text for people, or the admin API's JSON for scripts")
      ->envname("REKEY_OUTPUT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  auto* serve = cli.add_subcommand("serve", "run the service");
  config_loader loader(*serve);
  admin_command chosen;
  add_app_commands(cli, chosen);
  add_destination_commands(cli, chosen);
  add_subscription_and_key_commands(cli, chosen);
  add_delivery_and_secret_commands(cli, chosen);
  add_audit_and_dev_commands(cli, chosen);
  add_queue_and_system_commands(cli, chosen);
  add_resource_server_and_jwt_key_commands(cli, chosen);
  local_command local;
  add_local_commands(cli, local);

  CLI11_PARSE(cli, argc, argv);

  try {
    if (serve->parsed()) return run_service(loader.load());
    if (local) return local();
    if (!chosen) return 2;
    const admin_client client(server, read_admin_token(token_file));
    return chosen(client, reporter(output == "json" ? output_format::json : output_format::text, client));
  } catch (const std::exception& e) {
    fmt::print(stderr, "rekey: error: {}\n", e.what());
    return 1;
  }
}

}  // namespace rekey
