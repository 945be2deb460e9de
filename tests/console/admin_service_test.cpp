#include "console/admin_service.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "crypto/aes_gcm.hpp"
#include "crypto/openssl_random.hpp"
#include "delivery/destination_secret.hpp"
#include "rotation/expiry_notification.hpp"
#include "rotation/new_secret_notification.hpp"
#include "rotation/outbox_item.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/service_parts.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

namespace json = boost::json;

constexpr millis day{86'400'000};

class AdminServiceTest : public ::testing::Test, protected testing::service_parts {
 protected:
  created_application create(const std::string& name = "Seller tools") {
    auto app = admin_.create_application(request_, name, std::nullopt, std::nullopt);
    EXPECT_TRUE(app) << app.error().message();
    return app ? *app : created_application{};
  }

  // True when any byte of the database files (the WAL too) spells `text`.
  bool stored_anywhere(const std::string& text) {
    const auto folder = std::filesystem::path(dir_.file("rekey.db")).parent_path();
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (bytes.find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::vector<audit_record> audit_entries() {
    auto entries = admin_.list_audit(0, 100);
    EXPECT_TRUE(entries);
    return entries ? *entries : std::vector<audit_record>{};
  }

  // An outbox item for the application's destination, in the state asked for, due in a day.
  void write_item(const std::string& id, const destination_record& destination, outbox_state state) {
    auto w = *store_.begin();
    auto item =
        pending_outbox_item(id, destination.application_id, destination.id, new_secret_notification_type, clock_.now());
    item.state = state;
    item.attempts = 3;
    item.last_error = "HTTP 500";
    item.next_attempt_at = clock_.now() + day;
    ASSERT_TRUE(w->outbox().insert(item));
    ASSERT_TRUE(w->commit());
  }

  const std::string request_ = "req-test";  // the request id of every admin action here
  secret_policy_config policy_;
  access_key_cache access_keys_;
  admin_service admin_{store_, clock_, random_, hasher_, credentials_, policy_, at_rest_, access_keys_, audit_};
};

// A new application's client secret is returned once: storage keeps only its keyed hash (the
// plaintext is nowhere in the database files), and the secret authenticates from the cache at once.
TEST_F(AdminServiceTest, CreateApplicationReturnsTheSecretOnceAndStoresItsHash) {
  const auto created = create();
  EXPECT_TRUE(created.client_secret.starts_with("amzn1.oa2-cs.v1."));
  EXPECT_TRUE(created.app.client_id.starts_with("amzn1.application-oa2-client."));
  EXPECT_TRUE(created.app.id.starts_with("amzn1.sp.solution."));

  const auto details = admin_.show_application(created.app.id);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->app.name, "Seller tools");
  ASSERT_EQ(details->secrets.size(), 1u);
  const auto& secret = details->secrets[0];
  EXPECT_EQ(secret.hash, hasher_.hash(created.client_secret));
  EXPECT_EQ(secret.state, secret_state::current);
  EXPECT_EQ(secret.expires_at, clock_.now() + policy_.secret_lifetime);
  EXPECT_TRUE(secret.next_warning_at.has_value());  // its first expiry warning is scheduled
  EXPECT_FALSE(stored_anywhere(created.client_secret));

  const auto match = credentials_.match(created.app.client_id, hasher_.hash(created.client_secret));
  ASSERT_TRUE(match);
  EXPECT_EQ(match->secret.id, secret.id);
}

// create_application refuses a bad name, rate or burst, and writes nothing then.
TEST_F(AdminServiceTest, CreateApplicationChecksItsFields) {
  struct bad_case {
    std::string name;
    std::optional<double> rate;
    std::optional<unsigned> burst;
  };
  const bad_case cases[] = {
      {"", std::nullopt, std::nullopt}, {std::string(201, 'n'), std::nullopt, std::nullopt},
      {"n", 0.0, std::nullopt},         {"n", -1.0, std::nullopt},
      {"n", 1000.5, std::nullopt},      {"n", std::nullopt, 0u},
      {"n", std::nullopt, 1001u},
  };
  for (const auto& c : cases) {
    auto out = admin_.create_application(request_, c.name, c.rate, c.burst);
    ASSERT_FALSE(out) << c.name.size();
    EXPECT_EQ(out.error(), make_error_code(errc::invalid_input));
  }
  EXPECT_TRUE(admin_.list_applications()->empty());
  EXPECT_TRUE(admin_.create_application(request_, "n", 0.5, 10u));
  EXPECT_EQ(admin_.list_applications()->size(), 1u);
}

// An embedded destination names its queue by any reference form and creates the queue when it
// does not exist yet (and reuses it when it does).
TEST_F(AdminServiceTest, EmbeddedDestinationCreatesItsQueue) {
  const auto app = create().app;
  const auto d = admin_.create_embedded_destination(request_, app.id, "111122223333/inbox");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->kind, "embedded");
  EXPECT_EQ(d->application_id, app.id);
  const auto address = embedded_address(*d);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->key(), "111122223333/inbox");
  {
    auto w = *store_.begin();
    EXPECT_TRUE(*w->queues().find_queue("111122223333", "inbox"));
  }
  const auto same_queue =
      admin_.create_embedded_destination(request_, app.id, "arn:aws:sqs:us-east-1:111122223333:inbox");
  ASSERT_TRUE(same_queue);
  EXPECT_NE(same_queue->id, d->id);
  EXPECT_EQ(embedded_address(*same_queue)->key(), "111122223333/inbox");
  EXPECT_EQ(admin_.show_application(app.id)->destinations.size(), 2u);

  EXPECT_EQ(admin_.create_embedded_destination(request_, app.id, "bad name!").error(),
            make_error_code(errc::invalid_input));
  EXPECT_EQ(admin_.create_embedded_destination(request_, "no-such-app", "inbox").error(),
            make_error_code(errc::not_found));
}

// A webhook destination returns its signing secret once; its config holds the URL and the
// secret sealed to the destination, never the plaintext.
TEST_F(AdminServiceTest, WebhookDestinationSealsItsSigningSecret) {
  const auto app = create().app;
  const auto made = admin_.create_webhook_destination(request_, app.id, "https://hooks.example/rekey");
  ASSERT_TRUE(made) << made.error().message();
  const auto& [d, secret] = *made;
  EXPECT_EQ(d.kind, "webhook");
  EXPECT_TRUE(secret.starts_with("whsec_"));
  const auto config = json::parse(d.config_json).as_object();
  EXPECT_EQ(config.at("url").as_string(), "https://hooks.example/rekey");
  EXPECT_EQ(open_destination_secret(at_rest_, d.id, config.at("sealedSecret").as_string()), secret);
  EXPECT_EQ(d.config_json.find(secret), std::string::npos);
  EXPECT_FALSE(stored_anywhere(secret));
  EXPECT_EQ(admin_.find_destination(d.id)->config_json, d.config_json);

  for (const char* bad : {"ftp://hooks.example", "hooks.example", "https://", ""}) {
    EXPECT_EQ(admin_.create_webhook_destination(request_, app.id, bad).error(), make_error_code(errc::invalid_input))
        << bad;
  }
  EXPECT_EQ(admin_.create_webhook_destination(request_, "no-such-app", "https://x.example").error(),
            make_error_code(errc::not_found));
}

// An SQS destination keeps queue URL, region and key id in its config and the secret access key
// sealed; every field is required.
TEST_F(AdminServiceTest, SqsDestinationSealsItsSecretKey) {
  const auto app = create().app;
  const std::string queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/rotations";
  const auto d =
      admin_.create_sqs_destination(request_, app.id, queue_url, "eu-west-1", "AKIAEXAMPLE", "very-secret-key-value");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->kind, "sqs");
  const auto config = json::parse(d->config_json).as_object();
  EXPECT_EQ(config.at("queueUrl").as_string(), queue_url);
  EXPECT_EQ(config.at("region").as_string(), "eu-west-1");
  EXPECT_EQ(config.at("accessKeyId").as_string(), "AKIAEXAMPLE");
  EXPECT_EQ(open_destination_secret(at_rest_, d->id, config.at("sealedSecret").as_string()), "very-secret-key-value");
  EXPECT_FALSE(stored_anywhere("very-secret-key-value"));

  EXPECT_EQ(admin_.create_sqs_destination(request_, app.id, "not a url", "eu-west-1", "AK", "s").error(),
            make_error_code(errc::invalid_input));
  EXPECT_EQ(admin_.create_sqs_destination(request_, app.id, queue_url, "", "AK", "s").error(),
            make_error_code(errc::invalid_input));
  EXPECT_EQ(admin_.create_sqs_destination(request_, app.id, queue_url, "eu-west-1", "", "s").error(),
            make_error_code(errc::invalid_input));
  EXPECT_EQ(admin_.create_sqs_destination(request_, app.id, queue_url, "eu-west-1", "AK", "").error(),
            make_error_code(errc::invalid_input));
  EXPECT_EQ(admin_.find_destination("no-such-destination").error(), make_error_code(errc::not_found));
}

// A subscription points a known notification type at one of the application's own
// destinations; setting it again replaces it (one per type).
TEST_F(AdminServiceTest, SubscriptionsPointAtTheApplicationsDestinations) {
  const auto app = create().app;
  const auto first = *admin_.create_embedded_destination(request_, app.id, "inbox");
  const auto second = *admin_.create_embedded_destination(request_, app.id, "other");
  const auto s = admin_.set_subscription(request_, app.id, new_secret_notification_type, first.id);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->destination_id, first.id);
  ASSERT_TRUE(admin_.set_subscription(request_, app.id, new_secret_notification_type, second.id));
  ASSERT_TRUE(admin_.set_subscription(request_, app.id, expiry_notification_type, first.id));
  const auto subscriptions = admin_.show_application(app.id)->subscriptions;
  ASSERT_EQ(subscriptions.size(), 2u);
  for (const auto& sub : subscriptions) {
    EXPECT_EQ(sub.destination_id, sub.notification_type == new_secret_notification_type ? second.id : first.id);
  }

  const auto stranger = create("Someone else").app;
  const auto theirs = *admin_.create_embedded_destination(request_, stranger.id, "theirs");
  EXPECT_EQ(admin_.set_subscription(request_, app.id, new_secret_notification_type, theirs.id).error(),
            make_error_code(errc::not_found));
  EXPECT_EQ(admin_.set_subscription(request_, app.id, new_secret_notification_type, "no-such-destination").error(),
            make_error_code(errc::not_found));
  EXPECT_EQ(admin_.set_subscription(request_, app.id, "SOMETHING_ELSE", first.id).error(),
            make_error_code(errc::invalid_input));
  EXPECT_EQ(admin_.set_subscription(request_, "no-such-app", new_secret_notification_type, first.id).error(),
            make_error_code(errc::not_found));
}

// Revoking a secret takes effect at once — in storage and in the credential cache — and is
// recorded in the audit trail (actor admin, the secret's fingerprint, the request id) in the same
// transaction. Revoking it again changes nothing and records nothing.
TEST_F(AdminServiceTest, RevokeStopsTheSecretAndAuditsIt) {
  const auto created = create();
  const auto revoked = admin_.revoke_secret(created.app.id, created.secret.id, "req-7");
  ASSERT_TRUE(revoked) << revoked.error().message();
  EXPECT_EQ(revoked->state, secret_state::revoked);
  EXPECT_FALSE(revoked->next_warning_at);
  EXPECT_EQ(admin_.show_application(created.app.id)->secrets[0].state, secret_state::revoked);
  const auto cached = credentials_.find_secret(created.app.id, created.secret.id);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->state, secret_state::revoked);

  auto entries = audit_entries();  // the application's creation, then the revocation
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].actor, "admin");
  EXPECT_EQ(entries[1].action, "secret.revoked");
  EXPECT_EQ(entries[1].application_id, created.app.id);
  EXPECT_EQ(entries[1].request_id, "req-7");
  EXPECT_EQ(entries[1].fingerprint, created.secret.fingerprint);
  EXPECT_NE(entries[1].detail.find("was current"), std::string::npos);

  const auto again = admin_.revoke_secret(created.app.id, created.secret.id, "req-8");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, secret_state::revoked);
  EXPECT_EQ(audit_entries().size(), 2u);

  EXPECT_EQ(admin_.revoke_secret(created.app.id, "no-such-secret", "r").error(), make_error_code(errc::not_found));
  EXPECT_EQ(admin_.revoke_secret("no-such-app", created.secret.id, "r").error(), make_error_code(errc::not_found));
  EXPECT_TRUE(admin_.verify_audit()->first_bad == std::nullopt);
}

// Retrying a delivery makes a dead or pending item due now with its error cleared (its attempts
// kept); a delivered one is a conflict, an unknown one not found.
TEST_F(AdminServiceTest, RetryDeliveryMakesAnItemDueNow) {
  const auto app = create().app;
  const auto destination = *admin_.create_embedded_destination(request_, app.id, "inbox");
  write_item("dead-1", destination, outbox_state::dead);
  write_item("done-1", destination, outbox_state::delivered);
  ASSERT_EQ(admin_.list_deliveries(outbox_state::dead)->size(), 1u);

  const auto retried = admin_.retry_delivery(request_, "dead-1");
  ASSERT_TRUE(retried) << retried.error().message();
  EXPECT_EQ(retried->state, outbox_state::pending);
  EXPECT_EQ(retried->next_attempt_at, clock_.now());
  EXPECT_TRUE(retried->last_error.empty());
  EXPECT_EQ(retried->attempts, 3);
  EXPECT_TRUE(admin_.list_deliveries(outbox_state::dead)->empty());
  const auto pending = *admin_.list_deliveries(outbox_state::pending);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, "dead-1");
  EXPECT_EQ(pending[0].next_attempt_at, clock_.now());

  EXPECT_EQ(admin_.retry_delivery(request_, "done-1").error(), make_error_code(errc::conflict));
  EXPECT_EQ(admin_.retry_delivery(request_, "no-such-item").error(), make_error_code(errc::not_found));
}

// A refresh token is returned once; storage keeps only its keyed hash, for its application.
TEST_F(AdminServiceTest, RefreshTokenIsStoredAsAHash) {
  const auto app = create().app;
  const auto token = admin_.create_refresh_token(request_, app.id);
  ASSERT_TRUE(token);
  EXPECT_TRUE(token->starts_with("Atzr|"));
  {
    auto w = *store_.begin();
    const auto found = *w->refresh_tokens().find(hasher_.hash(*token));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->application_id, app.id);
  }
  EXPECT_FALSE(stored_anywhere(*token));
  EXPECT_EQ(admin_.create_refresh_token(request_, "no-such-app").error(), make_error_code(errc::not_found));
}

// An access key for the embedded queue is returned once, stored sealed for its account and known
// to the access key cache at once; the account must be 12 digits.
TEST_F(AdminServiceTest, AccessKeyIsSealedAndCached) {
  const auto key = admin_.create_access_key(request_, "111122223333");
  ASSERT_TRUE(key);
  EXPECT_TRUE(key->id.starts_with("AKRK"));
  EXPECT_EQ(key->id.size(), 20u);
  EXPECT_EQ(key->account, "111122223333");
  const auto cached = access_keys_.find(key->id);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->secret, key->secret);
  const auto fetched = fetch_access_key(store_, at_rest_, key->id);
  ASSERT_TRUE(fetched && *fetched);
  EXPECT_EQ((*fetched)->secret, key->secret);
  EXPECT_FALSE(stored_anywhere(key->secret));

  for (const char* bad : {"", "11112222333", "1111222233334", "11112222333x"}) {
    EXPECT_EQ(admin_.create_access_key(request_, bad).error(), make_error_code(errc::invalid_input)) << bad;
  }
}

// Every change is recorded as an admin action with its request id, chained: list_audit returns
// the entries in order and verify_audit finds the chain whole.
TEST_F(AdminServiceTest, RecordsAdminActionsInTheAuditTrail) {
  const auto app = create();
  clock_.advance(day);
  ASSERT_TRUE(admin_.create_embedded_destination("req-2", app.app.id, "inbox"));
  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "application.created");
  EXPECT_EQ(entries[0].actor, "admin");
  EXPECT_EQ(entries[0].request_id, request_);
  EXPECT_EQ(entries[0].detail, "name Seller tools");
  EXPECT_EQ(entries[1].action, "destination.created");
  EXPECT_EQ(entries[1].request_id, "req-2");
  EXPECT_EQ(entries[1].at, clock_.now());
  EXPECT_EQ(entries[1].previous_hash, entries[0].hash);
  EXPECT_EQ(admin_.list_audit(entries[0].seq, 10)->size(), 1u);
  const auto verified = admin_.verify_audit();
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->entries, 2);
  EXPECT_FALSE(verified->first_bad);
}

// Issue #14 item 5: an admin action and its audit entry commit together — when the entry cannot
// be written, the action is not done (today's crash between the two can no longer lose it).
TEST_F(AdminServiceTest, AnActionWhoseAuditEntryCannotBeWrittenIsNotDone) {
  const auto app = create();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("rekey.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(raw, "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'full'); END",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_FALSE(admin_.create_application(request_, "second", std::nullopt, std::nullopt));
  EXPECT_FALSE(admin_.create_embedded_destination(request_, app.app.id, "inbox"));
  EXPECT_FALSE(admin_.create_refresh_token(request_, app.app.id));
  EXPECT_FALSE(admin_.create_access_key(request_, "111122223333"));
  EXPECT_EQ(admin_.list_applications()->size(), 1u);
  const auto details = admin_.show_application(app.app.id);
  ASSERT_TRUE(details);
  EXPECT_TRUE(details->destinations.empty());
  EXPECT_FALSE(admin_.save_dev_clock_offset(request_, 89 * day, "89d"));
  EXPECT_EQ(*admin_.load_dev_clock_offset(), millis{0});
}

// The --dev clock offset survives a restart: it is saved in storage, and zero until then.
TEST_F(AdminServiceTest, DevClockOffsetIsKept) {
  EXPECT_EQ(*admin_.load_dev_clock_offset(), millis{0});
  ASSERT_TRUE(admin_.save_dev_clock_offset(request_, 89 * day, "89d"));
  EXPECT_EQ(*admin_.load_dev_clock_offset(), 89 * day);
}

// load_credentials fills an empty cache with every application's secrets from storage.
TEST_F(AdminServiceTest, LoadCredentialsWarmsTheCache) {
  const auto a = create("a");
  const auto b = create("b");
  credential_cache fresh;
  admin_service restarted{store_, clock_, random_, hasher_, fresh, policy_, at_rest_, access_keys_, audit_};
  EXPECT_FALSE(fresh.match(a.app.client_id, hasher_.hash(a.client_secret)));
  EXPECT_EQ(*restarted.load_credentials(), 2u);
  EXPECT_TRUE(fresh.match(a.app.client_id, hasher_.hash(a.client_secret)));
  EXPECT_TRUE(fresh.match(b.app.client_id, hasher_.hash(b.client_secret)));
}

}  // namespace
}  // namespace rekey
