#include "api/token_endpoint.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/error_response.hpp"

namespace rekey::api {
namespace {

bool refused_credentials(boost::system::error_code ec) {
  return ec == errc::invalid_client || ec == errc::invalid_grant;
}

}  // namespace

boost::asio::awaitable<response> token_endpoint::handle(request_context& ctx) {
  const auto read_at = std::chrono::steady_clock::now();
  const unsigned version = ctx.req.version();
  auto request = parse_token_request(ctx.header("Content-Type"), ctx.req.body(), ctx.header("Authorization"));
  if (!request) {
    if (metrics_ != nullptr) metrics_->token_answered({}, errc::invalid_request);
    co_return lwa_error_response(errc::invalid_request, version);
  }

  auto answer = tokens_.issue_from_cache(*request, ctx.peer);
  if (!answer) {
    auto from_storage = co_await executor_.run(
        [this, &request, &ctx] { return tokens_.issue_with_storage(storage_, *request, ctx.peer); });
    answer = std::move(from_storage);
  }
  if (!*answer) {
    if (refused_credentials(answer->error())) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, read_at + failure_delay_);
      boost::system::error_code ignored;  // cancelled at shutdown: answer now
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    const auto e = to_errc(answer->error(), ctx.request_id, "token endpoint");
    if (metrics_ != nullptr) {
      metrics_->token_answered(request->grant_type.value_or(""), e);
      if (e == errc::invalid_client) metrics_->authentication_failed(metrics::auth_failure::client_credentials);
      if (e == errc::invalid_grant) metrics_->authentication_failed(metrics::auth_failure::refresh_token);
    }
    co_return lwa_error_response(e, version);
  }
  if (metrics_ != nullptr) metrics_->token_answered(request->grant_type.value_or(""), std::nullopt);

  const auto& grant = **answer;
  boost::json::object body{
      {"access_token", grant.access_token}, {"token_type", "bearer"}, {"expires_in", grant.expires_in}};
  if (grant.scope) body["scope"] = *grant.scope;
  if (grant.refresh_token) body["refresh_token"] = *grant.refresh_token;
  co_return lwa_json_response(status::ok, body, version);
}

}  // namespace rekey::api
