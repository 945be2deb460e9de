#include "rotation/rotation_policy.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

const time_point t0 = from_epoch_ms(1'700'000'000'000);
constexpr millis day{86'400'000};

secret_record s(const std::string& id, secret_state state, time_point expires) {
  secret_record r;
  r.id = id;
  r.state = state;
  r.expires_at = expires;
  return r;
}

const secret_record* find(const std::vector<secret_record>& v, const std::string& id) {
  for (const auto& r : v)
    if (r.id == id) return &r;
  return nullptr;
}

// The current secret becomes old and keeps its expiry until delivery starts its grace clock;
// the provisional expiry is min(own expiry, now + grace).
TEST(RotationPolicy, CurrentBecomesOldUntilDelivery) {
  secret_policy_config policy;
  auto plan = plan_rotation({s("a", secret_state::current, t0 + 180 * day)}, policy, t0);
  ASSERT_EQ(plan.changed.size(), 1u);
  EXPECT_EQ(plan.changed[0].state, secret_state::old);
  EXPECT_EQ(plan.changed[0].expires_at, t0 + 180 * day);
  EXPECT_EQ(plan.previous_secret_id, "a");
  EXPECT_EQ(plan.previous_secret_expires_at, t0 + 7 * day);
  // A current secret that dies sooner keeps its own expiry.
  plan = plan_rotation({s("a", secret_state::current, t0 + 2 * day)}, policy, t0);
  EXPECT_EQ(plan.previous_secret_expires_at, t0 + 2 * day);
}

// Delivery starts the grace clock: min(own expiry, delivery + grace), exact at the boundary.
TEST(RotationPolicy, GraceExpiryAtDelivery) {
  secret_policy_config policy;
  const auto old = s("a", secret_state::old, t0 + 10 * day);
  EXPECT_EQ(grace_expiry(old, t0 + 2 * day, policy), t0 + 9 * day);
  EXPECT_EQ(grace_expiry(old, t0 + 3 * day, policy), t0 + 10 * day);
  EXPECT_EQ(grace_expiry(old, t0 + 3 * day + millis{1}, policy), t0 + 10 * day);
  EXPECT_EQ(grace_expiry(old, t0 + 3 * day - millis{1}, policy), t0 + 10 * day - millis{1});
}

// Rotating inside the grace window with max_valid_secrets = 2: the previous old secret is
// retired; with 3 it stays valid.
TEST(RotationPolicy, MaxValidSecretsTwoAndThree) {
  const std::vector<secret_record> secrets{s("b", secret_state::current, t0 + 180 * day),
                                           s("a", secret_state::old, t0 + 3 * day)};
  secret_policy_config two;
  auto changes = plan_rotation(secrets, two, t0).changed;
  ASSERT_NE(find(changes, "a"), nullptr);
  EXPECT_EQ(find(changes, "a")->state, secret_state::retired);
  EXPECT_EQ(find(changes, "b")->state, secret_state::old);

  secret_policy_config three;
  three.max_valid_secrets = 3;
  changes = plan_rotation(secrets, three, t0).changed;
  EXPECT_EQ(find(changes, "a"), nullptr);  // unchanged: still old and valid
  EXPECT_EQ(find(changes, "b")->state, secret_state::old);
}

// Already-expired, retired and revoked secrets do not count and are not touched; with
// max_valid_secrets = 1 the previous secret is retired at once.
TEST(RotationPolicy, IgnoresDeadSecretsAndCanRetireImmediately) {
  const std::vector<secret_record> secrets{s("c", secret_state::current, t0 + 180 * day),
                                           s("b", secret_state::old, t0 - millis{1}),
                                           s("a", secret_state::revoked, t0 + day)};
  auto changes = plan_rotation(secrets, secret_policy_config{}, t0).changed;
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].id, "c");
  secret_policy_config one;
  one.max_valid_secrets = 1;
  changes = plan_rotation(secrets, one, t0).changed;
  EXPECT_EQ(find(changes, "c")->state, secret_state::retired);
}

// Validity boundary: valid one millisecond before expiry, not at it nor after.
TEST(RotationPolicy, ValidityBoundary) {
  const auto secret = s("a", secret_state::old, t0);
  EXPECT_TRUE(is_valid(secret, t0 - millis{1}));
  EXPECT_FALSE(is_valid(secret, t0));
  EXPECT_FALSE(is_valid(secret, t0 + millis{1}));
  EXPECT_FALSE(is_valid(s("r", secret_state::retired, t0 + day), t0));
}

// The notification's old-secret expiry: the grace expiry while the previous secret stays valid,
// and `now` when max_valid_secrets = 1 retires it at once.
TEST(RotationPolicy, PreviousSecretExpiryForTheNotification) {
  const std::vector<secret_record> secrets{s("a", secret_state::current, t0 + 180 * day)};
  EXPECT_EQ(plan_rotation(secrets, secret_policy_config{}, t0).previous_secret_expires_at, t0 + 7 * day);
  secret_policy_config one;
  one.max_valid_secrets = 1;
  EXPECT_EQ(plan_rotation(secrets, one, t0).previous_secret_expires_at, t0);
  EXPECT_EQ(plan_rotation({}, secret_policy_config{}, t0).previous_secret_expires_at, t0);
}

}  // namespace
}  // namespace rekey
