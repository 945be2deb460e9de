#include "api/health_endpoint.hpp"

namespace rekey::api {
namespace {

response status_response(status s, unsigned version, std::string_view text) {
  response res{s, version};
  res.set(beast_http::field::content_type, "application/json");
  res.body() = std::string(R"({"status":")") + std::string(text) + "\"}";
  return res;
}

}  // namespace

boost::asio::awaitable<response> health_endpoint::health(request_context& ctx) {
  co_return status_response(status::ok, ctx.req.version(), "ok");
}

boost::asio::awaitable<std::string_view> health_endpoint::readiness() {
  if (stopping_()) co_return "stopping";
  // The last write failed (a full disk) or the database files are gone: reads may still work,
  // but nothing sent here would be kept.
  if (!storage_.write_health()) co_return "storage not writable";
  auto reachable = co_await executor_.run([this] {
    auto work = storage_.begin();  // and one read: a begun transaction may not have reached the server yet
    return work && (*work)->keys().get_setting("ready").has_value();
  });
  if (!reachable || !*reachable) co_return "storage unavailable";
  co_return "ready";
}

boost::asio::awaitable<response> health_endpoint::ready(request_context& ctx) {
  const auto state = co_await readiness();
  co_return status_response(state == "ready" ? status::ok : status::service_unavailable, ctx.req.version(), state);
}

}  // namespace rekey::api
