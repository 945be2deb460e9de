#include "core/amazon_hosts.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace rekey {
namespace {

TEST(AmazonHosts, NamesLwaTheSpApiRegionsTheirSandboxesAndSqs) {
  const auto& names = amazon_host_names();
  for (const char* name :
       {"api.amazon.com", "sellingpartnerapi-na.amazon.com", "sellingpartnerapi-eu.amazon.com",
        "sellingpartnerapi-fe.amazon.com", "sandbox.sellingpartnerapi-na.amazon.com",
        "sandbox.sellingpartnerapi-eu.amazon.com", "sandbox.sellingpartnerapi-fe.amazon.com",
        "sqs.us-east-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com", "sqs.ap-northeast-1.amazonaws.com"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  EXPECT_EQ(names.front(), "api.amazon.com");
}

TEST(AmazonHosts, MatchesCaseInsensitivelyAndNothingElse) {
  EXPECT_TRUE(is_amazon_host("api.amazon.com"));
  EXPECT_TRUE(is_amazon_host("API.Amazon.COM"));
  EXPECT_TRUE(is_amazon_host("sqs.us-east-1.amazonaws.com."));
  for (const char* other :
       {"", "amazon.com", "www.amazon.com", "example.com", "api.amazon.com.evil.example", "evilapi.amazon.com",
        "127.0.0.1", "localhost", "sqs.us-east-1.amazonaws.com..", "api.amazon.com:443"})
    EXPECT_FALSE(is_amazon_host(other)) << other;
}

TEST(AmazonHosts, KnowsTheSandboxHostsWithOrWithoutAPort) {
  EXPECT_TRUE(is_sandbox_host("sandbox.sellingpartnerapi-na.amazon.com"));
  EXPECT_TRUE(is_sandbox_host("sandbox.sellingpartnerapi-fe.amazon.com:443"));
  EXPECT_TRUE(is_sandbox_host("SANDBOX.sellingpartnerapi-eu.amazon.com"));
  EXPECT_FALSE(is_sandbox_host("sellingpartnerapi-na.amazon.com"));
  EXPECT_FALSE(is_sandbox_host("sandbox.example.com"));
  EXPECT_FALSE(is_sandbox_host("127.0.0.1:8080"));
  EXPECT_FALSE(is_sandbox_host(""));
}

}  // namespace
}  // namespace rekey
