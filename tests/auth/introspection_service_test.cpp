#include "auth/introspection_service.hpp"

#include <gtest/gtest.h>

#include "support/service_parts.hpp"

namespace rekey {
namespace {

constexpr std::string_view issuer = "https://rekey.example";
const millis lifetime{3'600'000};

class IntrospectionTest : public ::testing::Test, protected testing::service_parts {
 protected:
  IntrospectionTest() {
    std::vector<jwt_key> keys;
    keys.push_back(make_jwt_key(at_rest_, random_, clock_.now(), millis{0}).first);
    ring_.add(std::move(keys));
    auto w = *store_.begin();
    application_record plain{"app1", "n", "client1", std::nullopt, std::nullopt, clock_.now()};
    application_record jwt_app{"app2", "n", "client2", std::nullopt, std::nullopt, clock_.now()};
    jwt_app.tokens = {token_format::jwt, {"orders:read"}, "https://orders"};
    EXPECT_TRUE(w->applications().insert(plain));
    EXPECT_TRUE(w->applications().insert(jwt_app));
    for (const auto& [id, app, state] :
         {std::tuple{"s1", "app1", secret_state::current}, std::tuple{"s-revoked", "app1", secret_state::revoked},
          std::tuple{"s-retired", "app1", secret_state::retired}, std::tuple{"s-old", "app1", secret_state::old},
          std::tuple{"s2", "app2", secret_state::current}}) {
      secret_record s;
      s.id = id;
      s.application_id = app;
      s.hash = hasher_.hash(std::string("secret-") + id);
      s.fingerprint = "fp";
      s.state = state;
      s.created_at = clock_.now();
      s.expires_at = clock_.now() + (std::string_view(id) == "s-old" ? millis{60'000} : millis{86'400'000});
      EXPECT_TRUE(w->secrets().insert(s));
    }
    EXPECT_TRUE(w->resource_servers().insert(server("rs-any", std::nullopt)));
    EXPECT_TRUE(w->resource_servers().insert(server("rs-orders", "https://orders")));
    auto revoked = server("rs-revoked", std::nullopt);
    revoked.revoked_at = clock_.now();
    EXPECT_TRUE(w->resource_servers().insert(revoked));
    EXPECT_TRUE(w->commit());
  }

  resource_server_record server(const std::string& id, std::optional<std::string> audience) {
    return {id, "name", std::move(audience), hasher_.hash("rs-secret-" + id), clock_.now(), std::nullopt};
  }

  std::string opaque(const std::string& app, const std::string& secret) {
    access_claims c;
    c.application_id = app;
    c.secret_id = secret;
    c.scopes.bits = scope_set::rotation;
    c.issued_at = clock_.now();
    c.expires_at = clock_.now() + lifetime;
    return codec_.mint(c);
  }
  std::string jwt_token() {
    access_claims c;
    c.application_id = "app2";
    c.secret_id = "s2";
    c.scopes.custom = {"orders:read"};
    c.issued_at = clock_.now();
    c.expires_at = clock_.now() + lifetime;
    return *jwt_.mint(c, "client2", "https://orders");
  }

  // As the endpoint answers: memory first, storage when memory cannot tell.
  result<introspection> ask(const std::string& server_id, const std::string& token,
                            std::optional<std::string> secret = std::nullopt) {
    const introspection_request r{server_id, secret.value_or("rs-secret-" + server_id), token};
    if (auto fast = service_.answer_from_cache(r, "peer")) return *fast;
    return service_.answer_with_storage(store_, r, "peer");
  }

  token_codec codec_{{{"k", master_}}, "k"};
  jwt_key_ring ring_{lifetime};
  jwt_codec jwt_{ring_, std::string(issuer), random_};
  access_token_verifier verifier_{codec_, jwt_};
  resource_server_cache servers_;
  failure_throttle throttle_{{3, 100, millis{60'000}}};
  introspection_service service_{servers_, credentials_, hasher_, verifier_, throttle_, clock_, std::string(issuer)};
};

TEST_F(IntrospectionTest, DescribesAnActiveOpaqueTokenFromStorageThenFromMemory) {
  const auto token = opaque("app1", "s1");
  for (int pass = 0; pass < 2; ++pass) {
    const auto answer = ask("rs-any", token);
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->active);
    EXPECT_EQ(answer->client_id, "client1");
    EXPECT_EQ(answer->subject, "app1");
    EXPECT_EQ(answer->scope, "sellingpartnerapi::client_credential:rotation");
    EXPECT_EQ(answer->audience, issuer);  // the application names none
    EXPECT_EQ(answer->expires_at - answer->issued_at, 3600);
  }
  EXPECT_TRUE(service_.answer_from_cache({"rs-any", "rs-secret-rs-any", token}, "peer"));  // now in memory
}

TEST_F(IntrospectionTest, DescribesAJwtWithItsAudience) {
  const auto answer = ask("rs-orders", jwt_token());
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->active);
  EXPECT_EQ(answer->client_id, "client2");
  EXPECT_EQ(answer->scope, "orders:read");
  EXPECT_EQ(answer->audience, "https://orders");
  // Another resource server's audience: inactive to it.
  {
    auto w = *store_.begin();
    ASSERT_TRUE(w->resource_servers().insert(server("rs-billing", "https://billing")));
    ASSERT_TRUE(w->commit());
  }
  EXPECT_FALSE(ask("rs-billing", jwt_token())->active);
}

TEST_F(IntrospectionTest, IsInactiveForEveryTokenThatNoLongerHolds) {
  const auto inactive = [&](const std::string& server_id, const std::string& token) {
    const auto answer = ask(server_id, token);
    return answer && !answer->active && answer->client_id.empty() && answer->scope.empty() && answer->expires_at == 0;
  };
  EXPECT_TRUE(inactive("rs-any", opaque("app1", "s-revoked")));
  EXPECT_TRUE(inactive("rs-any", opaque("app1", "s-retired")));
  // An old secret within its grace vouches for its tokens; past its expiry it does not.
  const auto old_secrets_token = opaque("app1", "s-old");
  ASSERT_TRUE(ask("rs-any", old_secrets_token)->active);
  clock_.advance(millis{60'000});
  EXPECT_TRUE(inactive("rs-any", old_secrets_token));
  clock_.set(from_epoch_ms(1'700'000'000'000));
  EXPECT_TRUE(inactive("rs-any", opaque("app1", "no-such-secret")));
  EXPECT_TRUE(inactive("rs-any", opaque("app-gone", "s1")));
  EXPECT_TRUE(inactive("rs-any", "Atc|k.garbage.x"));
  EXPECT_TRUE(inactive("rs-any", ""));
  token_codec foreign{{{"k", testing::filled_key(9)}}, "k"};
  access_claims c;
  c.application_id = "app1";
  c.secret_id = "s1";
  c.issued_at = clock_.now();
  c.expires_at = clock_.now() + lifetime;
  EXPECT_TRUE(inactive("rs-any", foreign.mint(c)));
  // For a resource server with an audience, a token for another one (here: the issuer).
  EXPECT_TRUE(inactive("rs-orders", opaque("app1", "s1")));
  const auto token = opaque("app1", "s1");
  clock_.advance(lifetime);
  EXPECT_TRUE(inactive("rs-any", token));
}

TEST_F(IntrospectionTest, RefusesResourceServersThatDoNotAuthenticateThenThrottles) {
  const auto token = opaque("app1", "s1");
  const auto refused = make_error_code(errc::invalid_client);
  EXPECT_EQ(ask("rs-any", token, "wrong").error(), refused);
  EXPECT_EQ(ask("rs-nobody", token).error(), refused);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ask("rs-revoked", token).error(), refused);
  EXPECT_EQ(ask("rs-revoked", token).error(), make_error_code(errc::slow_down));  // 3 failures per id and address
  // A revocation seen here ends it at once, from memory too.
  ASSERT_TRUE(ask("rs-any", token));
  servers_.forget("rs-any");
  {
    auto w = *store_.begin();
    ASSERT_TRUE(*w->resource_servers().revoke("rs-any", clock_.now()));
    ASSERT_TRUE(w->commit());
  }
  EXPECT_EQ(ask("rs-any", token).error(), refused);
}

TEST_F(IntrospectionTest, SeesASecretRevokedOnAnotherNodeOnceItsCacheEntryIsForgotten) {
  const auto token = opaque("app1", "s1");
  ASSERT_TRUE(ask("rs-any", token)->active);
  {
    auto w = *store_.begin();
    auto secrets = *w->secrets().list_for("app1");
    for (auto& s : secrets)
      if (s.id == "s1") {
        s.state = secret_state::revoked;
        ASSERT_TRUE(w->secrets().update(s));
      }
    ASSERT_TRUE(w->commit());
  }
  credentials_.forget("app1");  // the commit's event, as service.cpp handles it
  EXPECT_FALSE(ask("rs-any", token)->active);
}

}  // namespace
}  // namespace rekey
