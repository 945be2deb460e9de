#include "rotation/new_secret_notification.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace rekey {
namespace {

// The notification has exactly the SPEC §5 envelope and payload, with camelCase keys.
TEST(NewSecretNotification, MatchesTheSpecEnvelope) {
  const new_secret_notification n{"amzn1.sp.solution.a",
                                  "amzn1.application-oa2-client.c",
                                  "amzn1.oa2-cs.v1.s",
                                  from_epoch_ms(1'720'476'557'198),
                                  from_epoch_ms(1'705'529'357'180),
                                  "sub-1",
                                  "note-1",
                                  from_epoch_ms(1'704'924'557'456),
                                  from_epoch_ms(1'704'924'558'706)};
  const auto v = boost::json::parse(to_json(n)).as_object();
  EXPECT_EQ(v.at("notificationVersion"), "1.0");
  EXPECT_EQ(v.at("notificationType"), "APPLICATION_OAUTH_CLIENT_NEW_SECRET");
  EXPECT_EQ(v.at("payloadVersion"), "2023-11-30");
  EXPECT_EQ(v.at("eventTime"), "2024-01-10T22:09:17.456Z");
  const auto& p = v.at("payload").at("applicationOAuthClientNewSecret").as_object();
  EXPECT_EQ(p.at("clientId"), "amzn1.application-oa2-client.c");
  EXPECT_EQ(p.at("newClientSecret"), "amzn1.oa2-cs.v1.s");
  EXPECT_EQ(p.at("newClientSecretExpiryTime"), "2024-07-08T22:09:17.198Z");
  EXPECT_EQ(p.at("oldClientSecretExpiryTime"), "2024-01-17T22:09:17.180Z");
  const auto& m = v.at("notificationMetadata").as_object();
  EXPECT_EQ(m.at("applicationId"), "amzn1.sp.solution.a");
  EXPECT_EQ(m.at("subscriptionId"), "sub-1");
  EXPECT_EQ(m.at("publishTime"), "2024-01-10T22:09:18.706Z");
  EXPECT_EQ(m.at("notificationId"), "note-1");
  EXPECT_EQ(v.size(), 6u);
}

}  // namespace
}  // namespace rekey
