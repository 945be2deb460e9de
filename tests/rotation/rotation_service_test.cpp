#include "rotation/rotation_service.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/time_format.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/openssl_random.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/outbox_item.hpp"
#include "rotation/rotation_policy.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/service_parts.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

constexpr millis day{86'400'000};

// Everything storage holds for one application, to prove a refused call changed nothing.
struct snapshot {
  std::vector<std::tuple<std::string, secret_state, std::int64_t>> secrets;
  std::size_t outbox = 0;
  std::optional<std::pair<double, std::int64_t>> bucket;
  bool operator==(const snapshot&) const = default;
};

class RotationServiceTest : public ::testing::Test, protected testing::service_parts {
 protected:
  RotationServiceTest() { create_app("app1", std::nullopt, std::nullopt, true); }

  void create_app(const std::string& id, std::optional<double> rate, std::optional<unsigned> burst, bool enrolled) {
    auto w = *store_.begin();
    application_record app{id, "n", "client-" + id, rate, burst, clock_.now()};
    ASSERT_TRUE(w->applications().insert(app));
    secret_record s;
    s.id = "first-" + id;
    s.application_id = id;
    s.hash = hasher_.hash("first-secret-" + id);
    s.fingerprint = "fp";
    s.created_at = clock_.now();
    s.expires_at = clock_.now() + 180 * day;
    ASSERT_TRUE(w->secrets().insert(s));
    if (enrolled) {
      ASSERT_TRUE(w->notifications().insert_destination({"dest-" + id, id, "embedded", "{}", clock_.now()}));
      ASSERT_TRUE(w->notifications().put_subscription(
          {"sub-" + id, id, std::string(new_secret_notification_type), "dest-" + id, clock_.now()}));
    }
    ASSERT_TRUE(w->commit());
  }

  snapshot take_snapshot(const std::string& app) {
    auto w = *store_.begin();
    snapshot s;
    for (const auto& r : *w->secrets().list_for(app)) s.secrets.emplace_back(r.id, r.state, to_epoch_ms(r.expires_at));
    s.outbox = w->outbox().list_for_application(app)->size();
    if (auto b = *w->rate_limits().find(app, rotate_operation)) s.bucket = {{b->tokens, to_epoch_ms(b->updated_at)}};
    return s;
  }

  void set_secret(const std::string& app, const std::string& id, secret_state state, time_point expires) {
    auto w = *store_.begin();
    for (auto r : *w->secrets().list_for(app)) {
      if (r.id != id) continue;
      r.state = state;
      r.expires_at = expires;
      ASSERT_TRUE(w->secrets().update(r));
    }
    ASSERT_TRUE(w->commit());
  }

  rate_limit_mirror mirror_;
  rotation_service service_{
      store_, clock_, random_, hasher_, at_rest_, credentials_, mirror_, secret_policy_config{}, rate_limit_config{},
      audit_};
};

// A rotation writes a new current secret, demotes the old one with the grace expiry, debits
// the bucket, and writes one sealed outbox item whose secret is the new secret.
TEST_F(RotationServiceTest, RotatesInOneTransaction) {
  const auto now = clock_.now();
  auto out = service_.rotate("app1", "first-app1");
  ASSERT_FALSE(out.error) << out.error.message();
  EXPECT_DOUBLE_EQ(out.plan.rate, 0.0167);

  auto w = *store_.begin();
  const auto secrets = *w->secrets().list_for("app1");
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].id, out.new_secret_id);
  EXPECT_EQ(secrets[0].state, secret_state::current);
  EXPECT_EQ(secrets[0].expires_at, now + 180 * day);
  EXPECT_EQ(secrets[1].state, secret_state::old);
  EXPECT_EQ(secrets[1].expires_at, now + 180 * day);  // the grace clock starts at delivery

  const auto items = *w->outbox().list_for_application("app1");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, out.notification_id);
  EXPECT_EQ(items[0].destination_id, "dest-app1");
  EXPECT_EQ(items[0].state, outbox_state::pending);
  EXPECT_EQ(items[0].old_secret_id, "first-app1");
  EXPECT_EQ(items[0].new_secret_id, out.new_secret_id);  // the secret it announces (docs/storage.md, schema 8)
  const auto plain = open_sealed(at_rest_, outbox_aad(items[0].id), items[0].sealed_body);
  ASSERT_TRUE(plain);
  const auto body = boost::json::parse(std::string(plain->begin(), plain->end())).as_object();
  const auto& payload = body.at("payload").at("applicationOAuthClientNewSecret").as_object();
  const std::string new_secret(payload.at("newClientSecret").as_string());
  EXPECT_TRUE(new_secret.starts_with("amzn1.oa2-cs.v1."));
  EXPECT_EQ(hasher_.hash(new_secret), secrets[0].hash);
  EXPECT_EQ(body.at("notificationMetadata").at("subscriptionId"), "sub-app1");
  EXPECT_EQ(body.at("notificationMetadata").at("notificationId").as_string(), out.notification_id);

  // Memory follows storage: the new secret authenticates from the cache at once.
  const auto match = credentials_.match("client-app1", hasher_.hash(new_secret));
  ASSERT_TRUE(match);
  EXPECT_EQ(match->secret.id, out.new_secret_id);
  EXPECT_TRUE(mirror_.refusal("app1", clock_.now()).has_value());
}

// A destination that can be delivered to in the rotation's own transaction (the embedded queue):
// the item is written delivered with nothing sealed in it, and the old secret's grace starts now.
// One that cannot (nullopt) is left pending for the relay, as above.
TEST_F(RotationServiceTest, DeliversDirectlyWhenTheDestinationAllows) {
  std::string delivered_body;
  rotation_service direct{
      store_,
      clock_,
      random_,
      hasher_,
      at_rest_,
      credentials_,
      mirror_,
      secret_policy_config{},
      rate_limit_config{},
      audit_,
      [&](unit_of_work&, const destination_record& destination, const std::optional<queue_record>& queue,
          const std::string&, std::string_view body) -> result<std::optional<std::string>> {
        EXPECT_EQ(destination.id, "dest-app1");
        EXPECT_FALSE(queue);  // its config names none
        delivered_body = std::string(body);
        return std::optional<std::string>{"000000000000/q"};
      }};
  const auto now = clock_.now();
  auto out = direct.rotate("app1", "first-app1");
  ASSERT_FALSE(out.error) << out.error.message();
  EXPECT_EQ(out.delivered_to, "000000000000/q");

  auto w = *store_.begin();
  const auto secrets = *w->secrets().list_for("app1");
  EXPECT_EQ(secrets[1].state, secret_state::old);
  EXPECT_EQ(secrets[1].expires_at, now + 7 * day);  // delivered now: the grace clock started
  const auto items = *w->outbox().list_for_application("app1");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].state, outbox_state::delivered);
  EXPECT_EQ(items[0].delivered_at, now);
  EXPECT_TRUE(items[0].sealed_body.empty());
  const auto body = boost::json::parse(delivered_body).as_object();
  EXPECT_EQ(body.at("payload").at("applicationOAuthClientNewSecret").at("oldClientSecretExpiryTime").as_string(),
            to_iso8601(now + 7 * day));
}

// A second call inside the rate window is refused with Retry-After and changes nothing;
// after the window it succeeds.
TEST_F(RotationServiceTest, QuotaRefusalChangesNothing) {
  ASSERT_FALSE(service_.rotate("app1", "first-app1").error);
  const auto before = take_snapshot("app1");
  clock_.advance(millis{30'000});
  auto refused = service_.rotate("app1", "first-app1");
  EXPECT_EQ(refused.error, make_error_code(errc::quota_exceeded));
  EXPECT_EQ(refused.retry_after, millis{29'881});
  EXPECT_EQ(take_snapshot("app1"), before);
  clock_.advance(millis{29'881});
  EXPECT_FALSE(service_.rotate("app1", "first-app1").error);
}

// Not enrolled: 400's error, the rate applied, and nothing written — not even the bucket.
TEST_F(RotationServiceTest, NotEnrolledChangesNothing) {
  create_app("lonely", 2.0, 1, false);
  const auto before = take_snapshot("lonely");
  auto out = service_.rotate("lonely", "first-lonely");
  EXPECT_EQ(out.error, make_error_code(errc::not_enrolled));
  EXPECT_DOUBLE_EQ(out.plan.rate, 2.0);
  EXPECT_EQ(take_snapshot("lonely"), before);
}

// The secret that minted the token is re-checked: expired (to the millisecond), retired,
// revoked, or unknown applications are refused and nothing changes.
TEST_F(RotationServiceTest, MintingSecretIsRechecked) {
  const auto expiry = clock_.now() + day;
  set_secret("app1", "first-app1", secret_state::current, expiry);
  clock_.set(expiry - millis{1});
  const auto before = take_snapshot("app1");
  clock_.set(expiry);
  EXPECT_EQ(service_.rotate("app1", "first-app1").error, make_error_code(errc::client_secret_expired));
  set_secret("app1", "first-app1", secret_state::retired, expiry + day);
  EXPECT_EQ(service_.rotate("app1", "first-app1").error, make_error_code(errc::client_secret_expired));
  set_secret("app1", "first-app1", secret_state::revoked, expiry + day);
  EXPECT_EQ(service_.rotate("app1", "first-app1").error, make_error_code(errc::access_token_invalid));
  EXPECT_EQ(service_.rotate("nope", "first-app1").error, make_error_code(errc::access_token_invalid));
  EXPECT_EQ(service_.rotate("app1", "other-secret").error, make_error_code(errc::access_token_invalid));
  EXPECT_EQ(take_snapshot("app1").outbox, before.outbox);
}

// Exactly at the minting secret's expiry and one millisecond after, refused; one millisecond
// before, rotated — with the new secret's first expiry warning scheduled and an audit entry.
TEST_F(RotationServiceTest, ExpiryBoundaryToTheMillisecond) {
  create_app("edge", 1.0, 3, true);
  const auto expiry = clock_.now() + day;
  set_secret("edge", "first-edge", secret_state::current, expiry);
  clock_.set(expiry + millis{1});
  EXPECT_EQ(service_.rotate("edge", "first-edge").error, make_error_code(errc::client_secret_expired));
  clock_.set(expiry);
  EXPECT_EQ(service_.rotate("edge", "first-edge").error, make_error_code(errc::client_secret_expired));
  clock_.set(expiry - millis{1});
  const auto out = service_.rotate("edge", "first-edge", "request-1");
  ASSERT_FALSE(out.error) << out.error.message();

  auto w = *store_.begin();
  const auto fresh = (*w->secrets().list_for("edge"))[0];
  EXPECT_EQ(fresh.id, out.new_secret_id);
  EXPECT_EQ(fresh.next_warning_at, fresh.expires_at - 90 * day);
  const auto entries = *w->audit().list(0, 10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "secret.rotated");
  EXPECT_EQ(entries[0].actor, "application:client-edge");
  EXPECT_EQ(entries[0].request_id, "request-1");
  EXPECT_EQ(entries[0].fingerprint, fresh.fingerprint);
}

// A usage plan with burst 3 allows three rotations at once; the third retires the first
// secret (max_valid_secrets = 2).
TEST_F(RotationServiceTest, UsagePlanBurstAndRetirement) {
  create_app("busy", 1.0, 3, true);
  std::vector<std::string> ids{"first-busy"};
  for (int i = 0; i < 3; ++i) {
    auto out = service_.rotate("busy", ids.back());
    ASSERT_FALSE(out.error) << i << ": " << out.error.message();
    ids.push_back(out.new_secret_id);
  }
  EXPECT_EQ(service_.rotate("busy", ids.back()).error, make_error_code(errc::quota_exceeded));
  auto w = *store_.begin();
  unsigned valid = 0;
  for (const auto& s : *w->secrets().list_for("busy")) valid += is_valid(s, clock_.now()) ? 1 : 0;
  EXPECT_EQ(valid, 2u);
  EXPECT_EQ(w->outbox().list_for_application("busy")->size(), 3u);
}

}  // namespace
}  // namespace rekey
