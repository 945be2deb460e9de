#include "app/cli.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "app/admin_client.hpp"
#include "app/config_loader.hpp"
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

// Prints the API's JSON answer; a non-2xx answer goes to stderr and fails the command.
int report(const admin_reply& reply) {
  if (reply.status >= 200 && reply.status < 300) {
    fmt::print("{}\n", reply.body);
    return 0;
  }
  fmt::print(stderr, "rekey: the server answered {}: {}\n", reply.status, reply.body);
  return 1;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App cli{"rekey: SP-API Application Management (client secret rotation) service"};
  cli.require_subcommand(1);
  cli.fallthrough();
  std::string server = "http://127.0.0.1:8080";
  std::string token_file = "./rekey-data/admin-token";
  cli.add_option("--server", server, "admin API base URL")->envname("REKEY_SERVER");
  cli.add_option("--admin-token-file", token_file, "file holding the admin token")->envname("REKEY_ADMIN_TOKEN_FILE");

  auto* serve = cli.add_subcommand("serve", "run the service");
  config_loader loader(*serve);

  auto* app = cli.add_subcommand("app", "applications");
  app->require_subcommand(1);
  std::string name, app_id, queue, type, destination;
  std::optional<double> rate;
  std::optional<unsigned> burst;
  auto* app_create = app->add_subcommand("create", "create an application; prints its client secret once");
  app_create->add_option("--name", name, "application name")->required();
  app_create->add_option("--rotate-rate", rate, "usage plan: rotate requests per second");
  app_create->add_option("--rotate-burst", burst, "usage plan: rotate burst");
  auto* app_list = app->add_subcommand("list", "list applications");
  auto* app_show = app->add_subcommand("show", "show an application and its secrets' states (never secrets)");
  app_show->add_option("id", app_id, "application id")->required();

  auto* destination_cmd = cli.add_subcommand("destination", "notification destinations");
  destination_cmd->require_subcommand(1);
  auto* destination_create = destination_cmd->add_subcommand("create", "create a destination");
  destination_create->add_option("--app", app_id, "application id")->required();
  std::string webhook_url, sqs_queue_url, sqs_key_id, sqs_secret, sqs_region = "us-east-1";
  auto* embedded_option = destination_create->add_option(
      "--embedded-queue", queue, "a queue of rekey's embedded queue: ARN, queue URL, account/name or name");
  auto* webhook_option = destination_create->add_option("--webhook", webhook_url, "HTTPS or HTTP URL to POST to");
  auto* sqs_option =
      destination_create->add_option("--sqs-queue-url", sqs_queue_url, "an SQS queue URL (AWS or rekey)");
  destination_create->add_option("--access-key-id", sqs_key_id, "with --sqs-queue-url");
  destination_create->add_option("--secret-access-key", sqs_secret, "with --sqs-queue-url (stored encrypted)");
  destination_create->add_option("--region", sqs_region, "with --sqs-queue-url")->capture_default_str();
  embedded_option->excludes(webhook_option)->excludes(sqs_option);
  webhook_option->excludes(sqs_option);
  destination_create->require_option(1, 0);

  std::string destination_id;
  auto* destination_test = destination_cmd->add_subcommand("test", "send a test message (no secret) to a destination");
  destination_test->add_option("id", destination_id, "destination id")->required();

  auto* subscription_cmd = cli.add_subcommand("subscription", "notification preferences");
  subscription_cmd->require_subcommand(1);
  auto* subscription_set = subscription_cmd->add_subcommand("set", "send a notification type to a destination");
  subscription_set->add_option("--app", app_id, "application id")->required();
  subscription_set
      ->add_option("--type", type, "APPLICATION_OAUTH_CLIENT_NEW_SECRET or APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY")
      ->required();
  subscription_set->add_option("--destination", destination, "destination id")->required();

  auto* refresh_cmd = cli.add_subcommand("refresh-token", "self-authorization refresh tokens");
  refresh_cmd->require_subcommand(1);
  auto* refresh_create = refresh_cmd->add_subcommand("create", "issue a refresh token (printed once)");
  refresh_create->add_option("--app", app_id, "application id")->required();

  std::string account;
  auto* access_key_cmd = cli.add_subcommand("access-key", "access keys for the embedded SQS-compatible queue");
  access_key_cmd->require_subcommand(1);
  auto* access_key_create =
      access_key_cmd->add_subcommand("create", "issue a key for one account (secret printed once)");
  access_key_create->add_option("--account", account, "12-digit account id whose queues the key may use")->required();

  std::string delivery_state = "dead";
  std::string notification_id;
  auto* delivery_cmd = cli.add_subcommand("delivery", "notification deliveries (the outbox)");
  delivery_cmd->require_subcommand(1);
  auto* delivery_list = delivery_cmd->add_subcommand("list", "list deliveries in a state");
  delivery_list->add_option("--state", delivery_state, "pending, delivered or dead")->capture_default_str();
  auto* delivery_retry = delivery_cmd->add_subcommand("retry", "deliver a dead notification again");
  delivery_retry->add_option("id", notification_id, "notification id")->required();

  std::string secret_id;
  auto* secret_cmd = cli.add_subcommand("secret", "client secrets");
  secret_cmd->require_subcommand(1);
  auto* secret_revoke =
      secret_cmd->add_subcommand("revoke", "revoke a secret now (compromise): it and its tokens stop working");
  secret_revoke->add_option("--app", app_id, "application id")->required();
  secret_revoke->add_option("--secret", secret_id, "secret id (from rekey app show)")->required();

  std::int64_t audit_after = 0;
  int audit_limit = 1000;
  auto* audit_cmd = cli.add_subcommand("audit", "the hash-chained audit trail");
  audit_cmd->require_subcommand(1);
  auto* audit_list = audit_cmd->add_subcommand("list", "list audit entries, oldest first");
  audit_list->add_option("--after", audit_after, "only entries after this sequence number")->capture_default_str();
  audit_list->add_option("--limit", audit_limit, "at most this many entries")->capture_default_str();
  auto* audit_verify =
      audit_cmd->add_subcommand("verify", "check the whole chain; exit 1 and print the first bad entry if broken");

  std::string advance_by;
  auto* dev_cmd = cli.add_subcommand("dev", "developer tools (the server must run with --dev)");
  dev_cmd->require_subcommand(1);
  auto* clock_cmd = dev_cmd->add_subcommand("clock", "rekey's clock");
  clock_cmd->require_subcommand(1);
  auto* clock_show = clock_cmd->add_subcommand("show", "print rekey's current time");
  auto* clock_advance = clock_cmd->add_subcommand("advance", "move rekey's clock forward, e.g. 89d, 12h, 30s");
  clock_advance->add_option("by", advance_by, "how far")->required();

  CLI11_PARSE(cli, argc, argv);

  try {
    if (serve->parsed()) return run_service(loader.load());

    const admin_client client(server, read_admin_token(token_file));
    namespace json = boost::json;
    if (app_create->parsed()) {
      json::object body{{"name", name}};
      if (rate) body["rotateRate"] = *rate;
      if (burst) body["rotateBurst"] = *burst;
      return report(client.call("POST", "/admin/v1/applications", json::serialize(body)));
    }
    if (app_list->parsed()) return report(client.call("GET", "/admin/v1/applications"));
    if (app_show->parsed()) return report(client.call("GET", "/admin/v1/applications/" + app_id));
    if (destination_create->parsed()) {
      json::object body{{"kind", "embedded"}, {"queue", queue}};
      if (!webhook_url.empty()) body = {{"kind", "webhook"}, {"url", webhook_url}};
      if (!sqs_queue_url.empty()) {
        body = {{"kind", "sqs"},
                {"queueUrl", sqs_queue_url},
                {"region", sqs_region},
                {"accessKeyId", sqs_key_id},
                {"secretAccessKey", sqs_secret}};
      }
      return report(client.call("POST", "/admin/v1/applications/" + app_id + "/destinations", json::serialize(body)));
    }
    if (destination_test->parsed())
      return report(client.call("POST", "/admin/v1/destinations/" + destination_id + "/test"));
    if (subscription_set->parsed()) {
      return report(client.call("PUT", "/admin/v1/applications/" + app_id + "/subscriptions/" + type,
                                json::serialize(json::object{{"destinationId", destination}})));
    }
    if (delivery_list->parsed()) return report(client.call("GET", "/admin/v1/deliveries?state=" + delivery_state));
    if (delivery_retry->parsed()) {
      return report(client.call("POST", "/admin/v1/deliveries/" + notification_id + "/retry"));
    }
    if (access_key_create->parsed()) {
      return report(client.call("POST", "/admin/v1/access-keys", json::serialize(json::object{{"account", account}})));
    }
    if (refresh_create->parsed()) {
      return report(client.call("POST", "/admin/v1/applications/" + app_id + "/refresh-tokens"));
    }
    if (secret_revoke->parsed()) {
      return report(client.call("POST", "/admin/v1/applications/" + app_id + "/secrets/" + secret_id + "/revoke"));
    }
    if (audit_list->parsed()) {
      return report(client.call("GET", fmt::format("/admin/v1/audit?after={}&limit={}", audit_after, audit_limit)));
    }
    if (audit_verify->parsed()) {
      const auto reply = client.call("GET", "/admin/v1/audit/verify");
      if (const int failed = report(reply); failed != 0) return failed;
      const auto answer = json::parse(reply.body);
      return answer.at("ok").as_bool() ? 0 : 1;
    }
    if (clock_show->parsed()) return report(client.call("GET", "/admin/v1/dev/clock"));
    if (clock_advance->parsed()) {
      return report(client.call("POST", "/admin/v1/dev/clock", json::serialize(json::object{{"advance", advance_by}})));
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "rekey: error: {}\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace rekey
