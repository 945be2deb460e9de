#include "queue/message_attributes.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

const message_attributes sample{
    {"city", {"String", "Any City"}},
    {"population", {"Number", "1250800"}},
    {"blob", {"Binary", std::string("\x00\x01\xff", 3)}},
    {"kind", {"String.custom", "zebra"}},
};

// The digest SQS computes (and clients check): these values come from an independent
// implementation of SQS's documented encoding (Python's struct and hashlib), not from rekey.
TEST(MessageAttributes, DigestIsSqsOwn) {
  EXPECT_EQ(md5_of_attributes(sample), "3e124baa8648aca657514bc47ef9122d");
  EXPECT_EQ(md5_of_attributes({{"trace", {"String", "Root=1-5759e988-bd862e3fe1be46a994272793"}}}),
            "88c89c4e4bdb39ff683e18be83b8dd8f");
  EXPECT_EQ(md5_of_attributes({}), "");
}

TEST(MessageAttributes, SealedFormReadsBackWhatWasWritten) {
  const message_attribute_sets sets{sample, {{"AWSTraceHeader", {"String", "Root=1-a"}}}};
  const auto read = read_attributes(write_attributes(sets));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->user, sets.user);
  EXPECT_EQ(read->system, sets.system);
  const auto none = read_attributes(write_attributes({}));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->user.empty() && none->system.empty());
  EXPECT_FALSE(read_attributes("\x00\x00"));
  auto cut = write_attributes(sets);
  cut.pop_back();
  EXPECT_FALSE(read_attributes(cut));
}

TEST(MessageAttributes, ChecksWhatSqsChecks) {
  EXPECT_TRUE(check_message_attributes(sample));
  EXPECT_TRUE(check_message_attributes({{"a.b-c_d", {"Number.float", "-1.5e10"}}}));
  const message_attributes refused[] = {
      {{"AWS.x", {"String", "v"}}},
      {{"amazon.x", {"String", "v"}}},
      {{".x", {"String", "v"}}},
      {{"x.", {"String", "v"}}},
      {{"a..b", {"String", "v"}}},
      {{"a b", {"String", "v"}}},
      {{std::string(257, 'a'), {"String", "v"}}},
      {{"x", {"Text", "v"}}},
      {{"x", {"String.", "v"}}},
      {{"x", {"Stringy", "v"}}},
      {{"x", {"String", ""}}},
      {{"x", {"Number", "12a"}}},
      {{"x", {"Number", "."}}},
      {{"x", {"String", std::string("\x01", 1)}}},
  };
  for (const auto& r : refused) {
    EXPECT_EQ(check_message_attributes(r).error(), make_error_code(errc::sqs_invalid_message_attribute))
        << r.begin()->first << " " << r.begin()->second.data_type;
  }
  message_attributes eleven;
  for (int i = 0; i < 11; ++i) eleven.emplace("a" + std::to_string(i), message_attribute{"String", "v"});
  EXPECT_FALSE(check_message_attributes(eleven));
  EXPECT_TRUE(check_system_attributes({{"AWSTraceHeader", {"String", "Root=1"}}}));
  EXPECT_FALSE(check_system_attributes({{"AWSTraceHeader", {"Binary", "x"}}}));
  EXPECT_FALSE(check_system_attributes({{"Other", {"String", "x"}}}));
}

TEST(MessageAttributes, SelectsAllNamesAndPrefixes) {
  const message_attributes attrs{
      {"app.id", {"String", "1"}}, {"app.kind", {"String", "2"}}, {"other", {"String", "3"}}};
  EXPECT_EQ(select_attributes(attrs, {"All"}).size(), 3u);
  EXPECT_EQ(select_attributes(attrs, {".*"}).size(), 3u);
  EXPECT_EQ(select_attributes(attrs, {"app.*"}).size(), 2u);
  EXPECT_EQ(select_attributes(attrs, {"other"}).size(), 1u);
  EXPECT_TRUE(select_attributes(attrs, {}).empty());
  EXPECT_TRUE(select_attributes(attrs, {"ap.*"}).empty());
  EXPECT_EQ(size_of({{"ab", {"String", "xyz"}}}), 2u + 6u + 3u);
}

}  // namespace
}  // namespace rekey
