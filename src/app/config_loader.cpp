#include "app/config_loader.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <arpa/inet.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/duration.hpp"

namespace rekey {
namespace {

// How one setting is read from text, and shown as text (rekey config check).
struct apply_fn {
  std::function<bool(config&, const std::string&)> parse;
  std::function<std::string(config&)> show;
  bool operator()(config& c, const std::string& text) const { return parse(c, text); }
};

template <class Int>
bool parse_integer(const std::string& text, Int& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

template <class Int>
apply_fn integer_setting(std::function<Int&(config&)> field, Int min, Int max) {
  return {[=](config& c, const std::string& text) {
            Int v{};
            if (!parse_integer(text, v) || v < min || v > max) return false;
            field(c) = v;
            return true;
          },
          [=](config& c) { return std::to_string(field(c)); }};
}

apply_fn string_setting(std::function<std::string&(config&)> field) {
  return {[=](config& c, const std::string& text) {
            field(c) = text;
            return true;
          },
          [=](config& c) { return field(c); }};
}

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT", HOST an IP address; nullopt when malformed. A
// missing port is nullopt in the answer's second.
std::optional<std::pair<std::string, std::optional<std::uint16_t>>> parse_listen(const std::string& text) {
  std::string host = text;
  std::optional<std::uint16_t> port;
  const auto read_port = [&](const std::string& digits) {
    std::uint16_t p = 0;
    if (!parse_integer(digits, p)) return false;
    port = p;
    return true;
  };
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.empty() && (!rest.starts_with(':') || !read_port(rest.substr(1)))) return std::nullopt;
  } else if (const auto colon = text.find(':');
             colon != std::string::npos && text.find(':', colon + 1) == std::string::npos) {
    host = text.substr(0, colon);  // one colon: IPv4 or a name with a port; more: a bare IPv6 address
    if (!read_port(text.substr(colon + 1))) return std::nullopt;
  }
  in6_addr any{};  // big enough for either family
  if (inet_pton(AF_INET, host.c_str(), &any) != 1 && inet_pton(AF_INET6, host.c_str(), &any) != 1) return std::nullopt;
  return std::make_pair(host, port);
}

// "127.0.0.1:8080", "[::1]:8080".
std::string listen_text(const std::string& address, std::uint16_t port) {
  if (address.find(':') == std::string::npos) return fmt::format("{}:{}", address, port);
  return fmt::format("[{}]:{}", address, port);
}

std::string duration_list_text(const std::vector<millis>& list) {
  std::string out;
  for (const auto d : list) out += (out.empty() ? "" : ",") + format_duration(d);
  return out;
}

// --listen: an address, with an optional port (which --port, given too, overrides).
apply_fn listen_setting() {
  return {[](config& c, const std::string& text) {
            const auto parsed = parse_listen(text);
            if (!parsed) return false;
            c.http.listen_address = parsed->first;
            if (parsed->second) c.http.port = *parsed->second;
            return true;
          },
          [](config& c) { return listen_text(c.http.listen_address, c.http.port); }};
}

// --admin-listen, --metrics-listen: an address and a port; "" for none.
apply_fn endpoint_setting(std::function<std::optional<listen_endpoint>&(config&)> field) {
  return {[=](config& c, const std::string& text) {
            if (text.empty()) {
              field(c).reset();
              return true;
            }
            const auto parsed = parse_listen(text);
            if (!parsed || !parsed->second) return false;
            field(c) = listen_endpoint{parsed->first, *parsed->second};
            return true;
          },
          [=](config& c) { return field(c) ? listen_text(field(c)->address, field(c)->port) : std::string(); }};
}

// One of a few words.
apply_fn choice_setting(std::function<std::string&(config&)> field, std::vector<std::string> choices) {
  return {[=](config& c, const std::string& text) {
            if (std::find(choices.begin(), choices.end(), text) == choices.end()) return false;
            field(c) = text;
            return true;
          },
          [=](config& c) { return field(c); }};
}

apply_fn duration_setting(std::function<millis&(config&)> field) {
  return {[=](config& c, const std::string& text) {
            auto d = parse_duration(text);
            if (!d) return false;
            field(c) = *d;
            return true;
          },
          [=](config& c) { return format_duration(field(c)); }};
}

// A comma-separated list of durations, e.g. "90d,60d,30d,15d,7d,1d"; "" for none.
apply_fn duration_list_setting(std::function<std::vector<millis>&(config&)> field) {
  return {[=](config& c, const std::string& text) {
            std::vector<millis> out;
            std::size_t start = 0;
            while (start < text.size()) {
              const auto comma = text.find(',', start);
              const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
              auto d = parse_duration(item);
              if (!d || d->count() == 0) return false;
              out.push_back(*d);
              if (comma == std::string::npos) break;
              start = comma + 1;
            }
            field(c) = std::move(out);
            return true;
          },
          [=](config& c) { return duration_list_text(field(c)); }};
}

apply_fn rate_setting(std::function<double&(config&)> field) {
  return {[=](config& c, const std::string& text) {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !(v > 0) || v > 1000) return false;
            field(c) = v;
            return true;
          },
          [=](config& c) { return fmt::format("{}", field(c)); }};
}

apply_fn bool_setting(std::function<bool&(config&)> field) {
  return {[=](config& c, const std::string& text) {
            if (text == "true" || text == "1")
              field(c) = true;
            else if (text == "false" || text == "0")
              field(c) = false;
            else
              return false;
            return true;
          },
          [=](config& c) { return std::string(field(c) ? "true" : "false"); }};
}

struct setting {
  std::string name;  // flag without dashes; environment variable is REKEY_<NAME>; TOML key below
  std::string toml_key;
  std::string help;
  apply_fn apply;
  bool is_flag = false;
  std::string expected = {};  // what a good value looks like, for the error; empty: the help says it
};

std::vector<setting> settings() {
  return {
      {"listen", "http.listen", "IP address to listen on, optionally with :PORT", listen_setting(), false,
       "an IP address, optionally with a port: 127.0.0.1, 0.0.0.0:8080, ::1 or [::1]:8080"},
      {"admin-listen", "http.admin_listen",
       "HOST:PORT for the admin API and the console alone (the main listener then answers 404 for them)",
       endpoint_setting([](config& c) -> std::optional<listen_endpoint>& { return c.http.admin_listen; }), false,
       "an IP address and a port: 127.0.0.1:9090 or [::1]:9090"},
      {"metrics-listen", "http.metrics_listen",
       "HOST:PORT for /metrics alone (the other listeners then answer 404 for it)",
       endpoint_setting([](config& c) -> std::optional<listen_endpoint>& { return c.http.metrics_listen; }), false,
       "an IP address and a port: 127.0.0.1:9100 or [::1]:9100"},
      {"port", "http.port", "TCP port (0 picks a free one)",
       integer_setting<std::uint16_t>([](config& c) -> std::uint16_t& { return c.http.port; }, 0, 65535)},
      {"threads", "http.threads", "I/O threads (0: one per core)",
       integer_setting<unsigned>([](config& c) -> unsigned& { return c.http.threads; }, 0, 256)},
      {"header-limit", "http.header_limit", "largest request header, bytes",
       integer_setting<std::size_t>([](config& c) -> std::size_t& { return c.http.header_limit; }, 1024, 1 << 20)},
      {"body-limit", "http.body_limit", "largest request body, bytes (larger: 413)",
       integer_setting<std::size_t>([](config& c) -> std::size_t& { return c.http.body_limit; }, 0, 64 << 20)},
      {"idle-timeout", "http.idle_timeout", "keep-alive idle timeout, e.g. 60s",
       duration_setting([](config& c) -> millis& { return c.http.idle_timeout; })},
      {"read-timeout", "http.read_timeout", "timeout for reading one request, e.g. 30s",
       duration_setting([](config& c) -> millis& { return c.http.read_timeout; })},
      {"tls-cert", "http.tls_cert", "PEM certificate chain: serve HTTPS",
       string_setting([](config& c) -> std::string& { return c.http.tls_cert_file; })},
      {"tls-key", "http.tls_key", "PEM private key for --tls-cert",
       string_setting([](config& c) -> std::string& { return c.http.tls_key_file; })},
      {"max-pending", "http.max_pending_storage_jobs", "queued storage jobs before 503",
       integer_setting<std::size_t>([](config& c) -> std::size_t& { return c.http.max_pending_storage_jobs; }, 1,
                                    10'000'000)},
      {"max-connections", "http.max_connections",
       "open connections at most (0: the file-descriptor limit less a reserve); then idle ones are closed",
       integer_setting<std::size_t>([](config& c) -> std::size_t& { return c.http.max_connections; }, 0, 10'000'000)},
      {"data-dir", "data_dir", "directory for the database, keys and admin token",
       string_setting([](config& c) -> std::string& { return c.data_dir; })},
      {"database", "database", "SQLite file (default <data-dir>/rekey.db) or postgres://user@host:port/db",
       string_setting([](config& c) -> std::string& { return c.database; })},
      {"database-connections", "database_connections",
       "PostgreSQL connections in the pool (each with a storage thread)",
       integer_setting<std::size_t>([](config& c) -> std::size_t& { return c.database_connections; }, 1, 256)},
      {"master-key-file", "master_key_file", "file with the 64-hex-character master key",
       string_setting([](config& c) -> std::string& { return c.master_key_file; })},
      {"log-level", "log_level", "trace, debug, info, warn, error",
       choice_setting([](config& c) -> std::string& { return c.log_level; },
                      {"trace", "debug", "info", "warn", "error"}),
       false, "one of trace, debug, info, warn, error"},
      {"log-format", "log_format", "text, or json (one object per line)",
       choice_setting([](config& c) -> std::string& { return c.log_format; }, {"text", "json"}), false, "text or json"},
      {"access-log", "access_log", "log one line per answer (method, route, status, duration, request id, peer)",
       bool_setting([](config& c) -> bool& { return c.access_log; }), true},
      {"secret-lifetime", "secrets.lifetime", "life of a new client secret, e.g. 180d",
       duration_setting([](config& c) -> millis& { return c.secrets.secret_lifetime; })},
      {"old-secret-grace", "secrets.old_secret_grace", "how long the previous secret stays valid, e.g. 7d",
       duration_setting([](config& c) -> millis& { return c.secrets.old_secret_grace; })},
      {"expiry-warnings", "secrets.expiry_warnings",
       "expiry warnings before a secret expires, e.g. 90d,60d,30d,15d,7d,1d",
       duration_list_setting([](config& c) -> std::vector<millis>& { return c.secrets.expiry_warnings; })},
      {"max-valid-secrets", "secrets.max_valid_secrets", "valid secrets per application",
       integer_setting<unsigned>([](config& c) -> unsigned& { return c.secrets.max_valid_secrets; }, 1, 100)},
      {"access-token-lifetime", "secrets.access_token_lifetime", "life of an access token, e.g. 3600s",
       duration_setting([](config& c) -> millis& { return c.secrets.access_token_lifetime; })},
      {"jwt-key-lead", "secrets.jwt_key_lead",
       "how long a new JWT signing key is published before it signs, e.g. 15m (0s: at once)",
       duration_setting([](config& c) -> millis& { return c.secrets.jwt_key_lead; })},
      {"issuer", "issuer", "the issuer of JWT access tokens and of the RFC 8414 metadata (default: the listener's URL)",
       string_setting([](config& c) -> std::string& { return c.issuer; })},
      {"rotate-rate", "rate_limit.rotate_rate", "default rotate rate, requests/s",
       rate_setting([](config& c) -> double& { return c.rate_limit.rotate_rate; })},
      {"rotate-burst", "rate_limit.rotate_burst", "default rotate burst",
       integer_setting<unsigned>([](config& c) -> unsigned& { return c.rate_limit.rotate_burst; }, 1, 1000)},
      {"throttle-client-failures", "throttle.failures_per_client",
       "token failures per client id from one address per window",
       integer_setting<unsigned>([](config& c) -> unsigned& { return c.throttle.failures_per_client; }, 1, 1'000'000)},
      {"throttle-peer-failures", "throttle.failures_per_peer", "token failures per peer address per window",
       integer_setting<unsigned>([](config& c) -> unsigned& { return c.throttle.failures_per_peer; }, 1, 1'000'000)},
      {"throttle-window", "throttle.window", "failure counting window, e.g. 60s",
       duration_setting([](config& c) -> millis& { return c.throttle.window; })},
      {"throttle-failure-delay", "throttle.failure_delay",
       "a refused token request is answered this long after it was read, e.g. 20ms (the same for every cause)",
       duration_setting([](config& c) -> millis& { return c.throttle.failure_delay; })},
      {"delivery-retry-budget", "delivery.retry_budget",
       "how long a notification is retried before it is dead, e.g. 24h",
       duration_setting([](config& c) -> millis& { return c.delivery.retry_budget; })},
      {"delivery-lease", "delivery.lease", "how long a claimed notification is reserved for its worker, e.g. 60s",
       duration_setting([](config& c) -> millis& { return c.delivery.lease; })},
      {"delivery-poll-interval", "delivery.poll_interval", "outbox relay interval when idle, e.g. 250ms",
       duration_setting([](config& c) -> millis& { return c.delivery.poll_interval; })},
      {"dev", "dev", "development mode: a demo application on first start, the clock, the proxy",
       bool_setting([](config& c) -> bool& { return c.dev; }), true},
      {"dev-tls", "dev_tls",
       "with --dev: serve HTTPS with the local CA's certificate for Amazon's host names (made when missing)",
       bool_setting([](config& c) -> bool& { return c.dev_tls; }), true},
      {"proxy", "http.proxy",
       "answer HTTP proxy requests (CONNECT, absolute-form) for Amazon's host names, refusing all others; on in --dev",
       bool_setting([](config& c) -> bool& { return c.http.proxy; }), true},
      {"sandbox", "sandbox",
       "what the SP-API sandbox host names answer the rotate call: static (Amazon's sandbox: 400) or production",
       choice_setting([](config& c) -> std::string& { return c.sandbox; }, {"static", "production"}), false,
       "static or production"},
  };
}

std::string env_name(const std::string& name) {
  std::string out = "REKEY_";
  for (char ch : name) out.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

std::optional<std::string> toml_text(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) return fmt::format("{}", *node.value<double>());
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  if (const auto* list = node.as_array()) {  // ["90d", "60d"] → "90d,60d"
    std::string joined;
    for (const auto& item : *list) {
      const auto text = toml_text(item);
      if (!text) return std::nullopt;
      joined += (joined.empty() ? "" : ",") + *text;
    }
    return joined;
  }
  return std::nullopt;
}

// Throws for the first key of `table` (under `prefix`) that is no setting: a misspelt key, or
// one under the wrong [table], would otherwise be ignored without a word.
void reject_unknown_keys(const toml::table& table, const std::string& prefix, const std::vector<setting>& settings,
                         const std::string& file) {
  for (const auto& [key, node] : table) {
    const auto path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* inner = node.as_table()) {
      reject_unknown_keys(*inner, path, settings, file);
      continue;
    }
    const bool known =
        std::any_of(settings.begin(), settings.end(), [&](const setting& s) { return s.toml_key == path; });
    if (!known)
      throw std::runtime_error(fmt::format("config file {}:{}: unknown key {}", file, node.source().begin.line, path));
  }
}

// A PostgreSQL URL with its password replaced ("postgres://rekey:***@db/rekey"); other text as it is.
std::string without_password(const std::string& database) {
  const auto scheme = database.find("://");
  const auto at = database.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return database;
  const auto colon = database.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

}  // namespace

struct config_loader::impl {
  std::vector<setting> table = settings();
  std::vector<std::string> values = std::vector<std::string>(table.size());
  std::vector<CLI::Option*> options = std::vector<CLI::Option*>(table.size());
  std::vector<bool> flags = std::vector<bool>(table.size());
  std::string config_file;
};

config_loader::config_loader(CLI::App& command) : impl_(std::make_unique<impl>()) {
  command.add_option("--config", impl_->config_file, "TOML configuration file")->envname("REKEY_CONFIG");
  for (std::size_t i = 0; i < impl_->table.size(); ++i) {
    const auto& s = impl_->table[i];
    if (s.is_flag) {
      impl_->options[i] = command.add_flag("--" + s.name, impl_->values[i], s.help)->envname(env_name(s.name));
    } else {
      impl_->options[i] = command.add_option("--" + s.name, impl_->values[i], s.help)->envname(env_name(s.name));
    }
  }
}

config_loader::~config_loader() = default;

config config_loader::load() const {
  config c;
  if (!impl_->config_file.empty()) {
    toml::table file;
    try {
      file = toml::parse_file(impl_->config_file);
    } catch (const toml::parse_error& e) {
      throw std::runtime_error(
          fmt::format("config file {}:{}: {}", impl_->config_file, e.source().begin.line, e.description()));
    }
    reject_unknown_keys(file, "", impl_->table, impl_->config_file);
    for (const auto& s : impl_->table) {
      const auto node = file.at_path(s.toml_key);
      if (!node) continue;
      const auto text = toml_text(*node.node());
      if (!text || !s.apply(c, *text)) {
        throw std::runtime_error(fmt::format("config file {}:{}: bad value for {}{}", impl_->config_file,
                                             node.node()->source().begin.line, s.toml_key,
                                             s.expected.empty() ? "" : ": it must be " + s.expected));
      }
    }
  }
  for (std::size_t i = 0; i < impl_->table.size(); ++i) {
    const auto& s = impl_->table[i];
    if (impl_->options[i]->count() == 0) continue;
    const auto value = s.is_flag && impl_->values[i].empty() ? std::string("true") : impl_->values[i];
    if (!s.apply(c, value)) {
      throw std::runtime_error(fmt::format("bad value for --{} / {}: {} ({})", s.name, env_name(s.name), value,
                                           s.expected.empty() ? s.help : "it must be " + s.expected));
    }
  }
  if (const char* key = std::getenv("REKEY_MASTER_KEY")) c.master_key_hex = key;
  if (c.database.empty()) c.database = c.data_dir + "/rekey.db";
  if (c.http.tls_cert_file.empty() != c.http.tls_key_file.empty()) {
    throw std::runtime_error("--tls-cert and --tls-key go together");
  }
  // RFC 8414 §2: an https (or, here, http) URL with no query or fragment; its endpoints are
  // appended to it, so no trailing slash.
  while (c.issuer.ends_with('/')) c.issuer.pop_back();
  if (!c.issuer.empty() && ((!c.issuer.starts_with("https://") && !c.issuer.starts_with("http://")) ||
                            c.issuer.find_first_of("?# \t") != std::string::npos))
    throw std::runtime_error(
        "--issuer must be an http(s) URL without query or fragment, e.g. https://auth.example.com");
  if (c.dev_tls && !c.dev) throw std::runtime_error("--dev-tls needs --dev: the local CA is for development only");
  if (c.dev_tls && !c.http.tls_cert_file.empty())
    throw std::runtime_error("--dev-tls and --tls-cert exclude each other");
  return c;
}

std::string config_loader::describe(const config& effective) const {
  config c = effective;
  std::string out;
  for (const auto& s : impl_->table) {
    auto value = s.apply.show(c);
    if (s.toml_key == "database") value = without_password(value);
    out += fmt::format("{} = {}\n", s.toml_key, value);
  }
  if (!c.master_key_hex.empty()) out += "master key = (from REKEY_MASTER_KEY, not shown)\n";
  return out;
}

}  // namespace rekey
