#include "auth/introspection_service.hpp"

#include "auth/jwt_codec.hpp"

namespace rekey {
namespace {

constexpr std::int64_t ms_per_second = 1000;

bool still_valid(secret_state s) { return s == secret_state::current || s == secret_state::old; }

}  // namespace

introspection_service::introspection_service(resource_server_cache& servers, credential_cache& credentials,
                                             const secret_hasher& hasher, const access_token_verifier& verifier,
                                             failure_throttle& throttle, const clock& clock, std::string issuer)
    : servers_(servers),
      credentials_(credentials),
      hasher_(hasher),
      verifier_(verifier),
      throttle_(throttle),
      clock_(clock),
      issuer_(std::move(issuer)) {}

result<introspection> introspection_service::refuse(const introspection_request& r, std::string_view peer,
                                                    time_point now) {
  throttle_.record_failure(r.resource_server_id, peer, now);
  return errc::invalid_client;
}

std::optional<introspection> introspection_service::judge(const known_resource_server& server, const std::string& token,
                                                          time_point now) {
  const auto verified = verifier_.verify(token, now);
  if (!verified) return introspection{};
  const auto& claims = verified->claims;
  const auto holder = credentials_.find_holder(claims.application_id, claims.secret_id);
  if (!holder || !holder->secret) return std::nullopt;  // not seen here (yet): storage tells
  // A secret past its expiry no longer vouches for its tokens, as the rotate call refuses them.
  if (!still_valid(holder->secret->state) || now >= holder->secret->expires_at) return introspection{};
  if (verified->jwt && verified->client_id != holder->client_id) return introspection{};
  introspection out;
  // A token of SP-API scopes alone is for rekey itself (token_service never mixes the two kinds).
  const auto audience = claims.scopes.custom.empty() ? issuer_ : holder->tokens.audience.value_or(issuer_);
  out.audience = verified->jwt ? verified->audience : audience;
  if (server.audience && *server.audience != out.audience) return introspection{};
  out.active = true;
  out.client_id = holder->client_id;
  out.subject = claims.application_id;
  out.scope = to_string(claims.scopes);
  out.expires_at = to_epoch_ms(claims.expires_at) / ms_per_second;
  out.issued_at = to_epoch_ms(claims.issued_at) / ms_per_second;
  return out;
}

std::optional<result<introspection>> introspection_service::answer_from_cache(const introspection_request& r,
                                                                              std::string_view peer) {
  const auto now = clock_.now();
  if (throttle_.throttled(r.resource_server_id, peer, now)) return result<introspection>(errc::slow_down);
  const auto server = servers_.match(r.resource_server_id, hasher_.hash(r.resource_server_secret));
  if (!server) return std::nullopt;  // unknown here, or another secret: storage decides
  if (server->revoked) return refuse(r, peer, now);
  auto answer = judge(*server, r.token, now);
  if (!answer) return std::nullopt;
  return result<introspection>(std::move(*answer));
}

result<introspection> introspection_service::answer_with_storage(store& storage, const introspection_request& r,
                                                                 std::string_view peer) {
  const auto now = clock_.now();
  if (throttle_.throttled(r.resource_server_id, peer, now)) return errc::slow_down;
  std::optional<known_resource_server> server;
  {
    auto work = storage.begin();
    if (!work) return work.error();
    const auto seen = servers_.generation(r.resource_server_id);
    auto found = (*work)->resource_servers().find(r.resource_server_id);
    if (!found) return found.error();
    if (*found) servers_.put(**found, seen);
    // The caller first: nothing of the token is looked at for one that does not authenticate.
    server = servers_.match(r.resource_server_id, hasher_.hash(r.resource_server_secret));
    if (!server || server->revoked) return refuse(r, peer, now);
    // The token's application, when the token verifies: its secrets' states decide.
    if (const auto verified = verifier_.verify(r.token, now)) {
      const auto& app_id = verified->claims.application_id;
      const auto app_seen = credentials_.generation(app_id);
      auto app = (*work)->applications().find(app_id);
      if (!app) return app.error();
      if (*app) {
        auto secrets = (*work)->secrets().list_for(app_id);
        if (!secrets) return secrets.error();
        credentials_.put(**app, *secrets, app_seen);
      }
    }
  }  // read-only: the unit of work rolls back
  // Still unknown here: the application or the secret is gone, or a newer change is on its way
  // (inactive now).
  return judge(*server, r.token, now).value_or(introspection{});
}

}  // namespace rekey
