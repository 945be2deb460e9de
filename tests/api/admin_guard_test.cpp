// admin_guard: who is let in — the bearer token, or a console session whose state-changing
// requests carry its CSRF token and come from the console's own origin — and what each refusal is.
#include "api/admin_guard.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/service_parts.hpp"

namespace rekey {
namespace {

using api::admin_guard;

class AdminGuardTest : public ::testing::Test, protected testing::service_parts {
 protected:
  void SetUp() override {
    ASSERT_TRUE(token_.ensure(store_, dir_.file("admin-token"), random_));
    std::ifstream in(dir_.file("admin-token"));
    std::getline(in, admin_token_);
    session_ = sessions_.open();
  }

  // The guard's verdict on one request.
  result<void> admit(http::verb method, std::vector<std::pair<std::string, std::string>> headers) {
    http::request req{method, "/admin/v1/applications", 11};
    for (const auto& [name, value] : headers) req.set(name, value);
    http::request_context ctx{req, "192.0.2.7", "req-1", {}, {}};
    return guard_.admit(ctx);
  }
  std::string cookie() const { return "rekey_session=" + session_.id; }

  admin_token token_{hasher_};
  failure_throttle failures_{{10, 3, millis{60'000}}};
  console_sessions sessions_{clock_, random_};
  admin_guard guard_{token_, failures_, sessions_, clock_};
  std::string admin_token_;
  console_sessions::opened session_;
};

TEST_F(AdminGuardTest, TheBearerTokenLetsAnyMethodIn) {
  EXPECT_TRUE(admit(http::verb::post, {{"Authorization", "Bearer " + admin_token_}}));
  EXPECT_TRUE(admit(http::verb::get, {{"Authorization", "bearer  " + admin_token_}}));
  EXPECT_EQ(admit(http::verb::get, {{"Authorization", "Bearer wrong"}}).error(),
            make_error_code(errc::admin_unauthorized));
  EXPECT_EQ(admit(http::verb::get, {}).error(), make_error_code(errc::admin_unauthorized));
}

TEST_F(AdminGuardTest, ASessionReadsWithTheCookieAlone) {
  EXPECT_TRUE(admit(http::verb::get, {{"Cookie", "other=1; " + cookie()}}));
  EXPECT_TRUE(admit(http::verb::head, {{"Cookie", cookie()}}));
}

TEST_F(AdminGuardTest, ASessionChangesStateOnlyWithItsCsrfTokenFromItsOwnOrigin) {
  const auto csrf = session_.session.csrf_token;
  const auto denied = make_error_code(errc::access_denied);
  struct refused_case {
    const char* why;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  const std::vector<refused_case> refused{
      {"no token", {{"Cookie", cookie()}}},
      {"a wrong token", {{"Cookie", cookie()}, {"X-CSRF-Token", csrf + "x"}}},
      {"another site", {{"Cookie", cookie()}, {"X-CSRF-Token", csrf}, {"Sec-Fetch-Site", "cross-site"}}},
      {"the same site, another origin",
       {{"Cookie", cookie()}, {"X-CSRF-Token", csrf}, {"Sec-Fetch-Site", "same-site"}}},
      {"an opaque origin", {{"Cookie", cookie()}, {"X-CSRF-Token", csrf}, {"Host", "h:1"}, {"Origin", "null"}}},
      {"another origin", {{"Cookie", cookie()}, {"X-CSRF-Token", csrf}, {"Host", "h:1"}, {"Origin", "http://h:2"}}},
      {"an origin and no Host", {{"Cookie", cookie()}, {"X-CSRF-Token", csrf}, {"Origin", "http://h:1"}}},
  };
  for (const auto& c : refused) EXPECT_EQ(admit(http::verb::post, c.headers).error(), denied) << c.why;
  EXPECT_TRUE(admit(http::verb::post, {{"Cookie", cookie()}, {"X-CSRF-Token", csrf}}));  // not a browser
  EXPECT_TRUE(admit(http::verb::delete_, {{"Cookie", cookie()},
                                          {"X-CSRF-Token", csrf},
                                          {"Sec-Fetch-Site", "same-origin"},
                                          {"Host", "h:1"},
                                          {"Origin", "http://h:1"}}));
}

TEST_F(AdminGuardTest, AnUnknownOrEndedSessionIsUnauthorizedAndCountsAgainstTheAddress) {
  const auto unauthorized = make_error_code(errc::admin_unauthorized);
  EXPECT_EQ(admit(http::verb::get, {{"Cookie", "rekey_session=made-up"}}).error(), unauthorized);
  sessions_.close(session_.id);
  EXPECT_EQ(admit(http::verb::get, {{"Cookie", cookie()}}).error(), unauthorized);
  EXPECT_EQ(admit(http::verb::get, {{"Cookie", "rekey_session=again"}}).error(), unauthorized);
  // Three failures from the address: the fourth request is throttled, the right token too.
  EXPECT_EQ(admit(http::verb::get, {{"Authorization", "Bearer " + admin_token_}}).error(),
            make_error_code(errc::slow_down));
}

}  // namespace
}  // namespace rekey
