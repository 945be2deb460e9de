#include "api/introspection_endpoint.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/error_response.hpp"
#include "auth/token_request.hpp"

namespace rekey::api {
namespace {

response answer_of(const introspection& i, unsigned version) {
  boost::json::object body{{"active", i.active}};
  if (i.active) {
    body["client_id"] = i.client_id;
    body["sub"] = i.subject;
    body["scope"] = i.scope;
    body["exp"] = i.expires_at;
    body["iat"] = i.issued_at;
    body["token_type"] = "bearer";
    body["aud"] = i.audience;
  }
  return lwa_json_response(status::ok, body, version);
}

}  // namespace

boost::asio::awaitable<response> introspection_endpoint::handle(request_context& ctx) {
  const auto read_at = std::chrono::steady_clock::now();
  const unsigned version = ctx.req.version();
  const auto fields = parse_introspection_request(ctx.req.body(), ctx.header("Authorization"));
  const introspection_request request{fields.client_id.value_or(""), fields.client_secret.value_or(""),
                                      fields.token.value_or("")};

  result<introspection> answer = errc::invalid_client;
  if (fields.client_id && fields.client_secret) {
    auto from_cache = introspection_.answer_from_cache(request, ctx.peer);
    if (!from_cache) {
      from_cache = co_await executor_.run(
          [this, &request, &ctx] { return introspection_.answer_with_storage(storage_, request, ctx.peer); });
    }
    answer = std::move(*from_cache);
  }
  if (!answer) {
    const auto e = to_errc(answer.error(), ctx.request_id, "introspection endpoint");
    if (e == errc::invalid_client) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, read_at + failure_delay_);
      boost::system::error_code ignored;
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    }
    auto res = lwa_error_response(e, version);
    if (e == errc::invalid_client) res.set(beast_http::field::www_authenticate, "Basic realm=\"rekey\"");
    co_return res;
  }
  // Authenticated: now what the request lacks may be said.
  if (fields.malformed || !fields.token || fields.token->empty())
    co_return lwa_error_response(errc::invalid_request, version);
  co_return answer_of(*answer, version);
}

}  // namespace rekey::api
