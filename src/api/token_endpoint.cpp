#include "api/token_endpoint.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/error_response.hpp"

namespace rekey::api {

boost::asio::awaitable<response> token_endpoint::handle(request_context& ctx) {
  const unsigned version = ctx.req.version();
  auto request = parse_token_request(ctx.header("Content-Type"), ctx.req.body(), ctx.header("Authorization"));
  if (!request) co_return lwa_error_response(errc::invalid_request, version);

  auto answer = tokens_.issue_from_cache(*request, ctx.peer);
  if (!answer) {
    auto from_storage = co_await executor_.run(
        [this, &request, &ctx] { return tokens_.issue_with_storage(storage_, *request, ctx.peer); });
    answer = std::move(from_storage);
  }
  if (!*answer) co_return lwa_error_response(to_errc(answer->error(), ctx.request_id, "token endpoint"), version);

  const auto& grant = **answer;
  boost::json::object body{
      {"access_token", grant.access_token}, {"token_type", "bearer"}, {"expires_in", grant.expires_in}};
  if (grant.scope) body["scope"] = *grant.scope;
  if (grant.refresh_token) body["refresh_token"] = *grant.refresh_token;
  response res{status::ok, version};
  res.set(beast_http::field::content_type, "application/json;charset=UTF-8");
  res.set(beast_http::field::cache_control, "no-store");
  res.set(beast_http::field::pragma, "no-cache");
  res.body() = boost::json::serialize(body);
  co_return res;
}

}  // namespace rekey::api
