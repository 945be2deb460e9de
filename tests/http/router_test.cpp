#include "http/router.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <string>
#include <vector>

namespace rekey::http {
namespace {

// A pattern matches a path segment by segment, each {name} one non-empty segment, and nothing
// else: a different last segment, a missing or extra segment, an empty {name} all fail and
// leave no parameters behind.
TEST(RouterPattern, MatchesSegmentBySegment) {
  struct row {
    std::string_view pattern;
    std::string_view path;
    bool matches;
    std::vector<std::string> values;
  };
  const std::vector<row> rows{
      {"/admin/v1/applications/{id}", "/admin/v1/applications/a1", true, {"a1"}},
      {"/admin/v1/applications/{id}/destinations", "/admin/v1/applications/a1/destinations", true, {"a1"}},
      {"/admin/v1/applications/{id}/destinations", "/admin/v1/applications/a1/refresh-tokens", false, {}},
      {"/admin/v1/applications/{id}/subscriptions/{type}",
       "/admin/v1/applications/a1/subscriptions/T",
       true,
       {"a1", "T"}},
      {"/admin/v1/applications/{id}", "/admin/v1/applications/", false, {}},
      {"/admin/v1/applications/{id}", "/admin/v1/applications", false, {}},
      {"/admin/v1/applications/{id}", "/admin/v1/applications/a1/secrets", false, {}},
      {"/admin/v1/applications/{id}/secrets", "/admin/v1/applications/a1", false, {}},
      {"/admin/v1/audit", "/admin/v1/audit", true, {}},
      {"/admin/v1/audit", "/admin/v1/audix", false, {}},
  };
  for (const auto& r : rows) {
    std::vector<path_param> params{{"kept", "before"}};
    EXPECT_EQ(match_pattern(r.pattern, r.path, params), r.matches) << r.pattern << " ~ " << r.path;
    std::vector<std::string> values;
    for (std::size_t i = 1; i < params.size(); ++i) values.emplace_back(params[i].value);
    EXPECT_EQ(values, r.values) << r.pattern << " ~ " << r.path;
    EXPECT_EQ(params.front().value, "before");
  }
}

// A route may take larger (or smaller) bodies than the listener: its own limit is found for its
// method and path — an exact route before a pattern, as dispatch matches them, even when the
// exact route has no limit of its own and the pattern has — and the largest of them is what the
// transport must read.
TEST(Router, KnowsEachRoutesOwnBodyLimit) {
  router routes([](errc, const error_context& request) { return response{status::not_found, request.version}; });
  const handler nothing = [](request_context&) -> boost::asio::awaitable<response> { co_return response{}; };
  routes.add(verb::post, "/", nothing, 1 << 20);
  routes.add(verb::post, "/small", nothing, 100);
  routes.add(verb::post, "/auth/o2/token", nothing);
  routes.add(verb::post, "/{account}/{queue}", nothing, 512);
  routes.add(verb::post, "/exact/path", nothing, 200);
  routes.add(verb::post, "/exact/unlimited", nothing);
  EXPECT_EQ(routes.body_limit(verb::post, "/"), std::optional<std::size_t>(1 << 20));
  EXPECT_EQ(routes.body_limit(verb::get, "/"), std::nullopt);
  EXPECT_EQ(routes.body_limit(verb::post, "/auth/o2/token"), std::nullopt);
  EXPECT_EQ(routes.body_limit(verb::post, "/elsewhere"), std::nullopt);
  EXPECT_EQ(routes.body_limit(verb::post, "/111122223333/jobs"), std::optional<std::size_t>(512));
  EXPECT_EQ(routes.body_limit(verb::post, "/exact/path"), std::optional<std::size_t>(200));  // not the pattern's
  EXPECT_EQ(routes.body_limit(verb::post, "/exact/unlimited"), std::nullopt);                // not the pattern's either
  EXPECT_EQ(routes.body_limit(verb::post, "/a/b/c"), std::nullopt);
  EXPECT_EQ(routes.largest_body_limit(64 * 1024), std::size_t{1 << 20});
  EXPECT_EQ(routes.largest_body_limit(2 << 20), std::size_t{2 << 20});
}

// Exact routes win over patterns, patterns over prefixes; the handler sees the route's pattern
// and its parameters; anything unmatched goes to the error responder with its path.
TEST(Router, ExactThenPatternThenPrefixThenErrorResponder) {
  std::vector<std::string> errors;
  router routes([&](errc e, const error_context& request) {
    errors.push_back(std::to_string(static_cast<int>(e)) + " " + std::string(request.path));
    return response{status::not_found, request.version};
  });
  const auto answer = [](std::string text) {
    return [text](request_context& ctx) -> boost::asio::awaitable<response> {
      response res{status::ok, 11};
      res.body() = text + " " + std::string(ctx.route) + " " + std::string(ctx.param("id"));
      co_return res;
    };
  };
  routes.add(verb::get, "/things/{id}", answer("pattern"));
  routes.add(verb::get, "/things/special", answer("exact"));
  routes.add_prefix("/things/", answer("prefix"));
  const auto body_of = [&](verb method, std::string target) {
    request req{method, target, 11};
    request_context ctx{req, "127.0.0.1", "id", {}, {}};
    std::string body;
    boost::asio::io_context io;
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { body = (co_await routes.dispatch(ctx)).body(); },
        boost::asio::detached);
    io.run();
    return body;
  };
  EXPECT_EQ(body_of(verb::get, "/things/special"), "exact /things/special ");
  EXPECT_EQ(body_of(verb::get, "/things/t1?x=1"), "pattern /things/{id} t1");
  EXPECT_EQ(body_of(verb::post, "/things/t1"), "prefix /things/ ");
  EXPECT_EQ(body_of(verb::get, "/elsewhere?q"), "");
  EXPECT_EQ(errors, (std::vector<std::string>{std::to_string(static_cast<int>(errc::not_found)) + " /elsewhere"}));
}

}  // namespace
}  // namespace rekey::http
