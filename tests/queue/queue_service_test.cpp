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

}  // namespace
}  // namespace rekey
