#include "queue/queue_service.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

struct reference_case {
  std::string_view text;
  std::optional<std::string> key;  // "<account>/<name>", nullopt when malformed
};

// parse_queue_reference reads every form a destination may name its queue by.
TEST(ParseQueueReference, ReadsEveryForm) {
  const reference_case cases[] = {
      {"arn:aws:sqs:us-east-1:111122223333:jobs", "111122223333/jobs"},
      {"https://sqs.example:8443/111122223333/jobs", "111122223333/jobs"},
      {"http://localhost/111122223333/jobs", "111122223333/jobs"},
      {"111122223333/jobs", "111122223333/jobs"},
      {"jobs", "000000000000/jobs"},
      {"arn:aws:sqs:us-east-1:1234:jobs", std::nullopt},
      {"arn:aws:sqs:us-east-1", std::nullopt},
      {"http://localhost", std::nullopt},
      {"11112222333x/jobs", std::nullopt},
      {"111122223333/bad name", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_queue_reference(c.text);
    EXPECT_EQ(parsed ? std::optional<std::string>(parsed->key()) : std::nullopt, c.key) << c.text;
  }
}

// A QueueUrl names the caller's queue as a URL, as "/<account>/<name>" or by its bare name (the
// caller's account, as SQS reads it); another account's queue, or a malformed name, does not exist.
TEST(QueueAddressOf, ReadsAQueueUrlTheWaySqsDoes) {
  const sqs_caller caller{"111122223333", "AK"};
  const reference_case cases[] = {
      {"http://localhost:8080/111122223333/jobs", "111122223333/jobs"},
      {"/111122223333/jobs", "111122223333/jobs"},
      {"jobs", "111122223333/jobs"},
      {"http://localhost:8080/999988887777/jobs", std::nullopt},
      {"http://localhost:8080/jobs", std::nullopt},  // a URL must name the account
      {"bad name", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    const auto found = queue_service::address_of(c.text, caller);
    EXPECT_EQ(found ? std::optional<std::string>(found->key()) : std::nullopt, c.key) << c.text;
    if (!found) {
      EXPECT_EQ(found.error(), make_error_code(errc::sqs_queue_does_not_exist)) << c.text;
    }
  }
}

// Issue #14 item 10: a message body may hold only what SQS allows — tab, newline, carriage
// return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF — as well-formed UTF-8.
TEST(AllowedInMessage, AcceptsWhatSqsAcceptsAndNothingElse) {
  const std::pair<std::string_view, bool> cases[] = {
      {"plain text {\"json\": 1}", true},
      {"tab\tnewline\ncr\r", true},
      {"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91", true},  // é, €, U+1F511
      {"\xEE\x80\x80\xEF\xBF\xBD", true},                         // U+E000, U+FFFD
      {std::string_view("nul\0inside", 11), false},
      {"\x01", false},
      {"\x08", false},
      {"\x0B", false},
      {"\x1F", false},
      {"\xED\xA0\x80", false},  // U+D800, a surrogate
      {"\xEF\xBF\xBE", false},  // U+FFFE
      {"\xEF\xBF\xBF", false},  // U+FFFF
      {"\xC0\xAF", false},      // overlong '/'
      {"\xE2\x82", false},      // cut short
      {"\xFF", false},
      {"\xF4\x90\x80\x80", false},  // above U+10FFFF
  };
  for (const auto& [body, allowed] : cases) EXPECT_EQ(allowed_in_message(body), allowed) << body.size();
}

}  // namespace
}  // namespace rekey
