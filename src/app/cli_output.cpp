#include "app/cli_output.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace rekey {
namespace {

namespace json = boost::json;

constexpr std::string_view new_secret_type = "APPLICATION_OAUTH_CLIENT_NEW_SECRET";
constexpr std::string_view secret_expiry_type = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY";

// ---- Reading answers: absent or mistyped fields read as empty, so a partial answer still renders.

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

// Strings as they are, numbers and booleans written out; empty for null, objects and arrays.
std::string scalar_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::int64:
      return fmt::format("{}", v.get_int64());
    case json::kind::uint64:
      return fmt::format("{}", v.get_uint64());
    case json::kind::double_:
      return fmt::format("{}", v.get_double());
    case json::kind::bool_:
      return v.get_bool() ? "yes" : "no";
    default:
      return {};
  }
}

std::string text_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? scalar_text(*v) : std::string();
}

bool flag_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::int64_t number_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

std::optional<time_point> time_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return parse_wire_time(v->get_string());
}

// ---- Text.

// User text (names, details, errors, message bodies) as plain text: the control characters a
// terminal would obey become '?'; line breaks and tabs become spaces unless `keep_lines`.
std::string clean(std::string_view s, bool keep_lines = false) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == '\n' && keep_lines) {
      out += '\n';
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // C1 controls, U+0080..U+009F
      out += '?';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Columns on a terminal, counting a code point as one (answers are valid UTF-8: Boost.JSON checks).
std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string padded(std::string_view s, std::size_t width) {
  const auto w = display_width(s);
  return fmt::format("{}{:{}}", s, "", width > w ? width - w : 0);
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Rows under a header row, columns two spaces apart, the last column unpadded.
class table {
 public:
  explicit table(std::vector<std::string> headers) { rows_.push_back(std::move(headers)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::size_t size() const { return rows_.size() - 1; }

  std::string render(std::size_t indent = 0) const {
    std::vector<std::size_t> widths(rows_.front().size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line(indent, ' ');
      for (std::size_t i = 0; i < row.size(); ++i)
        line += i + 1 < row.size() ? padded(row[i], widths[i]) + "  " : row[i];
      line.erase(line.find_last_not_of(' ') + 1);
      out += line + '\n';
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Labelled lines, the values aligned.
class block {
 public:
  block& add(std::string label, std::string value) {
    lines_.emplace_back(std::move(label), std::move(value));
    return *this;
  }

  std::string render(std::size_t indent = 2) const {
    std::size_t width = 0;
    for (const auto& [label, value] : lines_) width = std::max(width, display_width(label));
    std::string out;
    for (const auto& [label, value] : lines_)
      out += fmt::format("{:{}}{}  {}\n", "", indent, padded(label, width), value);
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

// "4 days", "1 hour": `ms` (not negative) to the nearest whole unit.
std::string amount(std::int64_t ms) {
  const auto unit = [ms](std::int64_t size, std::string_view name) {
    const auto n = (ms + size / 2) / size;
    return fmt::format("{} {}{}", n, name, n == 1 ? "" : "s");
  };
  if (ms < 90'000) return unit(1'000, "second");
  if (ms < 90LL * 60'000) return unit(60'000, "minute");
  if (ms < 36LL * 3'600'000) return unit(3'600'000, "hour");
  return unit(86'400'000, "day");
}

// What a page of `total` items shows, when it is not all of them.
std::string page_footer(const json::object& answer, std::size_t shown, std::string_view one, std::string_view many) {
  const auto total = number_at(answer, "total");
  const auto offset = number_at(answer, "offset");
  if (shown == 0 && offset == 0) return fmt::format("no {}\n", many);
  if (offset == 0 && static_cast<std::int64_t>(shown) >= total) return plural(total, one, many) + "\n";
  const auto last = offset + static_cast<std::int64_t>(shown);
  std::string out = fmt::format("{} {} to {} of {}", many, offset + 1, last, total);
  if (last < total) out += fmt::format(" (--offset {} for more)", last);
  return out + "\n";
}

// ---- Words for the answers' codes.

struct view {
  time_point now;
  const rate_limit_config& default_plan;

  // "2024-01-10 22:09:17 UTC (3 days ago)"; `none` when there is no time.
  std::string when(const std::optional<time_point>& t, std::string_view none = "-") const {
    if (!t) return std::string(none);
    return fmt::format("{} ({})", utc_time(*t), relative_time(*t, now));
  }
};

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
  head.add("created", v.when(time_at(a, "createdAt"))).add("usage plan", plan).add("enrolled", enrolled);
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

std::string render_object(answer_kind kind, const json::object& a, const view& v) {
  switch (kind) {
    case answer_kind::application_list:
      return application_list(a, v);
    case answer_kind::application:
      return application(a, v);
    case answer_kind::created_application:
      return created_application(a, v);
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
      return access_key(a);
    case answer_kind::access_key_list:
      return access_key_list(a, v);
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
      return queue_list(a);
    case answer_kind::queue_messages:
      return queue_messages(a, v);
    case answer_kind::revealed_message:
      return revealed_message(a);
    case answer_kind::purged:
      return "queue purged\n";
    case answer_kind::system:
      return system_status(a);
    case answer_kind::dev_clock:
      return dev_clock(a);
  }
  return {};
}

// Digits at s[pos, pos + n) as a number; nullopt unless all are digits.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    out = out * 10 + (s[i] - '0');
  }
  return out;
}

}  // namespace

std::optional<time_point> parse_wire_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s.back() != 'Z')
    return std::nullopt;
  const auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const auto h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !sec || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                         std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  int ms = 0;
  if (s.size() > 20) {
    const auto fraction = s.substr(20, s.size() - 21);
    if (s[19] != '.' || fraction.empty() || fraction.size() > 9 || !digits(fraction, 0, fraction.size()))
      return std::nullopt;
    for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  return time_point{std::chrono::sys_days{date}} + std::chrono::hours{*h} + std::chrono::minutes{*mi} +
         std::chrono::seconds{*sec} + millis{ms};
}

std::string utc_time(time_point t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{std::chrono::floor<std::chrono::seconds>(t - day)};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count());
}

std::string relative_time(time_point t, time_point now) {
  const auto ms = (t - now).count();
  const auto distance = ms < 0 ? -ms : ms;
  if (distance < 1'000) return "just now";
  return ms > 0 ? "in " + amount(distance) : amount(distance) + " ago";
}

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
