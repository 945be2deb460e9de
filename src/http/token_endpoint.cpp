#include "http/token_endpoint.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/error_response.hpp"

namespace rekey::http {

boost::asio::awaitable<response> token_endpoint::handle(request_context& ctx) {
  const unsigned version = ctx.req.version();
  auto request = parse_token_request(ctx.header("Content-Type"), ctx.req.body(), ctx.header("Authorization"));
  if (!request) co_return lwa_error_response(errc::invalid_request, version);

  auto answer = tokens_.issue_from_cache(*request, ctx.peer);
  if (!answer) {
    auto from_storage = co_await executor_.run(
        [this, &request, &ctx] { return tokens_.issue_with_storage(storage_, *request, ctx.peer); });
    if (!from_storage) co_return lwa_error_response(errc::service_unavailable, version);
    answer = std::move(*from_storage);
  }
  if (!*answer) {
    const auto ec = answer->error();
    if (ec.category() != rekey_category()) {
      spdlog::error("request_id={} token endpoint: {}", ctx.request_id, ec.message());
      co_return lwa_error_response(errc::internal, version);
    }
    co_return lwa_error_response(static_cast<errc>(ec.value()), version);
  }

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

}  // namespace rekey::http
