#include "app/cli_output.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rekey {
namespace {

// 2026-01-10T12:00:00Z, the `now` of every rendering here.
const time_point now = from_epoch_ms(1'768'046'400'000);
constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;

std::string wire(std::int64_t from_now_ms) {
  // The admin API's format, e.g. 2026-01-13T12:00:00.000Z.
  const auto t = now + millis{from_now_ms};
  const auto text = utc_time(t);  // "2026-01-13 12:00:00 UTC"
  return text.substr(0, 10) + "T" + text.substr(11, 8) + ".000Z";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The wire format parses, with or without a fraction; anything else is refused.
TEST(CliOutputTime, ParsesTheWireFormatOnly) {
  struct row {
    const char* text;
    std::optional<std::int64_t> epoch_ms;
  };
  const row rows[] = {
      {"2024-01-10T22:09:17.456Z", 1'704'924'557'456},
      {"2024-01-10T22:09:17Z", 1'704'924'557'000},
      {"2024-01-10T22:09:17.4Z", 1'704'924'557'400},
      {"2000-02-29T00:00:00.007Z", 951'782'400'007},
      {"2023-02-29T00:00:00.000Z", std::nullopt},  // no such day
      {"2024-01-10 22:09:17Z", std::nullopt},
      {"2024-01-10T22:09:17.456", std::nullopt},
      {"2024-01-10T24:00:00Z", std::nullopt},
      {"2024-01-10T22:09:17.Z", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& r : rows) {
    const auto parsed = parse_wire_time(r.text);
    ASSERT_EQ(parsed.has_value(), r.epoch_ms.has_value()) << r.text;
    if (parsed) {
      EXPECT_EQ(to_epoch_ms(*parsed), *r.epoch_ms) << r.text;
    }
  }
}

// Absolute times are UTC to the second.
TEST(CliOutputTime, WritesUtc) {
  EXPECT_EQ(utc_time(from_epoch_ms(1'704'924'557'456)), "2024-01-10 22:09:17 UTC");
  EXPECT_EQ(utc_time(from_epoch_ms(0)), "1970-01-01 00:00:00 UTC");
}

// Relative times take the nearest whole unit, in the future or the past.
TEST(CliOutputTime, SaysHowFarFromNow) {
  struct row {
    std::int64_t offset_ms;
    const char* words;
  };
  const row rows[] = {
      {0, "just now"},
      {-999, "just now"},
      {1'000, "in 1 second"},
      {-42'000, "42 seconds ago"},
      {90'000, "in 2 minutes"},
      {-45 * 60'000, "45 minutes ago"},
      {2 * hour_ms, "in 2 hours"},
      {-35 * hour_ms, "35 hours ago"},
      {3 * day_ms, "in 3 days"},
      {180 * day_ms - 5, "in 180 days"},
      {-12 * day_ms - hour_ms, "12 days ago"},
  };
  for (const auto& r : rows) EXPECT_EQ(relative_time(now + millis{r.offset_ms}, now), r.words) << r.offset_ms;
}

// app list: a row per application with its current secret's expiry in words and badge,
// enrollment and the health of its latest delivery.
TEST(CliOutputApplicationList, ShowsExpiryEnrollmentAndDeliveryHealth) {
  const std::string answer = R"({"applications":[
    {"applicationId":"amzn1.sp.solution.a","name":"fresh","clientId":"client-a","usagePlan":{},"expiry":"ok",
     "currentSecret":{"secretId":"s1","fingerprint":"f1","expiresAt":")" +
                             wire(180 * day_ms) + R"("},"enrolled":true,"destinationHealth":"ok"},
    {"applicationId":"amzn1.sp.solution.b","name":"soon","clientId":"client-b","usagePlan":{},"expiry":"warning",
     "currentSecret":{"secretId":"s2","fingerprint":"f2","expiresAt":")" +
                             wire(12 * day_ms) + R"("},"enrolled":false,"destinationHealth":"dead"},
    {"applicationId":"amzn1.sp.solution.c","name":"late","clientId":"client-c","usagePlan":{},"expiry":"expired",
     "currentSecret":{"secretId":"s3","fingerprint":"f3","expiresAt":")" +
                             wire(-3 * day_ms) + R"("},"enrolled":true,"destinationHealth":"retrying"},
    {"applicationId":"amzn1.sp.solution.d","name":"none","clientId":"client-d","usagePlan":{},"expiry":"none",
     "currentSecret":null,"enrolled":false,"destinationHealth":"none"}],
    "offset":0,"limit":50,"total":4})";
  const auto text = render_text(answer_kind::application_list, answer, now);
  EXPECT_TRUE(contains(text, "NAME")) << text;
  EXPECT_TRUE(contains(text, "CLIENT ID")) << text;
  EXPECT_TRUE(contains(text, "amzn1.sp.solution.a")) << text;
  EXPECT_TRUE(contains(text, "client-b")) << text;
  EXPECT_TRUE(contains(text, "expires in 180 days")) << text;
  EXPECT_TRUE(contains(text, "expires in 12 days (soon)")) << text;
  EXPECT_TRUE(contains(text, "EXPIRED 3 days ago")) << text;
  EXPECT_TRUE(contains(text, "no current secret")) << text;
  EXPECT_TRUE(contains(text, "DEAD")) << text;
  EXPECT_TRUE(contains(text, "retrying")) << text;
  EXPECT_TRUE(contains(text, "4 applications")) << text;
}

// A page that is not the whole list says which part it is and how to get the next.
TEST(CliOutputApplicationList, SaysWhichPageItIs) {
  const auto text =
      render_text(answer_kind::application_list,
                  R"({"applications":[{"name":"one","applicationId":"a1"}],"offset":0,"limit":1,"total":3})", now);
  EXPECT_TRUE(contains(text, "applications 1 to 1 of 3 (--offset 1 for more)")) << text;
  EXPECT_EQ(render_text(answer_kind::application_list, R"({"applications":[],"offset":0,"limit":50,"total":0})", now),
            "no applications\n");
}

const std::string shown_application = R"({"applicationId":"amzn1.sp.solution.a","name":"billing","clientId":"client-a",
  "createdAt":")" + wire(-10 * day_ms) +
                                      R"(","usagePlan":{},
  "secrets":[
    {"secretId":"new-id","fingerprint":"aaaa11112222","state":"current","expired":false,
     "createdAt":")" + wire(-2 * hour_ms) +
                                      R"(","expiresAt":")" + wire(180 * day_ms) + R"(","lastUsedAt":null,"useCount":0},
    {"secretId":"old-id","fingerprint":"bbbb33334444","state":"old","expired":false,
     "createdAt":")" + wire(-10 * day_ms) +
                                      R"(","expiresAt":")" + wire(3 * day_ms) + R"(","lastUsedAt":")" +
                                      wire(-3 * 60'000) +
                                      R"(","useCount":42},
    {"secretId":"gone-id","fingerprint":"cccc55556666","state":"retired","expired":false,
     "createdAt":")" + wire(-40 * day_ms) +
                                      R"(","expiresAt":")" + wire(-20 * day_ms) + R"(","lastUsedAt":null,"useCount":7}],
  "destinations":[{"destinationId":"dest-1","kind":"embedded","createdAt":")" +
                                      wire(-10 * day_ms) + R"(","config":{"account":"000000000000","queue":"q1"}}],
  "subscriptions":[{"subscriptionId":"sub-1","notificationType":"APPLICATION_OAUTH_CLIENT_NEW_SECRET",
                    "destinationId":"dest-1"}],
  "deliveries":[{"notificationId":"n-1","applicationId":"amzn1.sp.solution.a",
    "notificationType":"APPLICATION_OAUTH_CLIENT_NEW_SECRET","destinationId":"dest-1","state":"delivered",
    "attempts":1,"createdAt":")" + wire(-2 * hour_ms) +
                                      R"(","deliveredAt":")" + wire(-2 * hour_ms) + R"("}]})";

// app show: which secret is current, when each expires (absolute and relative), their last use
// and use count, whether the old one is still used since the rotation, and where secrets go.
TEST(CliOutputApplication, AnswersWhichSecretIsCurrentAndWhetherTheOldOneIsUsed) {
  const auto text = render_text(answer_kind::application, shown_application, now);
  EXPECT_TRUE(contains(text, "billing\n")) << text;
  EXPECT_TRUE(contains(text, "current secret aaaa11112222 (id new-id)")) << text;
  EXPECT_TRUE(contains(text, "old secret bbbb33334444 (id old-id), still accepted until it expires")) << text;
  EXPECT_TRUE(contains(text, "retired secret cccc55556666 (id gone-id), no longer accepted")) << text;
  EXPECT_TRUE(contains(text, utc_time(now + millis{180 * day_ms}) + " (in 180 days)")) << text;
  EXPECT_TRUE(contains(text, utc_time(now + millis{3 * day_ms}) + " (in 3 days)")) << text;
  EXPECT_TRUE(contains(text, "(2 hours ago)")) << text;
  EXPECT_TRUE(contains(text, "never (0 uses)")) << text;
  EXPECT_TRUE(contains(text, "(3 minutes ago), 42 uses")) << text;
  EXPECT_TRUE(contains(text, "STILL IN USE: used after the current secret was created")) << text;
  EXPECT_TRUE(contains(text, "yes: new secrets go to embedded queue 000000000000/q1 (destination dest-1)")) << text;
  EXPECT_TRUE(contains(text, "delivered")) << text;
}

// With no usage plan of its own, the application shows the default plan's values, marked.
TEST(CliOutputApplication, ShowsTheDefaultUsagePlanMarkedDefault) {
  const auto text = render_text(answer_kind::application, shown_application, now, rate_limit_config{0.0167, 1});
  EXPECT_TRUE(contains(text, "0.0167 calls/s, about 1 a minute (default); burst 1 (default)")) << text;
  EXPECT_TRUE(contains(text, "--rotate-rate")) << text;

  const auto own =
      render_text(answer_kind::usage_plan,
                  R"({"applicationId":"a","name":"n","usagePlan":{"rotateRate":5E-1,"rotateBurst":3}})", now);
  EXPECT_TRUE(contains(own, "0.5 calls/s, about 30 a minute; burst 3")) << own;
  EXPECT_FALSE(contains(own, "(default)")) << own;

  const auto half = render_text(answer_kind::usage_plan, R"({"name":"n","usagePlan":{"rotateBurst":2}})", now);
  EXPECT_TRUE(contains(half, "0.0167 calls/s, about 1 a minute (default); burst 2")) << half;
}

// An expired current secret says so, with how long ago.
TEST(CliOutputApplication, SaysAnExpiredSecretIsExpired) {
  const auto text = render_text(answer_kind::secret,
                                R"({"secretId":"s","fingerprint":"f","state":"current","expired":true,"createdAt":")" +
                                    wire(-190 * day_ms) + R"(","expiresAt":")" + wire(-10 * day_ms) +
                                    R"(","lastUsedAt":null,"useCount":0})",
                                now);
  EXPECT_TRUE(contains(text, "current secret f (id s), EXPIRED")) << text;
  EXPECT_TRUE(contains(text, "(EXPIRED 10 days ago)")) << text;
}

// Secrets printed once by creation calls are printed, labelled as shown once.
TEST(CliOutputCreated, PrintsOneTimeSecretsLabelled) {
  const auto app =
      render_text(answer_kind::created_application,
                  R"({"applicationId":"a","name":"n","clientId":"c","usagePlan":{},
      "clientSecret":"amzn1.oa2-cs.v1.abc","secret":{"secretId":"s","fingerprint":"f","state":"current",
      "expired":false,"createdAt":")" +
                      wire(0) + R"(","expiresAt":")" + wire(180 * day_ms) + R"(","lastUsedAt":null,"useCount":0}})",
                  now);
  EXPECT_TRUE(contains(app, "client secret (shown once)  amzn1.oa2-cs.v1.abc")) << app;
  EXPECT_TRUE(contains(app, "(in 180 days)")) << app;
  const auto key = render_text(answer_kind::access_key,
                               R"({"accessKeyId":"AK1","secretAccessKey":"sk1","account":"000000000000"})", now);
  EXPECT_TRUE(contains(key, "secret access key (shown once)  sk1")) << key;
  const auto refresh = render_text(answer_kind::refresh_token, R"({"applicationId":"a","refreshToken":"Atzr|x"})", now);
  EXPECT_TRUE(contains(refresh, "refresh token (shown once)  Atzr|x")) << refresh;
  const auto hook = render_text(answer_kind::destination,
                                R"({"destinationId":"d","kind":"webhook","createdAt":")" + wire(0) +
                                    R"(","config":{"url":"https://example.test/hook"},"signingSecret":"whsec_1"})",
                                now);
  EXPECT_TRUE(contains(hook, "signing secret (shown once)  whsec_1")) << hook;
  EXPECT_TRUE(contains(hook, "webhook https://example.test/hook")) << hook;
}

// app show and app create show the token settings (format, custom scopes, audience) when the
// answer carries them, and an older server's answer without them renders as before.
TEST(CliOutputApplication, ShowsTokenSettingsWhenTheAnswerHasThem) {
  const std::string settings =
      R"("tokenSettings":{"tokenFormat":"jwt","scopes":["orders:read","orders:write"],
      "audience":"https://orders.example.com"},)";
  const auto text = render_text(answer_kind::application, "{" + settings + shown_application.substr(1), now);
  EXPECT_TRUE(contains(text, "token format    JWT (RFC 9068 at+jwt, verifiable against /.well-known/jwks.json)"))
      << text;
  EXPECT_TRUE(contains(text, "scopes          orders:read orders:write\n")) << text;
  EXPECT_TRUE(contains(text, "audience        https://orders.example.com\n")) << text;
  EXPECT_TRUE(contains(text, "current secret aaaa11112222 (id new-id)")) << text;

  const auto older = render_text(answer_kind::application, shown_application, now);
  EXPECT_FALSE(contains(older, "token format")) << older;
  EXPECT_TRUE(contains(older, "application id  amzn1.sp.solution.a")) << older;

  const auto created = render_text(answer_kind::created_application,
                                   R"({"applicationId":"a","name":"n","clientId":"c","usagePlan":{},
      "clientSecret":"amzn1.oa2-cs.v1.abc",
      "tokenSettings":{"tokenFormat":"opaque","scopes":["orders:read"],"audience":null}})",
                                   now);
  EXPECT_TRUE(contains(created, "token format                opaque (Atc| tokens, checked by introspection)"))
      << created;
  EXPECT_TRUE(contains(created, "orders:read")) << created;
  EXPECT_TRUE(contains(created, "client secret (shown once)  amzn1.oa2-cs.v1.abc")) << created;
}

// app token-settings: the settings set, in words; no custom scopes and no audience say so.
TEST(CliOutputTokenSettings, ShowsFormatScopesAndAudience) {
  EXPECT_EQ(render_text(answer_kind::token_settings,
                        R"({"applicationId":"amzn1.sp.solution.a","tokenFormat":"jwt",
          "scopes":["orders:read","orders:write"],"audience":"https://orders.example.com"})",
                        now),
            "token settings set for amzn1.sp.solution.a\n"
            "  token format  JWT (RFC 9068 at+jwt, verifiable against /.well-known/jwks.json)\n"
            "  scopes        orders:read orders:write\n"
            "  audience      https://orders.example.com\n");
  const auto opaque =
      render_text(answer_kind::token_settings,
                  R"({"applicationId":"amzn1.sp.solution.a","tokenFormat":"opaque","scopes":[],"audience":null})", now);
  EXPECT_TRUE(contains(opaque, "token format  opaque (Atc| tokens, checked by introspection)\n")) << opaque;
  EXPECT_TRUE(contains(opaque, "scopes        none of its own (SP-API scopes only)\n")) << opaque;
  EXPECT_TRUE(contains(opaque, "audience      none\n")) << opaque;
  const auto jwt = render_text(answer_kind::token_settings,
                               R"({"applicationId":"a","tokenFormat":"jwt","scopes":[],"audience":null})", now);
  EXPECT_TRUE(contains(jwt, "audience      none: its JWTs carry the issuer as aud\n")) << jwt;
}

// resource-server create: the client secret, labelled as shown once, with the note that it cannot
// be shown again and how the resource server authenticates with it.
TEST(CliOutputResourceServer, PrintsItsSecretOnceWithTheNote) {
  const auto text = render_text(answer_kind::created_resource_server,
                                R"({"resourceServerId":"rs-1","name":"orders-api",
      "audience":"https://orders.example.com","createdAt":")" +
                                    wire(0) + R"(","revokedAt":null,"clientSecret":"rkrs.v1.abc"})",
                                now);
  EXPECT_EQ(text,
            "created resource server orders-api\n"
            "  resource server id          rs-1\n"
            "  client secret (shown once)  rkrs.v1.abc\n"
            "  audience                    https://orders.example.com\n"
            "  created                     " +
                utc_time(now) +
                " (just now)\n"
                "rekey keeps only a keyed hash of the client secret: store it now, it cannot be shown again\n"
                "it authenticates to POST /auth/o2/introspect as rs-1 with this secret (HTTP Basic, or the client_id "
                "and client_secret form fields)\n");
}

// resource-server show: its audience (or that it has none) and whether it still authenticates.
TEST(CliOutputResourceServer, ShowsAudienceAndWhetherItIsRevoked) {
  const auto active = render_text(answer_kind::resource_server,
                                  R"({"resourceServerId":"rs-1","name":"orders-api",
      "audience":"https://orders.example.com","createdAt":")" +
                                      wire(-3 * day_ms) + R"(","revokedAt":null})",
                                  now);
  EXPECT_EQ(active,
            "orders-api\n"
            "  resource server id  rs-1\n"
            "  audience            https://orders.example.com\n"
            "  created             " +
                utc_time(now - millis{3 * day_ms}) +
                " (3 days ago)\n"
                "  state               active: authenticates to POST /auth/o2/introspect\n");
  EXPECT_FALSE(contains(active, "secret")) << active;

  const auto revoked = render_text(answer_kind::resource_server,
                                   R"({"resourceServerId":"rs-2","name":"old-api","audience":null,"createdAt":")" +
                                       wire(-3 * day_ms) + R"(","revokedAt":")" + wire(-2 * hour_ms) + R"("})",
                                   now);
  EXPECT_TRUE(contains(revoked, "audience            none: it may introspect tokens of any audience\n")) << revoked;
  EXPECT_TRUE(contains(revoked, "state               REVOKED " + utc_time(now - millis{2 * hour_ms}) +
                                    " (2 hours ago): its credentials no longer authenticate\n"))
      << revoked;
}

// resource-server list: a row per resource server, "-" for no audience and not revoked.
TEST(CliOutputResourceServer, ListsThemAsATable) {
  const auto text = render_text(answer_kind::resource_server_list,
                                R"({"resourceServers":[
      {"resourceServerId":"rs-1","name":"orders-api","audience":"https://orders.example.com","createdAt":")" +
                                    wire(-3 * day_ms) + R"(","revokedAt":null},
      {"resourceServerId":"rs-2","name":"old","audience":null,"createdAt":")" +
                                    wire(-3 * day_ms) + R"(","revokedAt":")" + wire(-2 * hour_ms) + R"("}]})",
                                now);
  const auto created = utc_time(now - millis{3 * day_ms}) + " (3 days ago)";
  const auto revoked = utc_time(now - millis{2 * hour_ms}) + " (2 hours ago)";
  EXPECT_EQ(
      text,
      "RESOURCE SERVER ID  NAME        AUDIENCE                    CREATED                               REVOKED\n"
      "rs-1                orders-api  https://orders.example.com  " +
          created +
          "  -\n"
          "rs-2                old         -                           " +
          created + "  " + revoked +
          "\n"
          "2 resource servers\n");
  EXPECT_EQ(render_text(answer_kind::resource_server_list, R"({"resourceServers":[]})", now), "no resource servers\n");
}

// resource-server revoke: says it no longer authenticates, and since when.
TEST(CliOutputResourceServer, SaysARevokedOneNoLongerAuthenticates) {
  EXPECT_EQ(render_text(answer_kind::resource_server_revoked,
                        R"({"resourceServerId":"rs-1","name":"orders-api","audience":null,"createdAt":")" +
                            wire(-day_ms) + R"(","revokedAt":")" + wire(0) + R"("})",
                        now),
            "revoked resource server rs-1 (orders-api): its credentials no longer authenticate\n"
            "  revoked  " +
                utc_time(now) + " (just now)\n");
}

// jwt-key list: a row per signing key with its state in words, when it signs from and until when
// it stays published.
TEST(CliOutputJwtKeys, ListsKeysWithStateAndTimes) {
  const auto text = render_text(answer_kind::jwt_key_list,
                                R"({"keys":[
      {"kid":"k1","algorithm":"EdDSA","createdAt":")" +
                                    wire(-30 * day_ms) + R"(","signsFrom":")" + wire(-30 * day_ms) +
                                    R"(","state":"retiring","publishedUntil":")" + wire(2 * hour_ms) + R"("},
      {"kid":"k2","algorithm":"EdDSA","createdAt":")" +
                                    wire(-hour_ms) + R"(","signsFrom":")" + wire(-45 * 60'000) +
                                    R"(","state":"active","publishedUntil":null},
      {"kid":"k3","algorithm":"EdDSA","createdAt":")" +
                                    wire(0) + R"(","signsFrom":")" + wire(15 * 60'000) +
                                    R"(","state":"next","publishedUntil":null}]})",
                                now);
  EXPECT_TRUE(contains(text, "KID  STATE                                 SIGNS FROM")) << text;
  EXPECT_TRUE(contains(text, "PUBLISHED UNTIL\n")) << text;
  EXPECT_TRUE(contains(text, "k1   retiring: published, no longer signs  " + utc_time(now - millis{30 * day_ms}) +
                                 " (30 days ago)     " + utc_time(now + millis{2 * hour_ms}) + " (in 2 hours)\n"))
      << text;
  EXPECT_TRUE(contains(text, "k2   active: signs new tokens")) << text;
  EXPECT_TRUE(contains(text, "(45 minutes ago)")) << text;
  EXPECT_TRUE(contains(text, "k3   next: published, not signing yet")) << text;
  EXPECT_TRUE(contains(text, utc_time(now + millis{15 * 60'000}) + " (in 15 minutes)   until replaced\n")) << text;
  EXPECT_TRUE(contains(text, "3 signing keys\n")) << text;
  EXPECT_EQ(render_text(answer_kind::jwt_key_list, R"({"keys":[]})", now), "no signing keys\n");
}

// jwt-key rotate: the new key, when it starts to sign, and that the key it replaces stays published.
TEST(CliOutputJwtKeys, SaysWhenARotatedKeySigns) {
  const auto next = render_text(answer_kind::jwt_key,
                                R"({"kid":"k3","algorithm":"EdDSA","createdAt":")" + wire(0) + R"(","signsFrom":")" +
                                    wire(15 * 60'000) + R"(","state":"next","publishedUntil":null})",
                                now);
  EXPECT_EQ(next,
            "created signing key k3\n"
            "  algorithm   EdDSA\n"
            "  state       next: published, not signing yet\n"
            "  signs from  " +
                utc_time(now + millis{15 * 60'000}) +
                " (in 15 minutes)\n"
                "  created     " +
                utc_time(now) +
                " (just now)\n"
                "the active key signs until then; the key it replaces stays published until the last token it "
                "signed has expired\n");
  const auto at_once = render_text(answer_kind::jwt_key,
                                   R"({"kid":"k4","algorithm":"EdDSA","createdAt":")" + wire(0) + R"(","signsFrom":")" +
                                       wire(0) + R"(","state":"active","publishedUntil":null})",
                                   now);
  EXPECT_TRUE(contains(at_once, "state       active: signs new tokens\n")) << at_once;
  EXPECT_FALSE(contains(at_once, "until then")) << at_once;
  EXPECT_TRUE(contains(at_once, "the key it replaces stays published")) << at_once;
}

// delivery list: states in words, the next attempt or the delivery time, the last error.
TEST(CliOutputDeliveries, SaysEachStateInWords) {
  const auto text = render_text(answer_kind::delivery_list,
                                R"({"deliveries":[
      {"notificationId":"n1","applicationId":"a","notificationType":"APPLICATION_OAUTH_CLIENT_NEW_SECRET",
       "destinationId":"d","state":"pending","attempts":3,"createdAt":")" +
                                    wire(-hour_ms) + R"(","nextAttemptAt":")" + wire(30'000) +
                                    R"(","lastError":"queue does not exist"},
      {"notificationId":"n2","applicationId":"a","notificationType":"APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY",
       "destinationId":"d","state":"dead","attempts":12,"createdAt":")" +
                                    wire(-2 * day_ms) +
                                    R"(","lastError":"timeout"}],
      "offset":0,"limit":50,"total":2})",
                                now);
  EXPECT_TRUE(contains(text, "retrying")) << text;
  EXPECT_TRUE(contains(text, "next " + utc_time(now + millis{30'000}) + " (in 30 seconds)")) << text;
  EXPECT_TRUE(contains(text, "queue does not exist")) << text;
  EXPECT_TRUE(contains(text, "DEAD (gave up)")) << text;
  EXPECT_TRUE(contains(text, "expiry warning")) << text;
  EXPECT_TRUE(contains(text, "(2 days ago)")) << text;
  EXPECT_TRUE(contains(text, "2 deliveries")) << text;
}

// audit list: a row per entry with its time, and how to read on when there is more.
TEST(CliOutputAudit, ListsEntriesAndWhereToGoOn) {
  const auto text = render_text(answer_kind::audit_list, R"({"entries":[
      {"seq":7,"at":")" + wire(-5 * 60'000) + R"(","actor":"admin","action":"secret.revoked","applicationId":"a",
       "requestId":"r","fingerprint":"ffff","detail":"","hash":"00"}],"next":7})",
                                now);
  EXPECT_TRUE(contains(text, "secret.revoked")) << text;
  EXPECT_TRUE(contains(text, "(5 minutes ago)")) << text;
  EXPECT_TRUE(contains(text, "fingerprint ffff")) << text;
  EXPECT_TRUE(contains(text, "rekey audit list --after 7")) << text;
}

// An answer that carries the server's "now" is rendered relative to it, not to the caller's now.
TEST(CliOutput, ReckonsFromTheAnswersOwnNow) {
  const auto text =
      render_text(answer_kind::dev_clock,
                  R"({"now":")" + wire(90 * day_ms) + R"(","offsetMs":)" + std::to_string(90 * day_ms) + "}", now);
  EXPECT_TRUE(contains(text, "rekey's clock reads " + utc_time(now + millis{90 * day_ms}))) << text;
  EXPECT_TRUE(contains(text, "90 days ahead of the real time")) << text;
}

// User text cannot drive the terminal: control characters are not printed.
TEST(CliOutput, PrintsNoControlCharactersFromUserText) {
  const auto text = render_text(
      answer_kind::application_list,
      R"({"applications":[{"name":"evil\u001b[2J\u0007\u009b","applicationId":"a"}],"offset":0,"limit":50,"total":1})",
      now);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << text;
  EXPECT_TRUE(contains(text, "evil?[2J??")) << text;
}

// What is not the JSON expected is printed as it came; 204 prints its confirmation.
TEST(CliOutput, PrintsAnUnexpectedAnswerAsItIs) {
  EXPECT_EQ(render_text(answer_kind::application, "not json", now), "not json\n");
  EXPECT_EQ(render_text(answer_kind::unsubscribed, "", now), "subscription removed\n");
  EXPECT_EQ(render_text(answer_kind::delivery_list, "", now), "");
}

// A refused call reads the admin API's error list; other bodies are shown as they are.
TEST(CliOutputError, ReadsTheErrorList) {
  EXPECT_EQ(
      render_error(400, R"({"errors":[{"code":"InvalidInput","message":"Invalid input.","details":"bad queue"}]})"),
      "the server answered 400 InvalidInput: Invalid input. (bad queue)");
  EXPECT_EQ(render_error(502, R"({"destinationId":"d","delivered":false,"error":"refused"})"),
            "the server answered 502: refused");
  EXPECT_EQ(render_error(503, "busy"), "the server answered 503: busy");
}

// Times the answer carries decide whether the CLI asks the server for its clock.
TEST(CliOutput, KnowsWhichAnswersShowRelativeTimes) {
  EXPECT_TRUE(shows_relative_times(answer_kind::application));
  EXPECT_TRUE(shows_relative_times(answer_kind::audit_list));
  EXPECT_FALSE(shows_relative_times(answer_kind::system));
  EXPECT_FALSE(shows_relative_times(answer_kind::unsubscribed));
  EXPECT_FALSE(shows_relative_times(answer_kind::token_settings));
  EXPECT_TRUE(shows_relative_times(answer_kind::created_resource_server));
  EXPECT_TRUE(shows_relative_times(answer_kind::jwt_key_list));
}

}  // namespace
}  // namespace rekey
