#include "auth/token_service.hpp"

namespace rekey {
namespace {

bool usable_for_login(const cached_secret& s) {
  // An expired secret still mints a token (SP-API behaviour); the rotate call refuses it.
  return s.state == secret_state::current || s.state == secret_state::old;
}

}  // namespace

token_service::token_service(credential_cache& cache, const secret_hasher& hasher, const token_codec& codec,
                             failure_throttle& throttle, const clock& clock, const secret_policy_config& policy,
                             usage_tracker& usage, authentication_failures& failures, const jwt_codec* jwt)
    : cache_(cache),
      hasher_(hasher),
      codec_(codec),
      jwt_(jwt),
      throttle_(throttle),
      usage_(usage),
      failures_(failures),
      clock_(clock),
      policy_(policy) {}

result<token_service::checked_request> token_service::check(const token_request& r, std::string_view peer,
                                                            time_point now) {
  if (!r.grant_type || r.grant_type->empty()) return errc::invalid_request;
  checked_request checked{};
  if (*r.grant_type == "client_credentials") {
    checked.kind = grant_kind::client_credentials;
    if (!r.client_id || !r.client_secret || !r.scope) return errc::invalid_request;
  } else if (*r.grant_type == "refresh_token") {
    checked.kind = grant_kind::refresh_token;
    if (!r.client_id || !r.client_secret || !r.refresh_token || r.scope) return errc::invalid_request;
  } else {
    return errc::unsupported_grant_type;
  }
  if (throttle_.throttled(*r.client_id, peer, now)) return errc::slow_down;
  return checked;
}

result<token_grant> token_service::refuse(const token_request& r, std::string_view peer, errc why, time_point now) {
  throttle_.record_failure(r.client_id.value_or(""), peer, now);
  failures_.record(r.client_id.value_or(""), peer, now);
  return why;
}

result<token_grant> token_service::grant(const token_request& r, const checked_request& checked,
                                         const secret_match& match, time_point now) {
  access_claims claims;
  claims.kind = checked.kind;
  claims.application_id = match.application_id;
  claims.secret_id = match.secret.id;
  claims.issued_at = now;
  claims.expires_at = now + policy_.access_token_lifetime;
  token_grant g;
  g.expires_in = std::chrono::duration_cast<std::chrono::seconds>(policy_.access_token_lifetime).count();
  if (checked.kind == grant_kind::client_credentials) {
    auto scopes = parse_scopes(*r.scope, match.tokens.scopes);
    if (!scopes) return scopes.error();
    // SP-API scopes are for rekey's own calls, custom ones for the platform's APIs: one token is
    // for one audience (RFC 9068 §4), so a request may not mix them.
    if (scopes->bits != 0 && !scopes->custom.empty()) return errc::invalid_scope;
    g.scope = to_string(*scopes);
    claims.scopes = std::move(*scopes);
  } else {
    g.refresh_token = r.refresh_token;  // self-authorization: no grantless scopes
  }
  if (match.tokens.format == token_format::jwt) {
    if (jwt_ == nullptr) return errc::internal;
    // For the application's audience with custom scopes; for rekey itself (the issuer) without.
    const auto& audience =
        claims.scopes.custom.empty() ? jwt_->issuer() : match.tokens.audience.value_or(jwt_->issuer());
    auto token = jwt_->mint(claims, *r.client_id, audience);
    if (!token) return token.error();
    g.access_token = std::move(*token);
  } else {
    g.access_token = codec_.mint(claims);
  }
  usage_.record(match.secret.id, now);
  return g;
}

std::optional<result<token_grant>> token_service::issue_from_cache(const token_request& r, std::string_view peer) {
  const auto now = clock_.now();
  auto checked = check(r, peer, now);
  if (!checked) return result<token_grant>(checked.error());
  if (checked->kind == grant_kind::refresh_token) return std::nullopt;
  const auto match = cache_.match(*r.client_id, hasher_.hash(*r.client_secret));
  if (!match) return std::nullopt;
  if (!usable_for_login(match->secret)) return refuse(r, peer, errc::invalid_client, now);
  return grant(r, *checked, *match, now);
}

result<token_grant> token_service::issue_with_storage(store& storage, const token_request& r, std::string_view peer) {
  const auto now = clock_.now();
  auto checked = check(r, peer, now);
  if (!checked) return checked.error();
  const auto hash = hasher_.hash(*r.client_secret);

  std::optional<refresh_token_record> refresh;
  {
    auto work = storage.begin();
    if (!work) return work.error();
    auto app = (*work)->applications().find_by_client_id(*r.client_id);
    if (!app) return app.error();
    if (*app) {
      const auto seen = cache_.generation((*app)->id);
      auto secrets = (*work)->secrets().list_for((*app)->id);
      if (!secrets) return secrets.error();
      cache_.put(**app, *secrets, seen);
    }
    if (checked->kind == grant_kind::refresh_token) {
      auto found = (*work)->refresh_tokens().find(hasher_.hash(*r.refresh_token));
      if (!found) return found.error();
      refresh = *found;
    }
  }  // read-only: the unit of work rolls back

  const auto match = cache_.match(*r.client_id, hash);
  if (!match || !usable_for_login(match->secret)) return refuse(r, peer, errc::invalid_client, now);
  if (checked->kind == grant_kind::refresh_token && (!refresh || refresh->application_id != match->application_id)) {
    return refuse(r, peer, errc::invalid_grant, now);
  }
  return grant(r, *checked, *match, now);
}

}  // namespace rekey
