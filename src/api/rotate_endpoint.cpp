#include "api/rotate_endpoint.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include "api/error_response.hpp"
#include "core/amazon_hosts.hpp"
#include "rotation/rotation_policy.hpp"

namespace rekey::api {
namespace {

std::string rate_header(double rate) { return fmt::format("{}", rate); }

}  // namespace

response rotate_endpoint::refuse(errc e, unsigned version) {
  if (metrics_ != nullptr) {
    metrics_->rotation_answered(e);
    if (e == errc::access_token_invalid || e == errc::access_token_expired || e == errc::client_secret_expired)
      metrics_->authentication_failed(metrics::auth_failure::access_token);
  }
  return error_list_response(e, version);
}

response rotate_endpoint::quota_exceeded(unsigned version, millis retry_after) {
  auto res = refuse(errc::quota_exceeded, version);
  const auto seconds = std::max<std::int64_t>(1, (retry_after.count() + 999) / 1000);
  res.set(beast_http::field::retry_after, std::to_string(seconds));
  return res;
}

std::optional<response> rotate_endpoint::check_in_memory(request_context& ctx, access_claims& claims) {
  const unsigned version = ctx.req.version();
  // 2. Format: no body, an empty body or any JSON; never mind the Content-Type.
  const auto& body = ctx.req.body();
  if (!is_blank(body)) {
    boost::system::error_code ec;
    (void)boost::json::parse(body, ec);
    if (ec) return refuse(errc::unsupported_format, version);
  }
  // 3. Authentication.
  const auto token = ctx.header("x-amz-access-token");
  if (token.empty()) return refuse(errc::access_token_missing, version);
  const auto now = clock_.now();
  auto verified = tokens_.verify(token, now);
  if (!verified) return refuse(static_cast<errc>(verified.error().value()), version);
  claims = std::move(verified->claims);
  if (const auto secret = credentials_.find_secret(claims.application_id, claims.secret_id)) {
    if (secret->state == secret_state::revoked) return refuse(errc::access_token_invalid, version);
    if (secret->state == secret_state::retired || now >= secret->expires_at) {
      return refuse(errc::client_secret_expired, version);
    }
  }
  if (!claims.scopes.has(scope_set::rotation)) return refuse(errc::scope_not_granted, version);
  if (sandbox_.static_answer && is_sandbox_host(ctx.header("Host"))) {
    auto res = refuse(errc::not_enrolled, version);
    res.set("x-amzn-RateLimit-Limit", rate_header(sandbox_.rate));
    return res;
  }
  // 4. Rate limit, fast path: only what storage would refuse too.
  if (const auto retry_after = mirror_.refusal(claims.application_id, now))
    return quota_exceeded(version, *retry_after);
  return std::nullopt;
}

boost::asio::awaitable<response> rotate_endpoint::handle(request_context& ctx) {
  const unsigned version = ctx.req.version();
  if (maintenance_ != nullptr && maintenance_->on()) co_return refuse(errc::service_unavailable, version);
  access_claims claims;
  if (auto refused = check_in_memory(ctx, claims)) co_return std::move(*refused);

  const auto key = rotation_.key_for(claims.application_id);  // named: see run_rotation
  auto outcome = co_await executor_.run_rotation(key, [this, &key, &claims, &ctx](unit_source& units) {
    return rotation_.rotate(units, key, claims.secret_id, ctx.request_id);
  });
  if (!outcome) co_return refuse(errc::service_unavailable, version);  // refused, or not durable

  const auto& ec = outcome->error;
  if (!ec) {
    spdlog::info("request_id={} rotated application={} secret_id={}", ctx.request_id, claims.application_id,
                 outcome->new_secret_id);
    if (rotated_) rotated_(*outcome);
    if (metrics_ != nullptr) metrics_->rotation_answered(std::nullopt);
    response res{status::no_content, version};
    res.set("x-amzn-RateLimit-Limit", rate_header(outcome->plan.rate));
    co_return res;
  }
  const auto e = to_errc(ec, ctx.request_id, "rotate");
  if (e == errc::internal && ec.category() == rekey_category())
    spdlog::error("request_id={} rotate failed inside storage", ctx.request_id);
  if (e == errc::quota_exceeded) co_return quota_exceeded(version, outcome->retry_after);
  auto res = refuse(e, version);
  if (e == errc::not_enrolled) res.set("x-amzn-RateLimit-Limit", rate_header(outcome->plan.rate));
  co_return res;
}

}  // namespace rekey::api
