// Fuzzes the embedded queue's AWS JSON 1.0 reader: Boost.JSON parsing of the body as
// sqs_endpoint does it (an object, else InvalidParameterValue), then api::run_sqs_json
// (src/api/sqs_json.hpp) — every operation's parameter readers (strings, numbers as JSON numbers
// or numeric strings, SQS's ranges), queue_service::address_of on QueueUrl, and the real
// queue_service over a real sqlite_store (sqlite_fixture: one database per process, each input
// rolled back).
//
// Input: up to 8 lines, each "<Operation> <JSON body>" as @aws-sdk/client-sqs would send
// them after "x-amz-target: AmazonSQS.", run in order on one database state. "$RH" in a body
// is replaced by the last ReceiptHandle a ReceiveMessage answered, so sequences reach
// DeleteMessage and ChangeMessageVisibility on real messages.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/sqs_json.hpp"
#include "http/message.hpp"
#include "sqlite_fixture.hpp"
#include "support/counting_random.hpp"
#include "support/manual_clock.hpp"

namespace {

namespace json = boost::json;

rekey::key256 at_rest_key() {
  rekey::key256 k{};
  k.fill(7);
  return k;
}

rekey::fuzz::sqlite_fixture& database() {
  static rekey::fuzz::sqlite_fixture fixture;
  return fixture;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& db = database();
  rekey::testing::manual_clock clock;
  rekey::testing::counting_random random;
  rekey::queue_service queues(db.storage(), clock, random, at_rest_key());
  const rekey::sqs_caller caller{std::string(rekey::default_account), "AKIAIOSFODNN7EXAMPLE"};
  const std::string base_url = "http://127.0.0.1:8080";

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string receipt_handle = "none";
  db.begin();
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    const auto newline = rest.find('\n');
    const auto line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    const auto space = line.find(' ');
    const std::string operation(line.substr(0, space));
    std::string body(space == std::string_view::npos ? std::string_view() : line.substr(space + 1));
    replace_all(body, "$RH", receipt_handle);

    json::object request;
    if (!rekey::http::is_blank(body)) {
      boost::system::error_code ec;
      auto parsed = json::parse(body, ec);
      if (ec || !parsed.is_object()) continue;  // InvalidParameterValue
      request = std::move(parsed.as_object());
    }
    auto answer = rekey::api::run_sqs_json(queues, operation, request, caller, base_url);
    if (!answer) continue;
    (void)json::serialize(*answer);
    if (const auto* messages = answer->if_contains("Messages"); messages && messages->is_array()) {
      for (const auto& m : messages->as_array()) {
        if (const auto* handle = m.as_object().if_contains("ReceiptHandle")) {
          receipt_handle = std::string(handle->as_string());
        }
      }
    }
  }
  db.undo();
  return 0;
}
