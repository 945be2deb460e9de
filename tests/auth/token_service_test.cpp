#include "auth/token_service.hpp"

#include <gtest/gtest.h>

#include "crypto/openssl_random.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

constexpr std::string_view rotation = "sellingpartnerapi::client_credential:rotation";

class TokenServiceTest : public ::testing::Test {
 protected:
  TokenServiceTest() {
    auto w = *store_.begin();
    EXPECT_TRUE(w->applications().insert({"app1", "n", "client1", std::nullopt, std::nullopt, clock_.now()}));
    EXPECT_TRUE(w->applications().insert({"app2", "n", "client2", std::nullopt, std::nullopt, clock_.now()}));
    add_secret(*w, "s-current", "app1", "good-secret", secret_state::current, millis{86'400'000});
    add_secret(*w, "s-expired", "app1", "expired-secret", secret_state::old, millis{-1});
    add_secret(*w, "s-revoked", "app1", "revoked-secret", secret_state::revoked, millis{86'400'000});
    EXPECT_TRUE(w->refresh_tokens().insert({hasher_.hash("Atzr|app1"), "app1", clock_.now()}));
    EXPECT_TRUE(w->refresh_tokens().insert({hasher_.hash("Atzr|app2"), "app2", clock_.now()}));
    EXPECT_TRUE(w->commit());
  }

  void add_secret(unit_of_work& w, const std::string& id, const std::string& app, const std::string& plain,
                  secret_state state, millis expires_in) {
    secret_record s;
    s.id = id;
    s.application_id = app;
    s.hash = hasher_.hash(plain);
    s.fingerprint = "fp";
    s.state = state;
    s.created_at = clock_.now();
    s.expires_at = clock_.now() + expires_in;
    EXPECT_TRUE(w.secrets().insert(s));
  }

  static token_request client_credentials(std::string id, std::string secret) {
    return {"client_credentials", std::move(id), std::move(secret), std::string(rotation), std::nullopt};
  }

  // Answers as the HTTP endpoint does: memory first, storage when memory cannot tell.
  result<token_grant> issue(const token_request& r, std::string_view peer = "peer") {
    if (auto fast = service_.issue_from_cache(r, peer)) return *fast;
    return service_.issue_with_storage(store_, r, peer);
  }

  testing::temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
  testing::manual_clock clock_;
  key256 master_ = testing::filled_key(3);
  secret_hasher hasher_{master_};
  token_codec codec_{{{"k", master_}}, "k"};
  credential_cache cache_;
  failure_throttle throttle_{{3, 100, millis{60'000}}};
  usage_tracker usage_;
  authentication_failures failures_;
  token_service service_{cache_, hasher_, codec_, throttle_, clock_, secret_policy_config{}, usage_, failures_};
};

// A secret this node has not cached is checked against storage, then answered from memory.
TEST_F(TokenServiceTest, StorageOnMissThenMemory) {
  const auto r = client_credentials("client1", "good-secret");
  EXPECT_FALSE(service_.issue_from_cache(r, "peer").has_value());
  auto grant = service_.issue_with_storage(store_, r, "peer");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->expires_in, 3600);
  EXPECT_EQ(grant->scope, std::string(rotation));
  auto claims = codec_.verify(grant->access_token, clock_.now());
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->secret_id, "s-current");
  auto fast = service_.issue_from_cache(r, "peer");
  ASSERT_TRUE(fast.has_value());
  EXPECT_TRUE(*fast);
}

// Unknown client and wrong secret give the same invalid_client; revoked too.
TEST_F(TokenServiceTest, UnknownClientAndWrongSecretLookAlike) {
  EXPECT_EQ(issue(client_credentials("nobody", "good-secret")).error(), make_error_code(errc::invalid_client));
  EXPECT_EQ(issue(client_credentials("client1", "bad")).error(), make_error_code(errc::invalid_client));
  EXPECT_EQ(issue(client_credentials("client1", "revoked-secret")).error(), make_error_code(errc::invalid_client));
}

// A secret past its expiry still mints a token (SP-API behaviour).
TEST_F(TokenServiceTest, ExpiredSecretStillMints) {
  auto grant = issue(client_credentials("client1", "expired-secret"));
  ASSERT_TRUE(grant);
  EXPECT_EQ(codec_.verify(grant->access_token, clock_.now())->secret_id, "s-expired");
}

// Missing fields, a refresh grant with scope, unknown grants and scopes are refused as such.
TEST_F(TokenServiceTest, MalformedRequests) {
  auto no_secret = client_credentials("client1", "good-secret");
  no_secret.client_secret.reset();
  EXPECT_EQ(issue(no_secret).error(), make_error_code(errc::invalid_request));
  auto no_scope = client_credentials("client1", "good-secret");
  no_scope.scope.reset();
  EXPECT_EQ(issue(no_scope).error(), make_error_code(errc::invalid_request));
  EXPECT_EQ(issue({std::nullopt, "client1", "good-secret", std::nullopt, std::nullopt}).error(),
            make_error_code(errc::invalid_request));
  EXPECT_EQ(issue({"password", "client1", "good-secret", std::nullopt, std::nullopt}).error(),
            make_error_code(errc::unsupported_grant_type));
  EXPECT_EQ(issue({"refresh_token", "client1", "good-secret", "x", "Atzr|app1"}).error(),
            make_error_code(errc::invalid_request));
  auto bad_scope = client_credentials("client1", "good-secret");
  bad_scope.scope = "profile";
  EXPECT_EQ(issue(bad_scope).error(), make_error_code(errc::invalid_scope));
}

// The refresh grant mints an Atza token without scopes for the token's own application only.
TEST_F(TokenServiceTest, RefreshGrant) {
  auto grant = issue({"refresh_token", "client1", "good-secret", std::nullopt, "Atzr|app1"});
  ASSERT_TRUE(grant);
  EXPECT_TRUE(grant->access_token.starts_with("Atza|"));
  EXPECT_EQ(grant->refresh_token, "Atzr|app1");
  EXPECT_FALSE(grant->scope);
  EXPECT_TRUE(codec_.verify(grant->access_token, clock_.now())->scopes.empty());
  EXPECT_EQ(issue({"refresh_token", "client1", "good-secret", std::nullopt, "Atzr|app2"}).error(),
            make_error_code(errc::invalid_grant));
  EXPECT_EQ(issue({"refresh_token", "client1", "good-secret", std::nullopt, "Atzr|nope"}).error(),
            make_error_code(errc::invalid_grant));
}

// After the limit of failures from an address the client is throttled there even with the
// right secret, and only until the window ends; from another address the right secret is
// granted at once (issue #14 item 4: nobody can lock a client out by failing it).
TEST_F(TokenServiceTest, ThrottlesRepeatedFailures) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(issue(client_credentials("client1", "bad")).error(), make_error_code(errc::invalid_client));
  EXPECT_EQ(issue(client_credentials("client1", "good-secret")).error(), make_error_code(errc::slow_down));
  EXPECT_TRUE(issue(client_credentials("client1", "good-secret"), "another-peer"));
  EXPECT_TRUE(issue(client_credentials("client2", "x")).error() == make_error_code(errc::invalid_client));
  clock_.advance(millis{60'000});
  EXPECT_TRUE(issue(client_credentials("client1", "good-secret")));
}

// An application's token settings: JWTs, custom scopes it holds (and no others), the audience
// of custom-scope tokens, and never SP-API and custom scopes in one token.
TEST_F(TokenServiceTest, GrantsCustomScopesAsJwtsWithoutMixingThemWithSpApiScopes) {
  {
    auto w = *store_.begin();
    auto app = **w->applications().find("app2");
    app.tokens = {token_format::jwt, {"orders:read"}, "https://orders", 1};
    ASSERT_TRUE(w->applications().update_token_settings(app));
    add_secret(*w, "s2", "app2", "secret-2", secret_state::current, millis{86'400'000});
    ASSERT_TRUE(w->commit());
  }
  openssl_random random;
  jwt_key_ring ring{millis{3'600'000}};
  std::vector<jwt_key> keys;
  keys.push_back(make_jwt_key(testing::filled_key(6), random, clock_.now(), millis{0}).first);
  ring.add(std::move(keys));
  const jwt_codec jwt{ring, "https://rekey.example", random};
  token_service with_jwt{cache_, hasher_, codec_, throttle_, clock_, secret_policy_config{}, usage_, failures_, &jwt};
  const auto ask = [&](std::string scope) -> result<token_grant> {
    const token_request r{"client_credentials", "client2", "secret-2", std::move(scope), std::nullopt};
    if (auto fast = with_jwt.issue_from_cache(r, "peer")) return *fast;
    return with_jwt.issue_with_storage(store_, r, "peer");
  };
  const auto custom = ask("orders:read");
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->scope, "orders:read");
  EXPECT_EQ(jwt.verify(custom->access_token, clock_.now())->audience, "https://orders");
  const auto own = ask(std::string(rotation));
  ASSERT_TRUE(own);
  EXPECT_EQ(jwt.verify(own->access_token, clock_.now())->audience, "https://rekey.example");
  const auto invalid = make_error_code(errc::invalid_scope);
  EXPECT_EQ(ask("orders:read " + std::string(rotation)).error(), invalid);
  EXPECT_EQ(ask("orders:write").error(), invalid);
  // An opaque application is granted no custom scope.
  EXPECT_EQ(issue({"client_credentials", "client1", "good-secret", "orders:read", std::nullopt}).error(), invalid);
}

}  // namespace
}  // namespace rekey
