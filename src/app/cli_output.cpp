#include "app/cli_output.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include "app/cli_output_platform.hpp"
#include "app/cli_text.hpp"

// The dispatch of an answer to its rendering, and the renderings of applications, their secrets,
// destinations, subscriptions and deliveries, and of the audit trail. The platform's answers are
// rendered in cli_output_platform.cpp; the helpers both use are in cli_text.hpp.

namespace rekey {
namespace {

using namespace cli_text;
namespace platform = cli_output_platform;

constexpr std::string_view new_secret_type = "APPLICATION_OAUTH_CLIENT_NEW_SECRET";
constexpr std::string_view secret_expiry_type = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY";

// ---- Words for the answers' codes.

std::string type_words(std::string_view type) {
  if (type == new_secret_type) return "new secret";
  if (type == secret_expiry_type) return "expiry warning";
  if (type == "REKEY_DESTINATION_TEST") return "destination test";
  return clean(type);
}

// The console's names for the notification types (Amazon's developer console's).
std::string type_title(std::string_view type) {
  if (type == new_secret_type) return "Application Client New Secret";
  if (type == secret_expiry_type) return "Application Client Secret Expiry";
  return clean(type);
}

std::string health_words(std::string_view health) {
  if (health == "ok") return "delivered";
  if (health == "pending") return "pending";
  if (health == "retrying") return "retrying";
  if (health == "dead") return "DEAD";
  if (health == "none") return "none yet";
  return clean(health);
}

std::string delivery_state_words(const json::object& d) {
  const auto state = text_at(d, "state");
  if (state == "pending") return number_at(d, "attempts") > 0 ? "retrying" : "pending";
  if (state == "dead") return "DEAD (gave up)";
  return clean(state);
}

// "embedded queue 000000000000/my-queue", "webhook https://…", "Amazon SQS https://… (us-east-1)".
std::string destination_words(const json::object& d) {
  const auto kind = text_at(d, "kind");
  const auto* c = object_at(d, "config");
  const auto field = [c](std::string_view key) { return c != nullptr ? clean(text_at(*c, key)) : std::string(); };
  if (kind == "embedded") {
    const auto account = field("account");
    return "embedded queue " + (account.empty() ? "" : account + "/") + field("queue");
  }
  if (kind == "webhook") return "webhook " + field("url");
  if (kind == "sqs") {
    const auto region = field("region");
    return "Amazon SQS " + field("queueUrl") + (region.empty() ? "" : " (" + region + ")");
  }
  return clean(kind) + " destination";
}

// "0.0167 calls/s, about 1 a minute (default); burst 1 (default)", and whether a default is in it.
std::pair<std::string, bool> usage_plan_words(const json::object& app, const rate_limit_config& defaults) {
  const auto* plan = object_at(app, "usagePlan");
  const auto* rate_field = plan != nullptr ? plan->if_contains("rotateRate") : nullptr;
  const auto* burst_field = plan != nullptr ? plan->if_contains("rotateBurst") : nullptr;
  const bool default_rate = rate_field == nullptr || !rate_field->is_number();
  const bool default_burst = burst_field == nullptr || !burst_field->is_number();
  const double rate = default_rate ? defaults.rotate_rate : rate_field->to_number<double>();
  std::string words = fmt::format("{} calls/s", rate);
  if (rate < 1) words += fmt::format(", about {:.3g} a minute", rate * 60);
  if (default_rate) words += " (default)";
  words +=
      "; burst " + (default_burst ? fmt::format("{} (default)", defaults.rotate_burst) : scalar_text(*burst_field));
  return {words, default_rate || default_burst};
}

constexpr std::string_view default_plan_note =
    "(default): no usage plan of its own; the server's default (--rotate-rate / --rotate-burst) applies";

// ---- Secrets.

// "current secret 98c8289ec3a5 (id …)", "old secret … (id …), still accepted until it expires".
std::string secret_heading(const json::object& s) {
  const auto state = text_at(s, "state");
  std::string note;
  if (flag_at(s, "expired")) {
    note = ", EXPIRED";
  } else if (state == "old") {
    note = ", still accepted until it expires";
  } else if (state == "retired" || state == "revoked") {
    note = ", no longer accepted";
  }
  return fmt::format("{} secret {} (id {}){}", clean(state), clean(text_at(s, "fingerprint")),
                     clean(text_at(s, "secretId")), note);
}

std::string expiry_words(const json::object& s, const view& v) {
  const auto expires = time_at(s, "expiresAt");
  if (!expires) return "-";
  if (flag_at(s, "expired")) return fmt::format("{} (EXPIRED {})", utc_time(*expires), relative_time(*expires, v.now));
  return v.when(expires);
}

std::string last_use_words(const json::object& s, const view& v) {
  const auto uses = plural(number_at(s, "useCount"), "use", "uses");
  const auto last = time_at(s, "lastUsedAt");
  return last ? fmt::format("{}, {}", v.when(last), uses) : "never (" + uses + ")";
}

// The secret's lines; `current` (the application's current secret, if any) answers whether an
// old secret is still used since the rotation.
std::string secret_lines(const json::object& s, const json::object* current, const view& v, std::size_t indent) {
  block b;
  b.add("created", v.when(time_at(s, "createdAt"))).add("expires", expiry_words(s, v));
  b.add("last used", last_use_words(s, v));
  if (current != nullptr && text_at(s, "state") == "old") {
    const auto rotated = time_at(*current, "createdAt");
    const auto last = time_at(s, "lastUsedAt");
    if (rotated) {
      b.add("since rotation", last && *last > *rotated ? "STILL IN USE: used after the current secret was created"
                                                       : "not used since the current secret was created");
    }
  }
  return fmt::format("{:{}}{}\n", "", indent, secret_heading(s)) + b.render(indent + 2);
}

// ---- Answers.

std::string application_list(const json::object& a, const view& v) {
  table t({"NAME", "APPLICATION ID", "CLIENT ID", "CURRENT SECRET", "ENROLLED", "LAST DELIVERY"});
  if (const auto* apps = array_at(a, "applications")) {
    for (const auto& item : *apps) {
      const auto* app = item.if_object();
      if (app == nullptr) continue;
      const auto badge = text_at(*app, "expiry");
      const auto* current = object_at(*app, "currentSecret");
      const auto expires = current != nullptr ? time_at(*current, "expiresAt") : std::nullopt;
      std::string expiry = "no current secret";
      if (expires && badge == "expired") {
        expiry = *expires <= v.now ? "EXPIRED " + relative_time(*expires, v.now) : "EXPIRED";
      } else if (expires) {
        expiry = "expires " + relative_time(*expires, v.now) + (badge == "warning" ? " (soon)" : "");
      }
      t.add({clean(text_at(*app, "name")), clean(text_at(*app, "applicationId")), clean(text_at(*app, "clientId")),
             expiry, flag_at(*app, "enrolled") ? "yes" : "no", health_words(text_at(*app, "destinationHealth"))});
    }
  }
  return (t.size() > 0 ? t.render() : "") + page_footer(a, t.size(), "application", "applications");
}

// Deliveries as a table; `with_application` adds the application id column.
table delivery_table(const json::array& deliveries, const view& v, bool with_application) {
  std::vector<std::string> headers{"NOTIFICATION ID",          "TYPE",      "STATE", "ATTEMPTS", "CREATED",
                                   "DELIVERED / NEXT ATTEMPT", "LAST ERROR"};
  if (with_application) headers.insert(headers.end() - 1, "APPLICATION ID");
  table t(std::move(headers));
  for (const auto& item : deliveries) {
    const auto* d = item.if_object();
    if (d == nullptr) continue;
    const auto state = text_at(*d, "state");
    std::string then = "-";
    if (state == "delivered") then = v.when(time_at(*d, "deliveredAt"));
    if (state == "pending") then = "next " + v.when(time_at(*d, "nextAttemptAt"));
    std::vector<std::string> row{clean(text_at(*d, "notificationId")),
                                 type_words(text_at(*d, "notificationType")),
                                 delivery_state_words(*d),
                                 text_at(*d, "attempts"),
                                 v.when(time_at(*d, "createdAt")),
                                 then,
                                 clean(text_at(*d, "lastError"))};
    if (with_application) row.insert(row.end() - 1, clean(text_at(*d, "applicationId")));
    t.add(std::move(row));
  }
  return t;
}

std::string application(const json::object& a, const view& v) {
  std::string out = clean(text_at(a, "name")) + "\n";
  const auto* destinations = array_at(a, "destinations");
  const auto destination_of = [destinations](std::string_view id) -> const json::object* {
    if (destinations == nullptr) return nullptr;
    for (const auto& d : *destinations) {
      if (d.is_object() && text_at(d.get_object(), "destinationId") == id) return &d.get_object();
    }
    return nullptr;
  };
  const auto described = [&](std::string_view id) {
    const auto* d = destination_of(id);
    return d != nullptr ? destination_words(*d) + " (destination " + clean(id) + ")" : "destination " + clean(id);
  };

  const auto [plan, default_plan] = usage_plan_words(a, v.default_plan);
  std::string enrolled = "no: rotation is refused until a destination is subscribed to " + std::string(new_secret_type);
  const auto* subscriptions = array_at(a, "subscriptions");
  if (subscriptions != nullptr) {
    for (const auto& item : *subscriptions) {
      if (item.is_object() && text_at(item.get_object(), "notificationType") == new_secret_type)
        enrolled = "yes: new secrets go to " + described(text_at(item.get_object(), "destinationId"));
    }
  }
  block head;
  head.add("application id", clean(text_at(a, "applicationId"))).add("client id", clean(text_at(a, "clientId")));
  head.add("created", v.when(time_at(a, "createdAt")));
  if (const auto* settings = object_at(a, "tokenSettings"))
    platform::add_token_settings(head, *settings);  // newer servers
  head.add("usage plan", plan).add("enrolled", enrolled);
  out += head.render();
  if (default_plan) out += fmt::format("  {}\n", default_plan_note);

  const auto* secrets = array_at(a, "secrets");
  const json::object* current = nullptr;
  if (secrets != nullptr) {
    for (const auto& s : *secrets) {
      if (s.is_object() && text_at(s.get_object(), "state") == "current") current = &s.get_object();
    }
  }
  out += fmt::format("\nsecrets ({})\n", secrets != nullptr ? secrets->size() : 0);
  if (secrets != nullptr) {
    for (const auto& s : *secrets) {
      if (s.is_object()) out += secret_lines(s.get_object(), current, v, 2);
    }
  }

  if (destinations != nullptr && !destinations->empty()) {
    table t({"DESTINATION ID", "WHERE", "CREATED"});
    for (const auto& item : *destinations) {
      if (!item.is_object()) continue;
      const auto& d = item.get_object();
      t.add({clean(text_at(d, "destinationId")), destination_words(d), v.when(time_at(d, "createdAt"))});
    }
    out += fmt::format("\ndestinations ({})\n", t.size()) + t.render(2);
  } else {
    out += "\ndestinations: none\n";
  }

  if (subscriptions != nullptr && !subscriptions->empty()) {
    table t({"NOTIFICATION", "TYPE", "GOES TO"});
    for (const auto& item : *subscriptions) {
      if (!item.is_object()) continue;
      const auto& s = item.get_object();
      const auto type = text_at(s, "notificationType");
      t.add({type_title(type), clean(type), described(text_at(s, "destinationId"))});
    }
    out += fmt::format("\nsubscriptions ({})\n", t.size()) + t.render(2);
  } else {
    out += "\nsubscriptions: none\n";
  }

  const auto* deliveries = array_at(a, "deliveries");
  if (deliveries != nullptr && !deliveries->empty()) {
    out += fmt::format("\ndeliveries ({})\n", deliveries->size()) + delivery_table(*deliveries, v, false).render(2);
  } else {
    out += "\ndeliveries: none\n";
  }
  return out;
}

std::string created_application(const json::object& a, const view& v) {
  const auto [plan, default_plan] = usage_plan_words(a, v.default_plan);
  block b;
  b.add("application id", clean(text_at(a, "applicationId"))).add("client id", clean(text_at(a, "clientId")));
  b.add("client secret (shown once)", clean(text_at(a, "clientSecret")));
  if (const auto* s = object_at(a, "secret")) {
    b.add("secret", fmt::format("{} (id {})", clean(text_at(*s, "fingerprint")), clean(text_at(*s, "secretId"))));
    b.add("expires", expiry_words(*s, v));
  }
  if (const auto* settings = object_at(a, "tokenSettings")) platform::add_token_settings(b, *settings);
  b.add("usage plan", plan);
  std::string out = fmt::format("created application {}\n", clean(text_at(a, "name"))) + b.render();
  if (default_plan) out += fmt::format("  {}\n", default_plan_note);
  return out + "rekey keeps only a keyed hash of the client secret: store it now, it cannot be shown again\n";
}

std::string rotation(const json::object& a, const view& v) {
  block b;
  if (const auto* s = object_at(a, "secret")) {
    b.add("new current secret",
          fmt::format("{} (id {})", clean(text_at(*s, "fingerprint")), clean(text_at(*s, "secretId"))));
    b.add("expires", expiry_words(*s, v));
  }
  b.add("notification id", clean(text_at(a, "notificationId")));
  b.add("sent to", "destination " + clean(text_at(a, "destinationId")) +
                       " (the new secret is delivered there, never printed; the old one stays valid for its grace "
                       "period after delivery)");
  return "rotated the client secret\n" + b.render();
}

std::string usage_plan(const json::object& a, const view& v) {
  const auto [plan, default_plan] = usage_plan_words(a, v.default_plan);
  std::string out =
      fmt::format("usage plan set for {} ({})\n", clean(text_at(a, "name")), clean(text_at(a, "applicationId")));
  out += block().add("usage plan", plan).render();
  if (default_plan) out += fmt::format("  {}\n", default_plan_note);
  return out;
}

std::string destination(const json::object& d, const view& v) {
  block b;
  b.add("destination id", clean(text_at(d, "destinationId"))).add("where", destination_words(d));
  if (const auto* c = object_at(d, "config"); c != nullptr && c->contains("accessKeyId"))
    b.add("access key id", clean(text_at(*c, "accessKeyId")));
  b.add("created", v.when(time_at(d, "createdAt")));
  if (d.contains("signingSecret")) b.add("signing secret (shown once)", clean(text_at(d, "signingSecret")));
  return "created destination\n" + b.render();
}

std::string destination_test(const json::object& d) {
  const auto id = clean(text_at(d, "destinationId"));
  if (flag_at(d, "delivered")) return fmt::format("test message delivered to destination {}\n", id);
  return fmt::format("test message NOT delivered to destination {}: {}\n", id, clean(text_at(d, "error")));
}

std::string subscription(const json::object& s) {
  const auto type = text_at(s, "notificationType");
  return fmt::format("subscribed: {} ({}) notifications go to destination {}\n", type_title(type), clean(type),
                     clean(text_at(s, "destinationId"))) +
         block().add("subscription id", clean(text_at(s, "subscriptionId"))).render();
}

std::string refresh_token(const json::object& r) {
  return "created a refresh token\n" + block()
                                           .add("application id", clean(text_at(r, "applicationId")))
                                           .add("refresh token (shown once)", clean(text_at(r, "refreshToken")))
                                           .render();
}

std::string secret(const json::object& s, const view& v) { return secret_lines(s, nullptr, v, 0); }

std::string delivery_list(const json::object& a, const view& v) {
  const auto* deliveries = array_at(a, "deliveries");
  const auto t = delivery_table(deliveries != nullptr ? *deliveries : json::array(), v, true);
  return (t.size() > 0 ? t.render() : "") + page_footer(a, t.size(), "delivery", "deliveries");
}

std::string delivery(const json::object& d, const view& v) {
  block b;
  b.add("notification id", clean(text_at(d, "notificationId")));
  b.add("type", type_words(text_at(d, "notificationType"))).add("state", delivery_state_words(d));
  b.add("application id", clean(text_at(d, "applicationId")));
  b.add("destination id", clean(text_at(d, "destinationId")));
  b.add("attempts", text_at(d, "attempts")).add("created", v.when(time_at(d, "createdAt")));
  if (d.contains("nextAttemptAt")) b.add("next attempt", v.when(time_at(d, "nextAttemptAt")));
  if (d.contains("deliveredAt")) b.add("delivered", v.when(time_at(d, "deliveredAt")));
  if (d.contains("lastError")) b.add("last error", clean(text_at(d, "lastError")));
  return "delivery\n" + b.render();
}

std::string audit_list(const json::object& a, const view& v) {
  table t({"SEQ", "WHEN", "ACTOR", "ACTION", "APPLICATION ID", "DETAIL"});
  if (const auto* entries = array_at(a, "entries")) {
    for (const auto& item : *entries) {
      if (!item.is_object()) continue;
      const auto& e = item.get_object();
      auto detail = clean(text_at(e, "detail"));
      if (const auto fingerprint = clean(text_at(e, "fingerprint")); !fingerprint.empty())
        detail = "fingerprint " + fingerprint + (detail.empty() ? "" : ": " + detail);
      const auto app = clean(text_at(e, "applicationId"));
      t.add({text_at(e, "seq"), v.when(time_at(e, "at")), clean(text_at(e, "actor")), clean(text_at(e, "action")),
             app.empty() ? "-" : app, detail});
    }
  }
  std::string out = t.size() > 0 ? t.render() : "no audit entries\n";
  if (a.contains("next")) {
    out += fmt::format("more entries may follow: rekey audit list --after {}\n", text_at(a, "next"));
  }
  return out;
}

std::string audit_verification(const json::object& a, const view& v) {
  const auto entries = plural(number_at(a, "entries"), "entry", "entries");
  if (flag_at(a, "ok")) return fmt::format("audit trail intact: {} checked\n", entries);
  std::string out = fmt::format("audit trail BROKEN ({} checked): {}\n", entries, clean(text_at(a, "why")));
  if (const auto* bad = object_at(a, "firstBad")) {
    out += block()
               .add("first bad entry", text_at(*bad, "seq"))
               .add("when", v.when(time_at(*bad, "at")))
               .add("action", clean(text_at(*bad, "action")))
               .render();
  }
  return out;
}

std::string render_object(answer_kind kind, const json::object& a, const view& v) {
  switch (kind) {
    case answer_kind::application_list:
      return application_list(a, v);
    case answer_kind::application:
      return application(a, v);
    case answer_kind::created_application:
      return created_application(a, v);
    case answer_kind::token_settings:
      return platform::token_settings(a);
    case answer_kind::rotation:
      return rotation(a, v);
    case answer_kind::usage_plan:
      return usage_plan(a, v);
    case answer_kind::destination:
      return destination(a, v);
    case answer_kind::destination_test:
      return destination_test(a);
    case answer_kind::subscription:
      return subscription(a);
    case answer_kind::unsubscribed:
      return "subscription removed\n";
    case answer_kind::refresh_token:
      return refresh_token(a);
    case answer_kind::access_key:
      return platform::access_key(a);
    case answer_kind::access_key_list:
      return platform::access_key_list(a, v);
    case answer_kind::access_key_revoked:
      return fmt::format("revoked access key {}: it no longer authenticates\n", clean(text_at(a, "accessKeyId")));
    case answer_kind::secret:
      return secret(a, v);
    case answer_kind::delivery_list:
      return delivery_list(a, v);
    case answer_kind::delivery:
      return delivery(a, v);
    case answer_kind::audit_list:
      return audit_list(a, v);
    case answer_kind::audit_verification:
      return audit_verification(a, v);
    case answer_kind::queue_list:
      return platform::queue_list(a);
    case answer_kind::queue_messages:
      return platform::queue_messages(a, v);
    case answer_kind::revealed_message:
      return platform::revealed_message(a);
    case answer_kind::purged:
      return "queue purged\n";
    case answer_kind::system:
      return platform::system_status(a);
    case answer_kind::dev_clock:
      return platform::dev_clock(a);
    case answer_kind::resource_server_list:
      return platform::resource_server_list(a, v);
    case answer_kind::resource_server:
      return platform::resource_server(a, v);
    case answer_kind::created_resource_server:
      return platform::created_resource_server(a, v);
    case answer_kind::resource_server_revoked:
      return platform::resource_server_revoked(a, v);
    case answer_kind::jwt_key_list:
      return platform::jwt_key_list(a, v);
    case answer_kind::jwt_key:
      return platform::jwt_key(a, v);
  }
  return {};
}

}  // namespace

std::string render_text(answer_kind kind, std::string_view answer, time_point now,
                        const rate_limit_config& default_plan) {
  if (answer.empty()) return kind == answer_kind::unsubscribed ? "subscription removed\n" : "";
  boost::system::error_code ec;
  const auto parsed = json::parse(answer, ec);
  if (ec || !parsed.is_object()) return std::string(answer) + "\n";
  const auto& object = parsed.get_object();
  const view v{time_at(object, "now").value_or(now), default_plan};
  return render_object(kind, object, v);
}

bool shows_relative_times(answer_kind kind) {
  switch (kind) {
    case answer_kind::token_settings:
    case answer_kind::destination_test:
    case answer_kind::subscription:
    case answer_kind::unsubscribed:
    case answer_kind::refresh_token:
    case answer_kind::access_key:
    case answer_kind::access_key_revoked:
    case answer_kind::audit_verification:
    case answer_kind::queue_list:
    case answer_kind::revealed_message:
    case answer_kind::purged:
    case answer_kind::system:
    case answer_kind::dev_clock:
      return false;
    default:
      return true;
  }
}

std::string render_error(int status, std::string_view answer) {
  boost::system::error_code ec;
  const auto parsed = json::parse(answer, ec);
  const auto* object = !ec ? parsed.if_object() : nullptr;
  if (object != nullptr) {
    if (const auto* errors = array_at(*object, "errors"); errors != nullptr && !errors->empty()) {
      std::string out = fmt::format("the server answered {}", status);
      std::string_view separator = " ";
      for (const auto& item : *errors) {
        if (!item.is_object()) continue;
        const auto& e = item.get_object();
        const auto message = clean(text_at(e, "message"));
        const auto details = clean(text_at(e, "details"));
        out += fmt::format("{}{}: {}", separator, clean(text_at(e, "code")), message);
        if (!details.empty() && details != message) out += " (" + details + ")";
        separator = "; ";
      }
      return out;
    }
    if (object->contains("error"))
      return fmt::format("the server answered {}: {}", status, clean(text_at(*object, "error")));
  }
  return fmt::format("the server answered {}: {}", status, clean(answer));
}

}  // namespace rekey
