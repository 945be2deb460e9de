#include "app/service.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include <sys/stat.h>

#include <bit>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "api/admin_api.hpp"
#include "api/admin_guard.hpp"
#include "api/console_endpoint.hpp"
#include "api/error_response.hpp"
#include "api/health_endpoint.hpp"
#include "api/introspection_endpoint.hpp"
#include "api/metrics_endpoint.hpp"
#include "api/openapi_endpoint.hpp"
#include "api/platform_admin_api.hpp"
#include "api/queue_admin_api.hpp"
#include "api/rotate_endpoint.hpp"
#include "api/sqs_endpoint.hpp"
#include "api/system_api.hpp"
#include "api/token_endpoint.hpp"
#include "api/well_known_endpoint.hpp"
#include "app/backend.hpp"
#include "app/dev_tls.hpp"
#include "app/json_log_formatter.hpp"
#include "app/process_limits.hpp"
#include "app/rate_limited_sink.hpp"
#include "app/request_telemetry.hpp"
#include "audit/audit_trail.hpp"
#include "auth/access_token_verifier.hpp"
#include "auth/authentication_failures.hpp"
#include "auth/credential_cache.hpp"
#include "auth/failure_throttle.hpp"
#include "auth/introspection_service.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/jwt_keys.hpp"
#include "auth/resource_server_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "auth/signing_keys.hpp"
#include "auth/token_codec.hpp"
#include "auth/token_service.hpp"
#include "auth/usage_tracker.hpp"
#include "console/admin_service.hpp"
#include "console/admin_token.hpp"
#include "console/console_sessions.hpp"
#include "console/maintenance_mode.hpp"
#include "console/platform_admin.hpp"
#include "console/queue_admin.hpp"
#include "core/amazon_hosts.hpp"
#include "core/fast_random.hpp"
#include "core/offset_clock.hpp"
#include "crypto/openssl_random.hpp"
#include "delivery/http_client.hpp"
#include "delivery/sqs_publisher.hpp"
#include "delivery/webhook_publisher.hpp"
#include "http/proxy.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "lifecycle/lifecycle_sweeper.hpp"
#include "outbox/destination_tester.hpp"
#include "outbox/embedded_delivery.hpp"
#include "outbox/outbox_relay.hpp"
#include "outbox/relay_loop.hpp"
#include "queue/access_key_cache.hpp"
#include "queue/queue_notifier.hpp"
#include "queue/queue_service.hpp"
#include "rotation/expiry_notification.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/rate_limit_mirror.hpp"
#include "rotation/rotation_service.hpp"
#include "runtime/io_context_pool.hpp"
#include "runtime/storage_executor.hpp"
#include "storage/postgres/pg_store.hpp"

namespace rekey {
namespace {

namespace asio = boost::asio;

// Most jobs in one storage batch. SQLite: all waiting jobs, one fsync. PostgreSQL: rotations, all
// of whose locks a batch holds until it commits — fewer, so that a batch stays short.
constexpr std::size_t sqlite_batch = 256;
constexpr std::size_t postgres_rotation_batch = 16;

template <class T>
T must(result<T> r, const char* what) {
  if (!r) throw std::runtime_error(fmt::format("{}: {}", what, r.error().message()));
  return std::move(*r);
}

void must(result<void> r, const char* what) {
  if (!r) throw std::runtime_error(fmt::format("{}: {}", what, r.error().message()));
}

// Warnings and errors at most 20 a second (bursts of 100): rate_limited_sink.hpp. Text or one
// JSON object a line (json_log_formatter.hpp). With --access-log, the access logger: the same
// sink and format, at info whatever --log-level says (asking for it is asking for its lines).
std::shared_ptr<spdlog::logger> setup_logging(const config& cfg) {
  auto sink = std::make_shared<rate_limited_sink>(std::make_shared<spdlog::sinks::stderr_sink_mt>(), 20.0, 100.0);
  auto logger = std::make_shared<spdlog::logger>("rekey", sink);
  if (cfg.log_format == "json")
    logger->set_formatter(std::make_unique<json_log_formatter>());
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(cfg.log_level));
  spdlog::set_default_logger(logger);
  if (!cfg.access_log) return nullptr;
  auto access = logger->clone("access");
  access->set_level(spdlog::level::info);
  return access;
}

// Everything rekey creates — the database and its WAL, keys, the admin token — is its own alone
// (0600 files, 0700 directories), whatever the data directory's mode or the caller's umask.
void prepare_data_dir(const std::string& dir) {
  ::umask(077);
  namespace fs = std::filesystem;
  if (!fs::exists(dir)) {
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  }
}

// --dev: the demo application, created once, enrolled with an embedded queue.
void ensure_demo_application(store& storage, admin_service& admin, const std::string& base_url,
                             const std::string& console_url, const std::string& admin_token_file) {
  constexpr std::string_view marker = "dev_demo_application";
  const std::string dev_start = "dev-start";  // the audit entries' request id
  std::optional<std::string> existing;
  {
    auto work = must(storage.begin(), "reading dev settings");
    existing = must(work->keys().get_setting(marker), "reading dev settings");
  }
  if (existing) {
    fmt::print(
        "rekey --dev: demo application {} exists; its secret was shown when it was created.\n"
        "  Start afresh with: rm -rf <data-dir>   (or create another: rekey app create --name demo2)\n",
        *existing);
    return;
  }
  auto created =
      must(admin.create_application(dev_start, "demo", std::nullopt, std::nullopt), "creating demo application");
  auto destination =
      must(admin.create_embedded_destination(dev_start, created.app.id, "demo-queue"), "creating demo queue");
  must(admin.set_subscription(dev_start, created.app.id, new_secret_notification_type, destination.id),
       "enrolling demo application");
  must(admin.set_subscription(dev_start, created.app.id, expiry_notification_type, destination.id),
       "subscribing the demo application to expiry warnings");
  const auto key = must(admin.create_access_key(dev_start, default_account), "creating the demo queue's access key");
  {
    auto work = must(storage.begin(), "saving dev settings");
    must(work->keys().put_setting(marker, created.app.id), "saving dev settings");
    must(work->commit(), "saving dev settings");
  }
  fmt::print(R"TXT(rekey --dev: created the demo application (enrolled with embedded queue "demo-queue")
  application id: {0}
  client id:      {1}
  client secret:  {2}
  (the secret is shown once; rekey keeps only a keyed hash of it)
  admin token:    {4} (the rekey CLI reads it from there)

New secrets and expiry warnings arrive on the embedded SQS-compatible queue (any SQS client works):
  queue URL:      {3}/{5}/demo-queue
  access key id:  {6}
  secret key:     {7}

Try it:
  export CLIENT_ID={1} CLIENT_SECRET={2}
  TOKEN=$(curl -s {3}/auth/o2/token -d grant_type=client_credentials \
      -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET \
      -d scope=sellingpartnerapi::client_credential:rotation | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -i -X POST {3}/applications/2023-11-30/clientSecret -H "x-amz-access-token: $TOKEN"   # 204
  curl -i -X POST {3}/applications/2023-11-30/clientSecret -H "x-amz-access-token: $TOKEN"   # 429

Time travel (--dev only): rekey dev clock advance 90d   # the 90-day expiry warning arrives

The console: {8}/console/   (sign in with the admin token in {4})
)TXT",
             created.app.id, created.app.client_id, created.client_secret, base_url, admin_token_file, default_account,
             key.id, key.secret, console_url);
}

// With --admin-listen, the public listener answers 404 for the admin API and the console, in
// the admin API's shape. Two-segment paths (/console/x, /admin/v1) need routes of their own:
// the SQS queue path /{account}/{queue}, added later, would take them.
void keep_admin_paths_off(http::router& routes) {
  const http::handler not_here = [](http::request_context& ctx) -> asio::awaitable<http::response> {
    co_return api::error_list_response(errc::not_found, ctx.req.version());
  };
  for (const char* path : {"/console", "/console/{file}", "/admin/{version}"}) {
    routes.add(http::verb::get, path, not_here);
    routes.add(http::verb::post, path, not_here);
  }
  routes.add_prefix("/console/", not_here);
  routes.add_prefix("/admin/", not_here);
}

// A TLS 1.2+ server context with a certificate chain and its key.
std::unique_ptr<asio::ssl::context> tls_context(const std::string& certificate, const std::string& key) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  tls->use_certificate_chain_file(certificate);
  tls->use_private_key_file(key, asio::ssl::context::pem);
  return tls;
}

// TLS for the listener, when a certificate is configured; null for plain HTTP.
std::unique_ptr<asio::ssl::context> server_tls(const http_config& http) {
  if (http.tls_cert_file.empty()) return nullptr;
  return tls_context(http.tls_cert_file, http.tls_key_file);
}

// The local CA for Amazon's host names (app/dev_tls.hpp), when --dev uses it: made with
// --dev-tls, kept current when it exists. Only --dev reads the CA's key.
void refresh_local_ca(const config& cfg) {
  const auto files = local_ca_in(cfg.data_dir);
  if (!cfg.dev || (!cfg.dev_tls && !std::filesystem::exists(files.ca_certificate()))) return;
  const auto outcome = prepare_local_ca(cfg.data_dir);
  if (outcome.ca_created) {
    fmt::print("{}", trust_instructions(files, outcome));
  } else if (outcome.server_issued) {
    spdlog::info("issued the local CA's server certificate again ({}), valid until {}", files.server_certificate(),
                 outcome.server_expires);
  }
}

// --proxy without --dev never issues the server certificate again (only --dev and `rekey dev tls
// init` read the CA's key): it warns while there is time and does not start once it has expired.
void check_proxy_certificate(const local_ca_files& files, const std::string& data_dir) {
  const auto left = certificate_not_after(files.server_certificate()) - std::chrono::system_clock::now();
  const auto renew = fmt::format("`rekey dev tls init --data-dir {}`", data_dir);
  if (left <= std::chrono::seconds(0)) {
    throw std::runtime_error(fmt::format("--proxy: the local CA's server certificate {} has expired: run {}",
                                         files.server_certificate(), renew));
  }
  if (left < std::chrono::days(server_certificate_renewal_days)) {
    spdlog::warn("--proxy: the local CA's server certificate {} expires in {} days: run {} (only --dev renews it)",
                 files.server_certificate(), std::chrono::duration_cast<std::chrono::days>(left).count(), renew);
  }
}

// The proxy (http/proxy.hpp) for Amazon's host names: on with --dev or --proxy, on a plain-HTTP
// listener only. Its tunnels are terminated with the local CA's server certificate; without one,
// --proxy does not start and --dev answers CONNECT 503 (absolute-form requests are still served).
std::unique_ptr<asio::ssl::context> proxy_tunnel_tls(const config& cfg) {
  const auto files = local_ca_in(cfg.data_dir);
  if (std::filesystem::exists(files.server_certificate()) && std::filesystem::exists(files.server_key())) {
    if (!cfg.dev) check_proxy_certificate(files, cfg.data_dir);
    return tls_context(files.server_certificate(), files.server_key());
  }
  if (!cfg.dev) {
    throw std::runtime_error(
        "--proxy terminates CONNECT tunnels with the local CA's certificate: run `rekey dev "
        "tls init --data-dir " +
        cfg.data_dir + "` first");
  }
  spdlog::warn("--dev: no local CA in {}: CONNECT tunnels answer 503 until `rekey dev tls init` is run", files.dir);
  return nullptr;
}

// SQLite: one storage thread with group commit. PostgreSQL: a thread per pooled connection,
// rotations in rotation batches (pg_rotation_batch.hpp: their locks taken up front in one
// order, so batches on several nodes cannot deadlock), every other job its own transaction.
std::unique_ptr<runtime::storage_executor> storage_threads(const config& cfg, backend& b) {
  const bool postgres = b.postgres != nullptr;
  const auto policy =
      postgres ? runtime::batching_policy::rotation_batches(cfg.database_connections, postgres_rotation_batch)
               : runtime::batching_policy::group_commit(sqlite_batch);
  return std::make_unique<runtime::storage_executor>(cfg.http.max_pending_storage_jobs, *b.storage, policy);
}

// What other nodes commit: their secret changes drop the application from this node's
// credential cache (its next use reads storage, so a revocation elsewhere stops authenticating
// here), their enqueued messages wake long polls. After a gap in the events ("*"), everything
// is reloaded.
// Their revoked access keys are dropped from this node's cache (all of them after a gap), a
// usage plan change drops the application's remembered refusal, a change of maintenance mode is
// read again; so are changed resource servers (dropped) and JWT signing keys (read again).
void listen_to_other_nodes(pg_store& postgres, asio::io_context& main, runtime::storage_executor& executor,
                           admin_service& admin, credential_cache& credentials, rate_limit_mirror& mirror,
                           queue_notifier& queue_wakeups, access_key_cache& access_keys, maintenance_mode& maintenance,
                           resource_server_cache& resource_servers, platform_admin& platform) {
  // Reads run on several storage threads and may finish out of order: only the latest read
  // started sets the flag.
  const auto reads = std::make_shared<std::atomic<std::uint64_t>>(0);
  const auto reload_maintenance = [&main, &executor, &admin, &maintenance, reads] {
    const auto mine = ++*reads;
    asio::co_spawn(
        main,
        [&executor, &admin, &maintenance, reads, mine]() -> asio::awaitable<void> {
          auto on = co_await executor.run([&] { return admin.load_maintenance(); });
          if (!on)
            spdlog::warn("could not read maintenance mode after another node changed it");
          else if (*reads == mine)
            maintenance.set(*on);
        },
        asio::detached);
  };
  // Another node's new JWT signing key: published (and, after its lead, signing) here too.
  const auto reload_jwt_keys = [&main, &executor, &platform] {
    asio::co_spawn(
        main,
        [&executor, &platform]() -> asio::awaitable<void> {
          auto reloaded = co_await executor.run([&] { return platform.reload_jwt_keys().has_value(); });
          if (!reloaded || !*reloaded) spdlog::warn("could not read the JWT signing keys after another node's change");
        },
        asio::detached);
  };
  postgres.on_events([&, reload_maintenance, reload_jwt_keys](std::string_view event) {
    if (event.starts_with("queue:")) return queue_wakeups.notify(event.substr(6));
    if (event.starts_with("app:")) {
      credentials.forget(event.substr(4));
      return mirror.forget(event.substr(4));  // its usage plan may have changed
    }
    if (event.starts_with("key:")) return access_keys.forget(event.substr(4));
    if (event.starts_with("rs:")) return resource_servers.forget(event.substr(3));
    if (event == "jwt-keys") return reload_jwt_keys();
    if (event == "setting:maintenance") return reload_maintenance();
    if (event != "*") return;
    access_keys.clear();
    resource_servers.clear();
    reload_maintenance();
    reload_jwt_keys();
    asio::co_spawn(
        main,
        [&executor, &admin]() -> asio::awaitable<void> {
          auto reloaded = co_await executor.run([&] { return admin.load_credentials().has_value(); });
          if (!reloaded || !*reloaded) spdlog::warn("could not reload credentials after missing other nodes' events");
        },
        asio::detached);
  });
}

// The dev clock's saved offset, the credential cache, the admin token: what must be in place
// before the first request.
void load_start_up_state(const config& cfg, offset_clock& clock, admin_service& admin, admin_token& admin_auth,
                         store& storage, random_source& random) {
  if (cfg.dev) {
    if (!clock.advance(must(admin.load_dev_clock_offset(), "reading the dev clock"))) {
      throw std::runtime_error("the saved dev clock offset runs past the year 9999");
    }
    if (clock.offset().count() > 0)
      spdlog::warn("--dev: rekey's clock runs {} ms ahead (rekey dev clock advance)", clock.offset().count());
  }
  const auto loaded = must(admin.load_credentials(), "loading applications");
  spdlog::info("{} application(s) loaded", loaded);
  const std::string admin_token_file = cfg.data_dir + "/admin-token";
  must(admin_auth.ensure(storage, admin_token_file, random), "preparing the admin token");
  if (admin_auth.created())
    spdlog::warn("created a new admin token in {} (mode 0600)", admin_token_file);
  else
    spdlog::info("admin token in {}", admin_token_file);
}

// Runs the pool until SIGINT/SIGTERM, then drains: the servers stop accepting and finish
// in-flight requests, the relay stops, the pool runs out of work.
void serve_until_signalled(runtime::io_context_pool& pool, const std::vector<http::server*>& servers, relay_loop& relay,
                           const std::string& base_url, unsigned threads) {
  asio::signal_set signals(pool.main(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down, finishing in-flight requests", signal);
    for (auto* server : servers) server->shutdown();
    relay.stop();
    pool.release();
  });
  spdlog::info("serving with {} I/O thread(s)", threads);
  fmt::print("rekey listening on {}\n", base_url);
  std::fflush(stdout);
  pool.run();
}

}  // namespace

int run_service(const config& cfg) {
  const auto access_log = setup_logging(cfg);
  prepare_data_dir(cfg.data_dir);

  openssl_random random;
  wall_clock wall;
  // Everything reads the time through `clock`; only --dev mode can move it (time travel). What
  // must agree with other machines' real clocks (SigV4 request dates and their skew check, the
  // webhook signature's timestamp) reads `wall`.
  offset_clock clock(wall);
  backend b = open_backend(cfg, random, clock);
  store& storage = *b.storage;
  const key256& at_rest_key = b.at_rest_key;

  // The domain: caches, services, the queue, the lifecycle.
  const token_codec codec(b.signing.keys, b.signing.active_kid);
  credential_cache credentials;
  failure_throttle throttle(cfg.throttle);
  rate_limit_mirror mirror;
  usage_tracker usage;
  authentication_failures failures;
  // JWT access tokens (applications set to them), signed by the keys in storage; the issuer is
  // set once the listener's URL is known.
  jwt_key_ring jwt_keys(cfg.secrets.access_token_lifetime);
  jwt_keys.add(must(load_jwt_keys(storage, at_rest_key, random, clock.now()), "loading the JWT signing keys"));
  jwt_codec jwt(jwt_keys, cfg.issuer, random);
  const access_token_verifier verifier(codec, jwt);
  token_service tokens(credentials, *b.hasher, codec, throttle, clock, cfg.secrets, usage, failures, &jwt);
  resource_server_cache resource_servers;
  failure_throttle introspection_failures(cfg.throttle);  // resource servers' wrong credentials
  queue_service queues(storage, clock, random, at_rest_key);
  embedded_delivery deliver_embedded(queues);
  rotation_service rotation(storage, clock, random, *b.hasher, at_rest_key, credentials, mirror, cfg.secrets,
                            cfg.rate_limit, *b.audit, std::ref(deliver_embedded));
  lifecycle_sweeper lifecycle(storage, clock, random, at_rest_key, cfg.secrets, *b.audit, usage, failures);
  access_key_cache access_keys;
  queue_notifier queue_wakeups;
  admin_service admin(storage, clock, random, *b.hasher, credentials, cfg.secrets, at_rest_key, access_keys, *b.audit);
  admin_token admin_auth(*b.hasher);
  load_start_up_state(cfg, clock, admin, admin_auth, storage, random);
  queue_admin queue_console(storage, clock, at_rest_key, access_keys, *b.audit);
  maintenance_mode maintenance;
  maintenance.set(must(admin.load_maintenance(), "reading maintenance mode"));
  if (maintenance.on()) spdlog::warn("maintenance mode is on: the SP-API rotate call answers 503");

  // Where work runs, and the outbound side: publishers and the outbox relay.
  const unsigned threads = cfg.http.threads != 0 ? cfg.http.threads : std::max(1u, std::thread::hardware_concurrency());
  runtime::io_context_pool pool(threads);
  const auto executor = storage_threads(cfg, b);
  metrics::service_metrics metrics(REKEY_VERSION, api::metric_error_names(), cfg.secrets.expiry_warnings);
  executor->observe_batches([&metrics](std::size_t jobs) { metrics.storage_batch_ran(jobs); });
  request_telemetry telemetry(metrics, access_log);
  refresh_local_ca(cfg);
  http_config listening = cfg.http;
  if (cfg.dev_tls) {
    listening.tls_cert_file = local_ca_in(cfg.data_dir).server_certificate();
    listening.tls_key_file = local_ca_in(cfg.data_dir).server_key();
  }
  const auto tls = server_tls(listening);
  // A client speaks plain HTTP to a proxy (HTTPS_PROXY=http://...): with --dev --dev-tls the
  // listener serves HTTPS alone; --proxy asked for on a TLS listener does not start.
  if (cfg.http.proxy && tls != nullptr)
    throw std::runtime_error("--proxy: the proxy needs a plain-HTTP listener (not --tls-cert or --dev-tls)");
  const bool proxying = (cfg.dev || cfg.http.proxy) && tls == nullptr;
  const auto tunnel_tls = proxying ? proxy_tunnel_tls(cfg) : nullptr;
  const http::proxy_options proxy{[](std::string_view host) { return is_amazon_host(host); }, tunnel_tls.get()};
  asio::ssl::context client_tls(asio::ssl::context::tls_client);
  client_tls.set_default_verify_paths();
  client_tls.set_verify_mode(asio::ssl::verify_peer);
  http_client outbound(client_tls, millis{10'000});
  webhook_publisher webhooks(outbound, wall, at_rest_key);
  sqs_publisher sqs_destinations(outbound, wall, at_rest_key);
  const std::map<std::string, publisher*> publishers{{"webhook", &webhooks}, {"sqs", &sqs_destinations}};
  outbox_relay relay(storage, clock, random, at_rest_key, queues, credentials, cfg.secrets, cfg.delivery);
  relay.count_into(&metrics);
  relay_loop relay_runner(
      pool.main(), relay, *executor, publishers, [&](const queue_address& queue) { queue_wakeups.notify(queue.key()); },
      cfg.delivery.poll_interval,
      [&lifecycle] {
        if (auto pass = lifecycle.run_once(); !pass) spdlog::warn("lifecycle sweep: {}", pass.error().message());
      });
  destination_tester tester(storage, *executor, queues, queue_wakeups, publishers, clock, random);

  // The HTTP surfaces (src/api/), one route each, and the listener.
  http::router routes(api::transport_error_response);
  const auto seed = random.bytes<8>();
  fast_random request_ids(std::bit_cast<std::uint64_t>(seed));  // correlation ids only, never secrets
  http_config listener = listening;
  const auto file_limit = raise_file_limit();
  if (listener.max_connections == 0) listener.max_connections = default_max_connections(file_limit);
  spdlog::info("at most {} connections (file descriptors: {})", listener.max_connections, file_limit);
  http::server server(pool, listener, routes, request_ids, tls.get(), &telemetry, proxying ? &proxy : nullptr);
  // --admin-listen: the admin API and the console on a listener of their own.
  const bool admin_apart = cfg.http.admin_listen.has_value();
  http::router admin_routes(api::transport_error_response);
  http::router& admin_side = admin_apart ? admin_routes : routes;
  http_config admin_listener = listener;
  if (admin_apart) {
    admin_listener.listen_address = cfg.http.admin_listen->address;
    admin_listener.port = cfg.http.admin_listen->port;
  }
  std::optional<http::server> admin_server;
  if (admin_apart) admin_server.emplace(pool, admin_listener, admin_routes, request_ids, tls.get(), &telemetry);
  // --metrics-listen: /metrics (and the health routes) on a management listener of their own.
  http::router metrics_routes(api::transport_error_response);
  std::optional<http::server> metrics_server;
  http_config metrics_listener = listener;
  if (cfg.http.metrics_listen) {
    metrics_listener.listen_address = cfg.http.metrics_listen->address;
    metrics_listener.port = cfg.http.metrics_listen->port;
    metrics_server.emplace(pool, metrics_listener, metrics_routes, request_ids, tls.get(), &telemetry);
  }
  // Bound now, so that the routes can name the addresses (queue URLs); served once they are in.
  const auto port = server.listen();
  const std::string scheme = tls ? "https" : "http";
  // An IPv6 address goes in brackets in a URL (RFC 3986 §3.2.2).
  const auto url_host = [](const std::string& a) { return a.find(':') == std::string::npos ? a : "[" + a + "]"; };
  const std::string base_url = fmt::format("{}://{}:{}", scheme, url_host(cfg.http.listen_address), port);
  const std::string admin_url =
      admin_apart ? fmt::format("{}://{}:{}", scheme, url_host(admin_listener.listen_address), admin_server->listen())
                  : base_url;
  api::token_endpoint token_handler(tokens, storage, *executor, cfg.throttle.failure_delay, &metrics);
  const std::string issuer = cfg.issuer.empty() ? base_url : cfg.issuer;
  if (cfg.issuer.empty() && b.postgres != nullptr)
    spdlog::warn(
        "no --issuer: this node's JWT access tokens name {} as their issuer, and other nodes refuse them; "
        "give every node the same --issuer (the URL clients reach them by)",
        issuer);
  jwt.set_issuer(issuer);
  introspection_service introspection(resource_servers, credentials, *b.hasher, verifier, introspection_failures, clock,
                                      issuer);
  api::introspection_endpoint introspection_handler(introspection, storage, *executor, cfg.throttle.failure_delay);
  const api::well_known_endpoint well_known(jwt_keys, clock, issuer, cfg.secrets.jwt_key_lead);
  platform_admin platform(storage, clock, random, *b.hasher, credentials, resource_servers, jwt_keys, at_rest_key,
                          cfg.secrets.jwt_key_lead, *b.audit);
  // A rotation delivered to an embedded queue in its own transaction counts as a delivery here
  // (the relay counts the rest).
  const auto after_rotation = [&](const rotation_outcome& rotated) {
    if (rotated.delivered_to) {
      metrics.notification_attempted(new_secret_notification_type, "embedded", metrics::delivery_result::delivered);
      queue_wakeups.notify(*rotated.delivered_to);
    } else {
      relay_runner.poke();
    }
  };
  api::rotate_endpoint rotate_handler(verifier, credentials, mirror, rotation, *executor, clock, after_rotation,
                                      &maintenance, &metrics,
                                      api::sandbox_behaviour{cfg.sandbox == "static", cfg.rate_limit.rotate_rate});
  // The relay loop counts as stalled after a minute without progress (a pass begun or a delivery
  // finished: an idle loop passes every poll interval, one delivery times out after 10 s).
  api::health_endpoint health(
      storage, *executor, [&server] { return server.stopping(); },
      [&relay_runner] { return relay_runner.running(std::chrono::seconds(60)); }, &maintenance);
  failure_throttle admin_failures(cfg.throttle);  // wrong admin tokens, per address
  // Sessions read the wall clock: moving the --dev clock must not sign the console out.
  console_sessions sessions(wall, random);
  const api::admin_guard guard(admin_auth, admin_failures, sessions, clock, &metrics);
  api::admin_api::options admin_options;
  admin_options.wake_relay = [&relay_runner] { relay_runner.poke(); };
  admin_options.tester = [&tester](const destination_record& d) { return tester.test(d); };
  admin_options.dev_clock = cfg.dev ? &clock : nullptr;
  admin_options.rotation = &rotation;
  admin_options.rotated = after_rotation;
  admin_options.mirror = &mirror;
  admin_options.policy = cfg.secrets;
  api::admin_api admin_handler(admin, guard, *executor, clock, std::move(admin_options));
  api::platform_admin_api platform_handler(platform, guard, *executor);
  api::console_endpoint console_handler(admin, guard, sessions, *executor, tls != nullptr);
  api::system_api system_handler(admin, guard, *executor, health, maintenance, clock,
                                 b.postgres != nullptr ? "postgresql" : "sqlite", cfg.dev, cfg.rate_limit);
  api::queue_admin_api queue_admin_handler(queue_console, guard, *executor, base_url);
  api::sqs_endpoint sqs_handler(queues, access_keys, storage, at_rest_key, *executor, queue_wakeups, wall, &metrics);
  api::metrics_endpoint metrics_handler(metrics, *executor, clock);
  const api::openapi_endpoint openapi_handler;
  routes.add(http::verb::post, "/auth/o2/token", [&](auto& ctx) { return token_handler.handle(ctx); });
  routes.add(http::verb::post, "/auth/o2/introspect", [&](auto& ctx) { return introspection_handler.handle(ctx); });
  routes.add(http::verb::get, "/.well-known/jwks.json", [&](auto& ctx) { return well_known.jwks(ctx); });
  routes.add(http::verb::get, "/.well-known/oauth-authorization-server",
             [&](auto& ctx) { return well_known.metadata(ctx); });
  routes.add(http::verb::post, "/applications/2023-11-30/clientSecret",
             [&](auto& ctx) { return rotate_handler.handle(ctx); });
  const auto add_health = [&health](http::router& r) {
    r.add(http::verb::get, "/health", [&health](auto& ctx) { return health.live(ctx); });
    r.add(http::verb::get, "/health/live", [&health](auto& ctx) { return health.live(ctx); });
    r.add(http::verb::get, "/ready", [&health](auto& ctx) { return health.ready(ctx); });
    r.add(http::verb::get, "/health/ready", [&health](auto& ctx) { return health.ready_checks(ctx); });
  };
  add_health(routes);
  routes.add(http::verb::get, "/openapi.json", [&](auto& ctx) { return openapi_handler.handle(ctx); });
  http::router& metrics_side = metrics_server ? metrics_routes : routes;
  metrics_side.add(http::verb::get, "/metrics", [&](auto& ctx) { return metrics_handler.handle(ctx); });
  if (metrics_server) add_health(metrics_routes);
  // The admin and console routes go in before the SQS routes: the SQS queue path
  // /{account}/{queue} would otherwise take two-segment paths such as /console/console.css.
  if (admin_apart) {
    add_health(admin_routes);
    keep_admin_paths_off(routes);
  }
  admin_handler.add_routes(admin_side);
  platform_handler.add_routes(admin_side);
  queue_admin_handler.add_routes(admin_side);
  system_handler.add_routes(admin_side);
  console_handler.add_routes(admin_side);
  // The SQS endpoint (both protocols): POST / and, for the query protocol, GET / and the queue's
  // own path /<account>/<queue> (docs/queue.md).
  const auto sqs = [&](auto& ctx) { return sqs_handler.handle(ctx); };
  const auto sqs_limit = std::max(cfg.http.body_limit, api::sqs_body_limit);
  for (const char* path : {"/", "/{account}/{queue}"}) {
    routes.add(http::verb::post, path, sqs, sqs_limit);
    routes.add(http::verb::get, path, sqs);
  }
  std::vector<std::pair<std::string, const http::router*>> tables{{"public", &routes}};
  if (admin_apart) tables.emplace_back("admin", &admin_routes);
  if (metrics_server) tables.emplace_back("metrics", &metrics_routes);
  system_handler.list_routes_of(tables);
  std::vector<std::string> patterns;
  for (const auto& [name, table] : tables)
    for (const auto& r : table->routes()) patterns.push_back(r.path);
  metrics.serve_routes(patterns);
  if (b.postgres != nullptr) {
    listen_to_other_nodes(*b.postgres, pool.main(), *executor, admin, credentials, mirror, queue_wakeups, access_keys,
                          maintenance, resource_servers, platform);
  }

  if (cfg.dev) ensure_demo_application(storage, admin, base_url, admin_url, cfg.data_dir + "/admin-token");
  server.start();
  if (admin_server) {
    admin_server->start();
    fmt::print("rekey admin listening on {}\n", admin_url);
  }
  fmt::print("rekey console: {}/console/\n", admin_url);
  if (proxying) fmt::print("rekey proxy for Amazon's host names: HTTPS_PROXY={}\n", base_url);
  std::vector<http::server*> servers{&server};
  if (admin_server) servers.push_back(&*admin_server);
  if (metrics_server) {
    const auto metrics_port = metrics_server->listen();
    metrics_server->start();
    servers.push_back(&*metrics_server);
    fmt::print("rekey metrics: {}://{}:{}/metrics\n", scheme, url_host(metrics_listener.listen_address), metrics_port);
  }
  relay_runner.start();
  serve_until_signalled(pool, servers, relay_runner, base_url, threads);
  if (b.postgres != nullptr) b.postgres->stop_events();
  executor->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace rekey
