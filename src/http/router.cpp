#include "http/router.hpp"

#include "http/error_response.hpp"

namespace rekey::http {

std::string_view path_of(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), target.size()));
}

void router::add(verb method, std::string path, handler h) {
  routes_.push_back({method, std::move(path), std::move(h)});
}

void router::add_prefix(std::string prefix, handler h) { prefixes_.push_back({std::move(prefix), std::move(h)}); }

boost::asio::awaitable<response> router::dispatch(request_context& ctx) const {
  const auto path = path_of(std::string_view(ctx.req.target().data(), ctx.req.target().size()));
  for (const auto& r : routes_) {
    if (r.method == ctx.req.method() && r.path == path) co_return co_await r.h(ctx);
  }
  for (const auto& p : prefixes_) {
    if (path.starts_with(p.prefix)) co_return co_await p.h(ctx);
  }
  co_return error_list_response(errc::not_found, ctx.req.version());
}

}  // namespace rekey::http
