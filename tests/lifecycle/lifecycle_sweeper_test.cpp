#include "lifecycle/lifecycle_sweeper.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "crypto/aes_gcm.hpp"
#include "crypto/openssl_random.hpp"
#include "rotation/expiry_notification.hpp"
#include "rotation/expiry_warning_schedule.hpp"
#include "rotation/outbox_item.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

constexpr millis day{86'400'000};
constexpr millis ms{1};

class LifecycleSweeperTest : public ::testing::Test {
 protected:
  LifecycleSweeperTest() { reopen(); }

  // A fresh store and sweeper on the same file: what a restart looks like.
  void reopen() {
    sweeper_.reset();
    store_ = std::make_unique<sqlite_store>(dir_.file("rekey.db"));
    sweeper_ =
        std::make_unique<lifecycle_sweeper>(*store_, clock_, random_, at_rest_, policy_, audit_, usage_, failures_);
  }

  // An application whose current secret expires in 180 days; subscribed to expiry warnings or not.
  void create_app(const std::string& id, bool subscribed) {
    auto w = *store_->begin();
    ASSERT_TRUE(w->applications().insert({id, "n", "client-" + id, std::nullopt, std::nullopt, clock_.now()}));
    secret_record s;
    s.id = "secret-" + id;
    s.application_id = id;
    s.fingerprint = "fp-" + id;
    s.hash[0] = static_cast<std::uint8_t>(id.size());
    s.hash[1] = static_cast<std::uint8_t>(id.back());
    s.created_at = clock_.now();
    s.expires_at = clock_.now() + 180 * day;
    s.next_warning_at = first_warning_at(s.expires_at, policy_.expiry_warnings);
    ASSERT_TRUE(w->secrets().insert(s));
    if (subscribed) {
      ASSERT_TRUE(w->notifications().insert_destination({"dest-" + id, id, "embedded", "{}", clock_.now()}));
      ASSERT_TRUE(w->notifications().put_subscription(
          {"sub-" + id, id, std::string(expiry_notification_type), "dest-" + id, clock_.now()}));
    }
    ASSERT_TRUE(w->commit());
  }

  // The expiry warnings in the application's outbox, oldest first, as JSON.
  std::vector<boost::json::value> warnings(const std::string& app) {
    auto w = *store_->begin();
    std::vector<boost::json::value> out;
    auto items = *w->outbox().list_for_application(app);
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      EXPECT_EQ(it->notification_type, expiry_notification_type);
      auto plain = open_sealed(at_rest_, outbox_aad(it->id), it->sealed_body);
      EXPECT_TRUE(plain);
      out.push_back(boost::json::parse(std::string(plain->begin(), plain->end())));
    }
    return out;
  }

  int sweep() {
    auto pass = sweeper_->run_once();
    EXPECT_TRUE(pass);
    return pass ? pass->warnings : -1;
  }

  testing::temp_dir dir_;
  testing::manual_clock clock_;
  openssl_random random_;
  key256 at_rest_ = testing::filled_key(6);
  secret_policy_config policy_;
  audit_trail audit_{testing::filled_key(5), clock_, audit_trail::single_writer_chains};
  usage_tracker usage_;
  authentication_failures failures_;
  std::unique_ptr<sqlite_store> store_;
  std::unique_ptr<lifecycle_sweeper> sweeper_;
};

// Walking the clock over every threshold, one millisecond short and then exactly on it: each
// warning is written once, at its moment, with the secret's expiry and no secret in it.
TEST_F(LifecycleSweeperTest, SixWarningsEachExactlyOnce) {
  create_app("app1", true);
  const auto expiry = clock_.now() + 180 * day;
  for (std::size_t i = 0; i < policy_.expiry_warnings.size(); ++i) {
    const auto moment = expiry - policy_.expiry_warnings[i];
    clock_.set(moment - ms);
    EXPECT_EQ(sweep(), 0) << "1 ms before threshold " << i;
    clock_.set(moment);
    EXPECT_EQ(sweep(), 1) << "at threshold " << i;
    EXPECT_EQ(sweep(), 0) << "again at threshold " << i;
  }
  clock_.set(expiry + day);
  EXPECT_EQ(sweep(), 0);
  const auto sent = warnings("app1");
  ASSERT_EQ(sent.size(), 6u);
  for (const auto& n : sent) {
    EXPECT_EQ(n.at("notificationType").as_string(), expiry_notification_type);
    const auto& p = n.at("payload").at("applicationOAuthClientSecretExpiry");
    EXPECT_EQ(p.at("clientId").as_string(), "client-app1");
    EXPECT_EQ(p.at("clientSecretExpiryReason").as_string(), "PERIODIC_ROTATION");
    EXPECT_EQ(p.as_object().size(), 3u);  // clientId, expiry time, reason: never a secret
    EXPECT_EQ(n.at("notificationMetadata").at("subscriptionId").as_string(), "sub-app1");
  }
}

// A restart between two thresholds: the schedule continues where it was, nothing is repeated;
// moments that passed while rekey was down are sent once, not once each.
TEST_F(LifecycleSweeperTest, RestartContinuesTheSchedule) {
  create_app("app1", true);
  const auto expiry = clock_.now() + 180 * day;
  clock_.set(expiry - 90 * day);
  EXPECT_EQ(sweep(), 1);
  reopen();
  EXPECT_EQ(sweep(), 0);
  clock_.set(expiry - 14 * day);  // down over the 60, 30 and 15-day moments
  reopen();
  EXPECT_EQ(sweep(), 1);
  EXPECT_EQ(sweep(), 0);
  clock_.set(expiry - 7 * day);
  EXPECT_EQ(sweep(), 1);
  EXPECT_EQ(warnings("app1").size(), 3u);
}

// Not subscribed: nothing is written, but the moments pass (no burst when it subscribes later).
TEST_F(LifecycleSweeperTest, UnsubscribedApplicationsGetNoWarnings) {
  create_app("app1", false);
  clock_.advance(120 * day);
  EXPECT_EQ(sweep(), 0);
  auto w = *store_->begin();
  const auto secrets = *w->secrets().list_for("app1");
  ASSERT_EQ(secrets.size(), 1u);
  EXPECT_EQ(secrets[0].next_warning_at, secrets[0].expires_at - 30 * day);
}

// A secret that is no longer current gets no more warnings; its replacement's schedule applies.
TEST_F(LifecycleSweeperTest, ScheduleFollowsTheCurrentSecret) {
  create_app("app1", true);
  {
    auto w = *store_->begin();
    auto s = (*w->secrets().list_for("app1"))[0];
    s.state = secret_state::old;
    ASSERT_TRUE(w->secrets().update(s));
    ASSERT_TRUE(w->commit());
  }
  clock_.advance(170 * day);
  EXPECT_EQ(sweep(), 0);
  EXPECT_TRUE(warnings("app1").empty());
}

// Another worker that took the warning first (compare-and-set lost): this one writes nothing.
TEST_F(LifecycleSweeperTest, WarningTakenElsewhereIsNotSentAgain) {
  create_app("app1", true);
  const auto expiry = clock_.now() + 180 * day;
  clock_.set(expiry - 90 * day);
  auto w = *store_->begin();
  auto taken = w->secrets().reschedule_warning("secret-app1", expiry - 90 * day, expiry - 60 * day);
  ASSERT_TRUE(taken);
  EXPECT_TRUE(*taken);
  taken = w->secrets().reschedule_warning("secret-app1", expiry - 90 * day, expiry - 60 * day);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(*taken);
  ASSERT_TRUE(w->commit());
  w.reset();
  EXPECT_EQ(sweep(), 0);
}

// Expiries go into the audit trail once; usage counts and failures are written in the pass.
TEST_F(LifecycleSweeperTest, RecordsExpiriesUsageAndFailures) {
  create_app("app1", false);
  usage_.record("secret-app1", clock_.now());
  usage_.record("secret-app1", clock_.now() + ms);
  failures_.record("client-x", "127.0.0.1", clock_.now());
  EXPECT_EQ(sweep(), 0);
  clock_.advance(180 * day);
  auto pass = sweeper_->run_once();
  ASSERT_TRUE(pass);
  EXPECT_EQ(pass->expiries_recorded, 1);
  EXPECT_EQ(sweeper_->run_once()->expiries_recorded, 0);

  auto w = *store_->begin();
  const auto secret = (*w->secrets().list_for("app1"))[0];
  EXPECT_EQ(secret.use_count, 2);
  ASSERT_TRUE(secret.last_used_at);
  const auto entries = *w->audit().list(0, 10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "auth.failed");
  EXPECT_EQ(entries[0].actor, "client:client-x");
  EXPECT_EQ(entries[1].action, "secret.expired");
  EXPECT_EQ(entries[1].fingerprint, "fp-app1");
}

}  // namespace
}  // namespace rekey
