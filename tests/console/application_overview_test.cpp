#include "console/application_overview.hpp"

#include <gtest/gtest.h>

#include "rotation/expiry_notification.hpp"
#include "rotation/new_secret_notification.hpp"

namespace rekey {
namespace {

constexpr millis day{86'400'000};
const time_point t0 = from_epoch_ms(1'700'000'000'000);

secret_record secret(std::string id, secret_state state, time_point created, time_point expires) {
  secret_record s;
  s.id = std::move(id);
  s.state = state;
  s.created_at = created;
  s.expires_at = expires;
  return s;
}

outbox_record delivery(outbox_state state, int attempts, time_point created) {
  outbox_record o;
  o.state = state;
  o.attempts = attempts;
  o.created_at = created;
  return o;
}

class ApplicationOverviewTest : public ::testing::Test {
 protected:
  application_details details_;
  secret_policy_config policy_;  // first warning 90 days before expiry
};

TEST_F(ApplicationOverviewTest, TheBadgeFollowsTheCurrentSecretsExpiryAndTheFirstWarning) {
  details_.secrets = {secret("s1", secret_state::current, t0, t0 + 180 * day)};
  EXPECT_EQ(summarize(details_, t0, policy_).expiry, expiry_badge::ok);
  EXPECT_EQ(summarize(details_, t0 + 90 * day - millis{1}, policy_).expiry, expiry_badge::ok);
  EXPECT_EQ(summarize(details_, t0 + 90 * day, policy_).expiry, expiry_badge::warning);
  EXPECT_EQ(summarize(details_, t0 + 180 * day, policy_).expiry, expiry_badge::expired);
  details_.secrets[0].state = secret_state::revoked;
  const auto none = summarize(details_, t0, policy_);
  EXPECT_EQ(none.expiry, expiry_badge::none);
  EXPECT_EQ(none.current, nullptr);
}

TEST_F(ApplicationOverviewTest, OnlyARotatedSecretHasALastRotation) {
  details_.secrets = {secret("s1", secret_state::current, t0, t0 + 180 * day)};
  EXPECT_FALSE(summarize(details_, t0, policy_).last_rotated_at);
  details_.secrets = {secret("s1", secret_state::old, t0, t0 + 7 * day),
                      secret("s2", secret_state::current, t0 + day, t0 + 181 * day)};
  EXPECT_EQ(summarize(details_, t0 + day, policy_).last_rotated_at, t0 + day);
}

TEST_F(ApplicationOverviewTest, EnrolledMeansSubscribedToTheNewSecretNotification) {
  details_.subscriptions = {{"sub1", "a1", std::string(expiry_notification_type), "d1", t0}};
  EXPECT_FALSE(summarize(details_, t0, policy_).enrolled);
  details_.subscriptions.push_back({"sub2", "a1", std::string(new_secret_notification_type), "d1", t0});
  EXPECT_TRUE(summarize(details_, t0, policy_).enrolled);
}

TEST_F(ApplicationOverviewTest, HealthIsTheLatestDeliverysState) {
  EXPECT_EQ(summarize(details_, t0, policy_).health, delivery_health::none);
  details_.deliveries = {delivery(outbox_state::dead, 10, t0), delivery(outbox_state::delivered, 1, t0 + day)};
  EXPECT_EQ(summarize(details_, t0, policy_).health, delivery_health::ok);
  details_.deliveries.push_back(delivery(outbox_state::pending, 0, t0 + 2 * day));
  EXPECT_EQ(summarize(details_, t0, policy_).health, delivery_health::pending);
  details_.deliveries.back().attempts = 2;
  EXPECT_EQ(summarize(details_, t0, policy_).health, delivery_health::retrying);
  details_.deliveries.back().state = outbox_state::dead;
  EXPECT_EQ(summarize(details_, t0, policy_).health, delivery_health::dead);
}

TEST(ApplicationSearch, MatchesNameIdOrClientIdIgnoringCase) {
  const application_record app{
      "amzn1.sp.solution.abc", "Seller Tools", "amzn1.application-oa2-client.f00", std::nullopt, std::nullopt, t0};
  EXPECT_TRUE(matches(app, ""));
  EXPECT_TRUE(matches(app, "seller"));
  EXPECT_TRUE(matches(app, "SOLUTION.ABC"));
  EXPECT_TRUE(matches(app, "client.F00"));
  EXPECT_FALSE(matches(app, "buyer"));
}

}  // namespace
}  // namespace rekey
