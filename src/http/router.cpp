#include "http/router.hpp"

#include <algorithm>

namespace rekey::http {

std::string_view path_of(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), target.size()));
}

namespace {

// The next segment of `rest` (after any leading '/'), consumed from it.
std::string_view next_segment(std::string_view& rest) {
  if (rest.starts_with('/')) rest.remove_prefix(1);
  const auto end = std::min(rest.find('/'), rest.size());
  const auto segment = rest.substr(0, end);
  rest.remove_prefix(end);
  return segment;
}

}  // namespace

bool match_pattern(std::string_view pattern, std::string_view path, std::vector<path_param>& params) {
  const auto kept = params.size();
  while (!pattern.empty() && !path.empty()) {
    const auto want = next_segment(pattern);
    const auto have = next_segment(path);
    const bool is_param = want.size() > 2 && want.front() == '{' && want.back() == '}';
    if (is_param ? have.empty() : want != have) {
      params.resize(kept);
      return false;
    }
    if (is_param) params.push_back({want.substr(1, want.size() - 2), have});
  }
  if (pattern.empty() && path.empty()) return true;
  params.resize(kept);
  return false;
}

void router::add(verb method, std::string path, handler h, std::optional<std::size_t> body_limit) {
  const bool pattern = path.find('{') != std::string::npos;
  if (body_limit) largest_own_limit_ = std::max(largest_own_limit_, *body_limit);
  routes_.push_back({method, std::move(path), std::move(h), pattern, body_limit});
}

std::size_t router::largest_body_limit(std::size_t fallback) const { return std::max(fallback, largest_own_limit_); }

void router::add_prefix(std::string prefix, handler h) { prefixes_.push_back({std::move(prefix), std::move(h)}); }

router::match router::find(verb method, std::string_view path) const {
  match found;
  for (const auto& r : routes_) {
    if (!r.pattern && r.method == method && r.path == path) {
      found.route_ = &r;
      return found;
    }
  }
  for (const auto& r : routes_) {
    if (r.pattern && r.method == method && match_pattern(r.path, path, found.params)) {
      found.route_ = &r;
      return found;
    }
  }
  for (const auto& p : prefixes_) {
    if (path.starts_with(p.prefix)) {
      found.prefix_ = &p;
      return found;
    }
  }
  return found;
}

boost::asio::awaitable<response> router::dispatch(request_context& ctx) const {
  co_return co_await dispatch(
      ctx, find(ctx.req.method(), path_of(std::string_view(ctx.req.target().data(), ctx.req.target().size()))));
}

boost::asio::awaitable<response> router::dispatch(request_context& ctx, match found) const {
  if (found.route_ != nullptr) {
    ctx.route = found.route_->path;
    ctx.params = std::move(found.params);
    co_return co_await found.route_->h(ctx);
  }
  if (found.prefix_ != nullptr) {
    ctx.route = found.prefix_->prefix;
    co_return co_await found.prefix_->h(ctx);
  }
  const auto path = path_of(std::string_view(ctx.req.target().data(), ctx.req.target().size()));
  co_return errors_(errc::not_found,
                    error_context{ctx.req.method(), path, ctx.req.version(), &ctx.req, ctx.request_id});
}

std::vector<route_info> router::routes() const {
  std::vector<route_info> out;
  for (const bool patterns : {false, true})
    for (const auto& r : routes_)
      if (r.pattern == patterns) out.push_back({r.method, r.path, false});
  for (const auto& p : prefixes_) out.push_back({verb::unknown, p.prefix, true});
  return out;
}

}  // namespace rekey::http
