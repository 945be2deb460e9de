#include "outbox/outbox_relay.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "audit/audit_trail.hpp"
#include "auth/secret_hasher.hpp"
#include "core/time_format.hpp"
#include "crypto/openssl_random.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/rate_limit_mirror.hpp"
#include "rotation/rotation_service.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/service_parts.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

constexpr millis day{86'400'000};
constexpr millis ms{1};
const std::string account(default_account);

// An application with one current secret, subscribed to new-secret notifications at a
// destination of the kind asked for; rotate() leaves one pending outbox item for the relay.
class OutboxRelayTest : public ::testing::Test, protected testing::service_parts {
 protected:
  void enroll(const std::string& kind, bool with_queue = true) {
    auto w = *store_.begin();
    ASSERT_TRUE(w->applications().insert({"app1", "n", "client-app1", std::nullopt, std::nullopt, clock_.now()}));
    secret_record s;
    s.id = "first-app1";
    s.application_id = "app1";
    s.hash = hasher_.hash("first-secret");
    s.fingerprint = "fp";
    s.created_at = clock_.now();
    s.expires_at = clock_.now() + 180 * day;
    ASSERT_TRUE(w->secrets().insert(s));
    const std::string config =
        kind == "embedded" ? R"({"account":")" + account + R"(","queue":"inbox"})" : R"({"url":"https://x.test/"})";
    ASSERT_TRUE(w->notifications().insert_destination({"dest-app1", "app1", kind, config, clock_.now()}));
    ASSERT_TRUE(w->notifications().put_subscription(
        {"sub-app1", "app1", std::string(new_secret_notification_type), "dest-app1", clock_.now()}));
    if (with_queue) {
      queue_record q;
      q.account = account;
      q.name = "inbox";
      q.created_at = clock_.now();
      ASSERT_TRUE(w->queues().insert_queue(q));
    }
    ASSERT_TRUE(w->commit());
  }

  // Rotates app1's secret: the notification waits in the outbox. Returns its id.
  std::string rotate() {
    auto out = rotations_.rotate("app1", "first-app1");
    EXPECT_FALSE(out.error) << out.error.message();
    return out.notification_id;
  }

  outbox_record item(const std::string& id) {
    auto w = *store_.begin();
    auto found = *w->outbox().find_item(id);
    EXPECT_TRUE(found);
    return found.value_or(outbox_record{});
  }

  secret_record old_secret() {
    auto w = *store_.begin();
    for (const auto& s : *w->secrets().list_for("app1")) {
      if (s.id == "first-app1") return s;
    }
    ADD_FAILURE() << "no old secret";
    return {};
  }

  // The bodies of the messages on the embedded queue, received now.
  std::vector<std::string> received() {
    auto out = queues_.receive_messages({account, "inbox"}, 10, std::nullopt);
    EXPECT_TRUE(out) << out.error().message();
    std::vector<std::string> bodies;
    if (out) {
      for (const auto& m : *out) bodies.push_back(m.body);
    }
    return bodies;
  }

  rate_limit_mirror mirror_;
  secret_policy_config policy_;
  delivery_config config_{.retry_budget = millis{3'600'000}, .lease = millis{60'000}};  // before relay_
  queue_service queues_{store_, clock_, random_, at_rest_};
  rotation_service rotations_{
      store_, clock_, random_, hasher_, at_rest_, credentials_, mirror_, policy_, rate_limit_config{}, audit_};
  outbox_relay relay_{store_, clock_, random_, at_rest_, queues_, credentials_, policy_, config_};
};

// An embedded destination is delivered inside the relay's own transaction: the queue holds the
// finished notification (publishTime and the old secret's real expiry filled in), the item is
// delivered with its sealed plaintext erased, and the old secret's grace clock starts at this
// delivery — in storage and in the credential cache.
TEST_F(OutboxRelayTest, DeliversToTheEmbeddedQueueInTheSameTransaction) {
  enroll("embedded");
  const auto id = rotate();
  clock_.advance(5 * ms);  // delivery comes after the rotation
  const auto delivered_at = clock_.now();

  auto pass = relay_.run_once();
  ASSERT_TRUE(pass) << pass.error().message();
  ASSERT_EQ(pass->woken.size(), 1u);
  EXPECT_EQ(pass->woken[0].key(), account + "/inbox");
  EXPECT_TRUE(pass->to_publish.empty());

  const auto done = item(id);
  EXPECT_EQ(done.state, outbox_state::delivered);
  EXPECT_EQ(done.delivered_at, delivered_at);
  EXPECT_EQ(done.attempts, 1);
  EXPECT_TRUE(done.sealed_body.empty());
  EXPECT_EQ(old_secret().expires_at, delivered_at + policy_.old_secret_grace);
  const auto cached = credentials_.find_secret("app1", "first-app1");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->expires_at, delivered_at + policy_.old_secret_grace);

  const auto messages = received();
  ASSERT_EQ(messages.size(), 1u);
  const auto body = json::parse(messages[0]).as_object();
  EXPECT_EQ(body.at("notificationMetadata").at("notificationId").as_string(), id);
  EXPECT_EQ(body.at("notificationMetadata").at("publishTime").as_string(), to_iso8601(delivered_at));
  EXPECT_EQ(body.at("payload").at("applicationOAuthClientNewSecret").at("oldClientSecretExpiryTime").as_string(),
            to_iso8601(delivered_at + policy_.old_secret_grace));
}

// A delivered item is not delivered again by later passes (at least once, not every pass).
TEST_F(OutboxRelayTest, DeliversAnItemOnce) {
  enroll("embedded");
  rotate();
  ASSERT_EQ(relay_.run_once()->woken.size(), 1u);
  clock_.advance(2 * config_.lease);
  auto again = relay_.run_once();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->woken.empty());
  EXPECT_TRUE(again->to_publish.empty());
  EXPECT_EQ(received().size(), 1u);
}

// A network destination is handed back to publish off the storage thread, its body finished
// for this delivery; nothing is written yet: the item stays pending with its sealed body and
// the old secret's grace has not started.
TEST_F(OutboxRelayTest, HandsNetworkDeliveriesBackWithoutWriting) {
  enroll("webhook");
  const auto id = rotate();
  const auto expiry_before = old_secret().expires_at;
  clock_.advance(5 * ms);

  auto pass = relay_.run_once();
  ASSERT_TRUE(pass);
  EXPECT_TRUE(pass->woken.empty());
  ASSERT_EQ(pass->to_publish.size(), 1u);
  const auto& delivery = pass->to_publish[0];
  EXPECT_EQ(delivery.item.id, id);
  EXPECT_EQ(delivery.destination.id, "dest-app1");
  EXPECT_EQ(delivery.prepared_at, clock_.now());
  const auto body = json::parse(delivery.body).as_object();
  EXPECT_EQ(body.at("notificationMetadata").at("publishTime").as_string(), to_iso8601(clock_.now()));
  EXPECT_EQ(body.at("payload").at("applicationOAuthClientNewSecret").at("oldClientSecretExpiryTime").as_string(),
            to_iso8601(clock_.now() + policy_.old_secret_grace));

  const auto pending = item(id);
  EXPECT_EQ(pending.state, outbox_state::pending);
  EXPECT_EQ(pending.attempts, 0);
  EXPECT_FALSE(pending.sealed_body.empty());
  EXPECT_EQ(old_secret().expires_at, expiry_before);
}

// complete(delivered) records the success: the item is delivered with its plaintext erased, and
// the old secret's grace runs from the moment the body was prepared for (the expiry the consumer
// was told), not from when the publish returned.
TEST_F(OutboxRelayTest, CompleteRecordsADeliveryAndStartsTheGraceAtIt) {
  enroll("webhook");
  const auto id = rotate();
  auto pass = relay_.run_once();
  ASSERT_TRUE(pass);
  ASSERT_EQ(pass->to_publish.size(), 1u);
  const auto prepared_at = clock_.now();
  clock_.advance(3'000 * ms);  // the publish took a while

  ASSERT_TRUE(relay_.complete(pass->to_publish[0], true, ""));
  const auto done = item(id);
  EXPECT_EQ(done.state, outbox_state::delivered);
  EXPECT_EQ(done.delivered_at, clock_.now());
  EXPECT_EQ(done.attempts, 1);
  EXPECT_TRUE(done.sealed_body.empty());
  EXPECT_TRUE(done.last_error.empty());
  EXPECT_EQ(old_secret().expires_at, prepared_at + policy_.old_secret_grace);
  const auto cached = credentials_.find_secret("app1", "first-app1");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->expires_at, prepared_at + policy_.old_secret_grace);
}

// complete(failed) counts the attempt, keeps the error and the sealed body, leaves the old
// secret alone, and makes the item due again after the first backoff (0.5–1 s), not before.
TEST_F(OutboxRelayTest, CompleteRecordsAFailureWithBackoff) {
  enroll("webhook");
  const auto id = rotate();
  const auto expiry_before = old_secret().expires_at;
  auto pass = relay_.run_once();
  ASSERT_EQ(pass->to_publish.size(), 1u);

  ASSERT_TRUE(relay_.complete(pass->to_publish[0], false, "HTTP 500"));
  const auto failed = item(id);
  EXPECT_EQ(failed.state, outbox_state::pending);
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_EQ(failed.last_error, "HTTP 500");
  EXPECT_FALSE(failed.sealed_body.empty());
  EXPECT_GE(failed.next_attempt_at, clock_.now() + 500 * ms);
  EXPECT_LE(failed.next_attempt_at, clock_.now() + 1'000 * ms);
  EXPECT_EQ(old_secret().expires_at, expiry_before);

  clock_.set(failed.next_attempt_at - ms);
  EXPECT_TRUE(relay_.run_once()->to_publish.empty());  // still backing off
  clock_.set(failed.next_attempt_at);
  auto retry = relay_.run_once();
  ASSERT_EQ(retry->to_publish.size(), 1u);
  EXPECT_EQ(retry->to_publish[0].item.attempts, 1);

  // A second failure backs off longer (1–2 s).
  ASSERT_TRUE(relay_.complete(retry->to_publish[0], false, "HTTP 503"));
  const auto twice = item(id);
  EXPECT_EQ(twice.attempts, 2);
  EXPECT_EQ(twice.last_error, "HTTP 503");
  EXPECT_GE(twice.next_attempt_at, clock_.now() + 1'000 * ms);
  EXPECT_LE(twice.next_attempt_at, clock_.now() + 2'000 * ms);
}

// Once the retry budget (counted from the item's creation) is spent, a failure makes the item
// dead: no pass claims it again.
TEST_F(OutboxRelayTest, AFailureAfterTheBudgetIsDead) {
  enroll("webhook");
  const auto id = rotate();
  clock_.advance(config_.retry_budget - ms);
  auto pass = relay_.run_once();
  ASSERT_EQ(pass->to_publish.size(), 1u);
  ASSERT_TRUE(relay_.complete(pass->to_publish[0], false, "refused"));
  EXPECT_EQ(item(id).state, outbox_state::pending);  // a millisecond of budget was left

  clock_.advance(config_.retry_budget);
  pass = relay_.run_once();
  ASSERT_EQ(pass->to_publish.size(), 1u);
  ASSERT_TRUE(relay_.complete(pass->to_publish[0], false, "refused"));
  const auto dead = item(id);
  EXPECT_EQ(dead.state, outbox_state::dead);
  EXPECT_EQ(dead.attempts, 2);
  EXPECT_EQ(dead.last_error, "refused");

  clock_.advance(10 * config_.retry_budget);
  EXPECT_TRUE(relay_.run_once()->to_publish.empty());
}

// A claimed item is leased: no pass claims it again until the lease runs out (a worker that
// crashed between claim and complete), and then it comes back.
TEST_F(OutboxRelayTest, AClaimedItemIsNotClaimedAgainBeforeItsLeaseEnds) {
  enroll("webhook");
  const auto id = rotate();
  ASSERT_EQ(relay_.run_once()->to_publish.size(), 1u);
  EXPECT_TRUE(relay_.run_once()->to_publish.empty());
  clock_.advance(config_.lease - ms);
  EXPECT_TRUE(relay_.run_once()->to_publish.empty());
  clock_.advance(ms);
  auto back = relay_.run_once();
  ASSERT_TRUE(back);
  ASSERT_EQ(back->to_publish.size(), 1u);
  EXPECT_EQ(back->to_publish[0].item.id, id);
}

// An embedded destination whose queue is gone cannot be delivered: the attempt is recorded as a
// failure with backoff, and nothing was delivered.
TEST_F(OutboxRelayTest, AMissingQueueIsAFailedAttempt) {
  enroll("embedded", /*with_queue=*/false);
  const auto id = rotate();
  auto pass = relay_.run_once();
  ASSERT_TRUE(pass) << pass.error().message();
  EXPECT_TRUE(pass->woken.empty());
  EXPECT_TRUE(pass->to_publish.empty());
  const auto failed = item(id);
  EXPECT_EQ(failed.state, outbox_state::pending);
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_FALSE(failed.last_error.empty());
  EXPECT_FALSE(failed.sealed_body.empty());
  EXPECT_GE(failed.next_attempt_at, clock_.now() + 500 * ms);
}

}  // namespace
}  // namespace rekey
