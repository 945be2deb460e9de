#include "api/sqs_json.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "crypto/hmac.hpp"
#include "crypto/openssl_random.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;

constexpr millis second{1000};
constexpr std::string_view base = "http://localhost:4566";
const std::string account = "111122223333";
const std::string url = "http://localhost:4566/111122223333/jobs";

// The AWS JSON 1.0 protocol over a queue service on a real SQLite store, called as the SQS
// endpoint calls it: operation name, request object, the authenticated caller.
class SqsJsonTest : public ::testing::Test {
 protected:
  result<json::object> call(std::string_view operation, const json::object& request,
                            const sqs_caller& caller = {account, "AKCALLER"}) {
    return run_sqs_json(queues_, operation, request, caller, base);
  }

  // Calls and expects success.
  json::object ok(std::string_view operation, const json::object& request) {
    auto out = call(operation, request);
    EXPECT_TRUE(out) << operation << ": " << out.error().message();
    return out ? *out : json::object{};
  }

  void create(const json::object& attributes = {}) {
    json::object request{{"QueueName", "jobs"}};
    if (!attributes.empty()) request["Attributes"] = attributes;
    ok("CreateQueue", request);
  }

  void send(std::string_view body, const json::object& extra = {}) {
    json::object request{{"QueueUrl", url}, {"MessageBody", body}};
    for (const auto& [k, v] : extra) request[k] = v;
    ok("SendMessage", request);
  }

  // ReceiveMessage's messages (empty when none).
  json::array receive(const json::object& extra = {}) {
    json::object request{{"QueueUrl", url}, {"MaxNumberOfMessages", 10}};
    for (const auto& [k, v] : extra) request[k] = v;
    const auto out = ok("ReceiveMessage", request);
    if (!out.contains("Messages")) return {};
    return out.at("Messages").as_array();
  }

  std::string attribute(std::string_view name) {
    const auto out = ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array{"All"}}});
    return std::string(out.at("Attributes").at(name).as_string());
  }

  testing::temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
  testing::manual_clock clock_;
  openssl_random random_;
  key256 at_rest_ = testing::filled_key(6);
  queue_service queues_{store_, clock_, random_, at_rest_};
};

// CreateQueue answers the queue's URL under the caller's account, and creating it again is
// idempotent (the same URL, still one queue) — with the same values for the attributes given,
// or none; other values are QueueAlreadyExists and change nothing.
TEST_F(SqsJsonTest, CreateQueueIsIdempotent) {
  EXPECT_EQ(ok("CreateQueue", {{"QueueName", "jobs"}, {"Attributes", {{"VisibilityTimeout", "45"}}}})
                .at("QueueUrl")
                .as_string(),
            url);
  EXPECT_EQ(ok("CreateQueue", {{"QueueName", "jobs"}}).at("QueueUrl").as_string(), url);
  EXPECT_EQ(ok("CreateQueue", {{"QueueName", "jobs"}, {"Attributes", {{"VisibilityTimeout", "45"}}}})
                .at("QueueUrl")
                .as_string(),
            url);
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "jobs"}, {"Attributes", {{"VisibilityTimeout", "46"}}}}).error(),
            make_error_code(errc::sqs_queue_already_exists));
  EXPECT_EQ(call("CreateQueue", {{"QueueName", "jobs"}, {"Attributes", {{"MessageRetentionPeriod", "60"}}}}).error(),
            make_error_code(errc::sqs_queue_already_exists));
  EXPECT_EQ(attribute("VisibilityTimeout"), "45");
  const auto listed = ok("ListQueues", {});
  EXPECT_EQ(listed.at("QueueUrls").as_array(), (json::array{url}));
}

// CreateQueue refuses, with SQS's codes, a missing or bad name, a FIFO queue (rekey serves
// standard queues only), attribute names SQS does not know or that are read-only, values out of
// range, and values SQS takes that rekey does not serve yet — rather than dropping them.
TEST_F(SqsJsonTest, CreateQueueChecksItsParameters) {
  struct bad_case {
    json::object request;
    errc expected;
  };
  const bad_case cases[] = {
      {{}, errc::sqs_missing_parameter},
      {{{"QueueName", ""}}, errc::sqs_invalid_queue_name},
      {{{"QueueName", "has space"}}, errc::sqs_invalid_queue_name},
      {{{"QueueName", std::string(81, 'a')}}, errc::sqs_invalid_queue_name},
      {{{"QueueName", "jobs.fifo"}}, errc::sqs_fifo_unsupported},
      {{{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "43201"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "-1"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", "ten"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"VisibilityTimeout", 10}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"MessageRetentionPeriod", "59"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"MessageRetentionPeriod", "1209601"}}}},
       errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"Colour", "blue"}}}}, errc::sqs_invalid_attribute_name},
      {{{"QueueName", "q"}, {"Attributes", {{"QueueArn", "arn"}}}}, errc::sqs_invalid_attribute_name},
      {{{"QueueName", "q"}, {"Attributes", {{"FifoQueue", "true"}}}}, errc::sqs_fifo_unsupported},
      {{{"QueueName", "q"}, {"Attributes", {{"FifoQueue", "yes"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"DelaySeconds", "901"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"DelaySeconds", "-1"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"MaximumMessageSize", "1023"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"MaximumMessageSize", "262145"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"ReceiveMessageWaitTimeSeconds", "21"}}}},
       errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"RedrivePolicy", "{}"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"},
        {"Attributes",
         {{"RedrivePolicy",
           R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111122223333:none","maxReceiveCount":3})"}}}},
       errc::sqs_invalid_attribute_value},  // no such dead-letter queue
      {{{"QueueName", "q"},
        {"Attributes",
         {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111122223333:q","maxReceiveCount":0})"}}}},
       errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"RedriveAllowPolicy", R"({"redrivePermission":"some"})"}}}},
       errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"Policy", "not json"}}}}, errc::sqs_invalid_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"KmsMasterKeyId", "alias/aws/sqs"}}}},
       errc::sqs_unsupported_attribute_value},
      {{{"QueueName", "q"}, {"Attributes", {{"SqsManagedSseEnabled", "false"}}}},
       errc::sqs_unsupported_attribute_value},
  };
  for (const auto& c : cases) {
    auto out = call("CreateQueue", c.request);
    ASSERT_FALSE(out) << json::serialize(c.request);
    EXPECT_EQ(out.error(), make_error_code(c.expected)) << json::serialize(c.request);
  }
  EXPECT_FALSE(ok("ListQueues", {}).contains("QueueUrls"));  // nothing was created
}

// GetQueueUrl finds the caller's queue; an unknown queue, or one named under another owner,
// does not exist.
TEST_F(SqsJsonTest, GetQueueUrlFindsOnlyTheCallersQueue) {
  create();
  EXPECT_EQ(ok("GetQueueUrl", {{"QueueName", "jobs"}}).at("QueueUrl").as_string(), url);
  EXPECT_EQ(call("GetQueueUrl", {{"QueueName", "nope"}}).error(), make_error_code(errc::sqs_queue_does_not_exist));
  EXPECT_EQ(call("GetQueueUrl", {{"QueueName", "jobs"}, {"QueueOwnerAWSAccountId", "999988887777"}}).error(),
            make_error_code(errc::sqs_queue_does_not_exist));
  EXPECT_EQ(call("GetQueueUrl", {}).error(), make_error_code(errc::sqs_missing_parameter));
}

// ListQueues lists the caller's account only, filtered by prefix.
TEST_F(SqsJsonTest, ListQueuesByAccountAndPrefix) {
  create();
  ok("CreateQueue", {{"QueueName", "mail"}});
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "jobs-other"}}, {"999988887777", "AKOTHER"}));
  EXPECT_EQ(ok("ListQueues", {}).at("QueueUrls").as_array().size(), 2u);
  EXPECT_EQ(ok("ListQueues", {{"QueueNamePrefix", "jo"}}).at("QueueUrls").as_array(), (json::array{url}));
  EXPECT_FALSE(ok("ListQueues", {{"QueueNamePrefix", "x"}}).contains("QueueUrls"));
}

// A sent message is received with its body, its MD5, a receipt handle and the system
// attributes asked for; its body is stored sealed, never in plaintext.
TEST_F(SqsJsonTest, SendThenReceive) {
  create();
  const auto sent = ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "hello queue"}});
  EXPECT_EQ(sent.at("MD5OfMessageBody").as_string(), md5_hex("hello queue"));
  const auto messages = receive({{"MessageSystemAttributeNames", json::array{"All"}}});
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0].as_object();
  EXPECT_EQ(m.at("MessageId"), sent.at("MessageId"));
  EXPECT_EQ(m.at("Body").as_string(), "hello queue");
  EXPECT_EQ(m.at("MD5OfBody").as_string(), md5_hex("hello queue"));
  EXPECT_TRUE(m.at("ReceiptHandle").as_string().starts_with("rh1."));
  const auto& attributes = m.at("Attributes").as_object();
  EXPECT_EQ(attributes.at("ApproximateReceiveCount").as_string(), "1");
  EXPECT_EQ(attributes.at("SenderId").as_string(), "AKCALLER");
  EXPECT_EQ(attributes.at("SentTimestamp").as_string(), std::to_string(to_epoch_ms(clock_.now())));

  auto w = *store_.begin();
  const auto stored = *w->queues().visible_messages(account, "jobs", clock_.now() + 3600 * second, 10);
  ASSERT_EQ(stored.size(), 1u);
  const std::string raw(stored[0].sealed_body.begin(), stored[0].sealed_body.end());
  EXPECT_EQ(raw.find("hello queue"), std::string::npos);
}

// Messages come out oldest first, at most MaxNumberOfMessages (default one) per receive.
TEST_F(SqsJsonTest, ReceiveTakesTheOldestUpToTheMaximum) {
  create();
  for (const char* body : {"1", "2", "3"}) {
    send(body);
    clock_.advance(second);
  }
  const auto one = ok("ReceiveMessage", {{"QueueUrl", url}});
  ASSERT_EQ(one.at("Messages").as_array().size(), 1u);
  EXPECT_EQ(one.at("Messages").as_array()[0].at("Body").as_string(), "1");
  const auto rest = receive({{"MaxNumberOfMessages", 2}});
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].at("Body").as_string(), "2");
  EXPECT_EQ(rest[1].at("Body").as_string(), "3");
}

// A received message is invisible for the queue's visibility timeout, then comes back with a
// higher receive count and a new receipt handle.
TEST_F(SqsJsonTest, AReceivedMessageIsHiddenForTheVisibilityTimeout) {
  create({{"VisibilityTimeout", "30"}});
  send("job");
  const auto first = receive({{"AttributeNames", json::array{"All"}}});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(attribute("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attribute("ApproximateNumberOfMessagesNotVisible"), "1");
  clock_.advance(30 * second - millis{1});
  EXPECT_TRUE(receive().empty());
  clock_.advance(millis{1});
  const auto again =
      receive({{"AttributeNames", json::array{"ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"}}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].at("Attributes").at("ApproximateReceiveCount").as_string(), "2");
  EXPECT_NE(again[0].at("ReceiptHandle"), first[0].at("ReceiptHandle"));
  EXPECT_EQ(again[0].at("Attributes").at("ApproximateFirstReceiveTimestamp"),
            first[0].at("Attributes").at("ApproximateFirstReceiveTimestamp"));
}

// ReceiveMessage's own VisibilityTimeout overrides the queue's; ChangeMessageVisibility moves a
// received message's reappearance (0: visible at once).
TEST_F(SqsJsonTest, VisibilityCanBeChosenPerReceiveAndChanged) {
  create({{"VisibilityTimeout", "30"}});
  send("job");
  const auto got = receive({{"VisibilityTimeout", 5}});
  ASSERT_EQ(got.size(), 1u);
  clock_.advance(5 * second);
  const auto back = receive();
  ASSERT_EQ(back.size(), 1u);
  const auto handle = back[0].at("ReceiptHandle");
  ok("ChangeMessageVisibility", {{"QueueUrl", url}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 0}});
  EXPECT_EQ(receive().size(), 1u);
}

// ChangeMessageVisibility refuses an unknown receipt handle and a missing timeout.
TEST_F(SqsJsonTest, ChangeVisibilityChecksItsParameters) {
  create();
  send("job");
  const auto handle = receive()[0].at("ReceiptHandle");
  EXPECT_EQ(
      call("ChangeMessageVisibility", {{"QueueUrl", url}, {"ReceiptHandle", "rh1.unknown"}, {"VisibilityTimeout", 0}})
          .error(),
      make_error_code(errc::sqs_receipt_handle_invalid));
  EXPECT_EQ(call("ChangeMessageVisibility", {{"QueueUrl", url}, {"ReceiptHandle", handle}}).error(),
            make_error_code(errc::sqs_missing_parameter));
  EXPECT_EQ(call("ChangeMessageVisibility", {{"QueueUrl", url}, {"VisibilityTimeout", 0}}).error(),
            make_error_code(errc::sqs_missing_parameter));
  EXPECT_EQ(
      call("ChangeMessageVisibility", {{"QueueUrl", url}, {"ReceiptHandle", handle}, {"VisibilityTimeout", 43'201}})
          .error(),
      make_error_code(errc::sqs_invalid_parameter));
}

// DeleteMessage with the latest receipt handle removes the message for good; deleting it again
// succeeds (as SQS does); a handle that is not one of ours is invalid.
TEST_F(SqsJsonTest, DeleteMessageByReceiptHandle) {
  create({{"VisibilityTimeout", "1"}});
  send("job");
  const auto handle = receive()[0].at("ReceiptHandle");
  ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", handle}});
  ok("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", handle}});
  clock_.advance(10 * second);
  EXPECT_TRUE(receive().empty());
  EXPECT_EQ(attribute("ApproximateNumberOfMessagesNotVisible"), "0");
  EXPECT_EQ(call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", "not-a-handle"}}).error(),
            make_error_code(errc::sqs_receipt_handle_invalid));
  EXPECT_EQ(call("DeleteMessage", {{"QueueUrl", url}}).error(), make_error_code(errc::sqs_missing_parameter));
}

// DelaySeconds hides a new message until the delay has passed.
TEST_F(SqsJsonTest, DelaySecondsHidesANewMessage) {
  create();
  send("later", {{"DelaySeconds", 10}});
  EXPECT_TRUE(receive().empty());
  clock_.advance(10 * second);
  EXPECT_EQ(receive().size(), 1u);
}

// SendMessage refuses a missing, empty or oversized body and a delay out of range.
TEST_F(SqsJsonTest, SendMessageChecksItsParameters) {
  create();
  struct bad_case {
    json::object request;
    errc expected;
  };
  const bad_case cases[] = {
      {{{"QueueUrl", url}}, errc::sqs_missing_parameter},
      {{{"QueueUrl", url}, {"MessageBody", ""}}, errc::sqs_invalid_parameter},
      {{{"QueueUrl", url}, {"MessageBody", std::string(256 * 1024 + 1, 'x')}}, errc::sqs_message_too_long},
      {{{"QueueUrl", url}, {"MessageBody", "x"}, {"DelaySeconds", 901}}, errc::sqs_invalid_parameter},
      {{{"MessageBody", "x"}}, errc::sqs_missing_parameter},
  };
  for (const auto& c : cases) {
    auto out = call("SendMessage", c.request);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error(), make_error_code(c.expected));
  }
  EXPECT_TRUE(
      ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", std::string(256 * 1024, 'x')}}).contains("MessageId"));
}

// ReceiveMessage checks its numbers: MaxNumberOfMessages 1–10, WaitTimeSeconds 0–20.
TEST_F(SqsJsonTest, ReceiveMessageChecksItsParameters) {
  create();
  for (const json::object& request : {json::object{{"QueueUrl", url}, {"MaxNumberOfMessages", 0}},
                                      json::object{{"QueueUrl", url}, {"MaxNumberOfMessages", 11}},
                                      json::object{{"QueueUrl", url}, {"WaitTimeSeconds", 21}},
                                      json::object{{"QueueUrl", url}, {"VisibilityTimeout", -1}}}) {
    EXPECT_EQ(call("ReceiveMessage", request).error(), make_error_code(errc::sqs_invalid_parameter))
        << json::serialize(request);
  }
}

// A message is gone once the queue's retention period has passed since it was sent.
TEST_F(SqsJsonTest, MessagesExpireAfterTheRetentionPeriod) {
  create({{"MessageRetentionPeriod", "60"}});
  send("short-lived");
  clock_.advance(60 * second - millis{1});
  const auto seen = receive({{"VisibilityTimeout", 0}});
  EXPECT_EQ(seen.size(), 1u);
  clock_.advance(millis{1});
  EXPECT_TRUE(receive().empty());
  EXPECT_EQ(attribute("ApproximateNumberOfMessages"), "0");
}

// PurgeQueue removes every message, visible or in flight; the queue stays.
TEST_F(SqsJsonTest, PurgeRemovesEveryMessage) {
  create();
  send("a");
  send("b");
  ASSERT_EQ(receive({{"MaxNumberOfMessages", 1}}).size(), 1u);
  ok("PurgeQueue", {{"QueueUrl", url}});
  EXPECT_EQ(attribute("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attribute("ApproximateNumberOfMessagesNotVisible"), "0");
  clock_.advance(3600 * second);
  EXPECT_TRUE(receive().empty());
}

// A received message carries no system attributes unless they are asked for, and only those
// asked for (AttributeNames and MessageSystemAttributeNames together); unknown names give nothing.
TEST_F(SqsJsonTest, ReceiveReturnsOnlyTheSystemAttributesAskedFor) {
  create({{"VisibilityTimeout", "0"}});
  send("a");
  EXPECT_FALSE(receive()[0].as_object().contains("Attributes"));
  const auto two = receive({{"AttributeNames", json::array{"SenderId"}},
                            {"MessageSystemAttributeNames", json::array{"SentTimestamp", "Colour"}}});
  EXPECT_EQ(two[0].at("Attributes").as_object(),
            (json::object{{"SenderId", "AKCALLER"}, {"SentTimestamp", std::to_string(to_epoch_ms(clock_.now()))}}));
}

// GetQueueAttributes reports the queue's settings and counts: nothing unless asked, all for
// "All", only the names asked for otherwise; a name SQS does not know is refused.
TEST_F(SqsJsonTest, GetQueueAttributes) {
  create({{"VisibilityTimeout", "45"}, {"MessageRetentionPeriod", "3600"}});
  send("a");
  send("b");
  ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "later"}, {"DelaySeconds", 10}});
  receive({{"MaxNumberOfMessages", 1}});
  EXPECT_EQ(ok("GetQueueAttributes", {{"QueueUrl", url}}), json::object{});
  EXPECT_EQ(
      call("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array{"QueueArn", "Colour"}}}).error(),
      make_error_code(errc::sqs_invalid_attribute_name));
  const auto all = ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array{"All"}}})
                       .at("Attributes")
                       .as_object();
  EXPECT_EQ(all.at("ApproximateNumberOfMessages").as_string(), "1");
  EXPECT_EQ(all.at("ApproximateNumberOfMessagesNotVisible").as_string(), "1");
  EXPECT_EQ(all.at("ApproximateNumberOfMessagesDelayed").as_string(), "1");
  EXPECT_EQ(all.at("MaximumMessageSize").as_string(), "262144");
  EXPECT_EQ(all.at("VisibilityTimeout").as_string(), "45");
  EXPECT_EQ(all.at("MessageRetentionPeriod").as_string(), "3600");
  EXPECT_EQ(all.at("QueueArn").as_string(), "arn:aws:sqs:us-east-1:111122223333:jobs");
  EXPECT_EQ(all.at("CreatedTimestamp").as_string(), std::to_string(to_epoch_ms(clock_.now()) / 1000));
  const auto some = ok("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", json::array{"VisibilityTimeout"}}});
  EXPECT_EQ(some.at("Attributes").as_object(), (json::object{{"VisibilityTimeout", "45"}}));
}

// DeleteQueue removes the queue (and its messages); then it does not exist, for every operation.
TEST_F(SqsJsonTest, DeleteQueue) {
  create();
  send("a");
  ok("DeleteQueue", {{"QueueUrl", url}});
  EXPECT_EQ(call("DeleteQueue", {{"QueueUrl", url}}).error(), make_error_code(errc::sqs_queue_does_not_exist));
  EXPECT_EQ(call("ReceiveMessage", {{"QueueUrl", url}}).error(), make_error_code(errc::sqs_queue_does_not_exist));
  EXPECT_EQ(call("SendMessage", {{"QueueUrl", url}, {"MessageBody", "x"}}).error(),
            make_error_code(errc::sqs_queue_does_not_exist));
  // The queue is checked before the receipt handle, as SQS does.
  EXPECT_EQ(call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", "forged"}}).error(),
            make_error_code(errc::sqs_queue_does_not_exist));
  EXPECT_EQ(call("ChangeMessageVisibility", {{"QueueUrl", url}, {"ReceiptHandle", "forged"}, {"VisibilityTimeout", 1}})
                .error(),
            make_error_code(errc::sqs_queue_does_not_exist));
  create();
  EXPECT_TRUE(receive().empty());  // a new queue of the same name starts empty
}

// Another account's queue looks exactly like a missing one, whatever the operation.
TEST_F(SqsJsonTest, AnotherAccountsQueueDoesNotExist) {
  create();
  send("private");
  const sqs_caller other{"999988887777", "AKOTHER"};
  for (const auto* op : {"SendMessage", "ReceiveMessage", "GetQueueAttributes", "PurgeQueue", "DeleteQueue"}) {
    auto out = call(op, {{"QueueUrl", url}, {"MessageBody", "x"}}, other);
    ASSERT_FALSE(out) << op;
    EXPECT_EQ(out.error(), make_error_code(errc::sqs_queue_does_not_exist)) << op;
  }
  EXPECT_EQ(receive().size(), 1u);  // untouched
}

// An operation the queue does not implement is an invalid action; no QueueUrl is a missing one.
// A batch runs entry by entry, each answered in Successful or Failed by its Id; what is wrong
// with the batch as a whole — no entries, more than ten, two entries with one Id, a bad Id,
// bodies over 256 KiB together, a missing queue — refuses it whole, and nothing is sent.
TEST_F(SqsJsonTest, BatchesAnswerEachEntryAndRefuseABadBatchWhole) {
  create();
  const auto sent =
      ok("SendMessageBatch", {{"QueueUrl", url},
                              {"Entries", json::array{json::object{{"Id", "a"}, {"MessageBody", "one"}},
                                                      json::object{{"Id", "b"}, {"MessageBody", ""}},
                                                      json::object{{"Id", "c"}, {"MessageBody", "two"}}}}});
  ASSERT_EQ(sent.at("Successful").as_array().size(), 2u);
  EXPECT_EQ(sent.at("Successful").as_array()[1].at("Id"), "c");
  EXPECT_EQ(sent.at("Successful").as_array()[1].at("MD5OfMessageBody").as_string(), md5_hex("two"));
  EXPECT_EQ(sent.at("Failed").as_array(),
            (json::array{json::object{{"Id", "b"},
                                      {"SenderFault", true},
                                      {"Code", "InvalidParameterValue"},
                                      {"Message", "A parameter of the request is invalid."}}}));
  const auto got = receive();
  ASSERT_EQ(got.size(), 2u);
  const auto deleted =
      ok("DeleteMessageBatch",
         {{"QueueUrl", url},
          {"Entries", json::array{json::object{{"Id", "x"}, {"ReceiptHandle", got[0].at("ReceiptHandle")}},
                                  json::object{{"Id", "y"}, {"ReceiptHandle", "forged"}}}}});
  EXPECT_EQ(deleted.at("Successful").as_array(), (json::array{json::object{{"Id", "x"}}}));
  EXPECT_EQ(deleted.at("Failed").as_array()[0].at("Code"), "ReceiptHandleIsInvalid");
  const auto changed = ok(
      "ChangeMessageVisibilityBatch",
      {{"QueueUrl", url},
       {"Entries",
        json::array{
            json::object{{"Id", "x"}, {"ReceiptHandle", got[1].at("ReceiptHandle")}, {"VisibilityTimeout", 0}},
            json::object{{"Id", "y"}, {"ReceiptHandle", got[1].at("ReceiptHandle")}, {"VisibilityTimeout", 43201}}}}});
  EXPECT_EQ(changed.at("Successful").as_array().size(), 1u);
  EXPECT_EQ(changed.at("Failed").as_array()[0].at("Id"), "y");
  EXPECT_EQ(receive().size(), 1u);  // visible again at once

  const auto entry = [](std::string id) { return json::object{{"Id", id}, {"MessageBody", "x"}}; };
  json::array eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(entry("e" + std::to_string(i)));
  struct bad_case {
    json::value entries;
    errc expected;
  };
  const bad_case cases[] = {
      {json::array{}, errc::sqs_empty_batch_request},
      {eleven, errc::sqs_too_many_entries_in_batch},
      {json::array{entry("same"), entry("same")}, errc::sqs_batch_entry_ids_not_distinct},
      {json::array{entry("not valid!")}, errc::sqs_invalid_batch_entry_id},
      {json::array{json::object{{"Id", "a"}, {"MessageBody", std::string(200 * 1024, 'x')}},
                   json::object{{"Id", "b"}, {"MessageBody", std::string(100 * 1024, 'x')}}},
       errc::sqs_batch_request_too_long},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(call("SendMessageBatch", {{"QueueUrl", url}, {"Entries", c.entries}}).error(),
              make_error_code(c.expected))
        << json::serialize(c.entries);
  }
  EXPECT_EQ(call("SendMessageBatch", {{"QueueUrl", url}}).error(), make_error_code(errc::sqs_empty_batch_request));
  EXPECT_EQ(call("SendMessageBatch", {{"QueueUrl", url + "-gone"}, {"Entries", json::array{entry("a")}}}).error(),
            make_error_code(errc::sqs_queue_does_not_exist));
  EXPECT_EQ(attribute("ApproximateNumberOfMessages"), "0");            // none of them sent anything: the one
  EXPECT_EQ(attribute("ApproximateNumberOfMessagesNotVisible"), "1");  // left is the one received above
}

TEST_F(SqsJsonTest, UnknownOperationAndMissingQueueUrl) {
  EXPECT_EQ(call("AddPermission", {}).error(), make_error_code(errc::sqs_invalid_action));
  EXPECT_EQ(call("SendMessage", {{"MessageBody", "x"}}).error(), make_error_code(errc::sqs_missing_parameter));
  create();  // "jobs" exists: a URL naming no account still names no queue
  EXPECT_EQ(call("PurgeQueue", {{"QueueUrl", "http://localhost:4566/jobs"}}).error(),
            make_error_code(errc::sqs_queue_does_not_exist));
}

}  // namespace
}  // namespace rekey::api

namespace rekey::api {
namespace {

// SetQueueAttributes changes what it names and LastModifiedTimestamp, and nothing when it refuses.
TEST_F(SqsJsonTest, SetQueueAttributesChangesTheQueue) {
  create();
  const auto created = attribute("CreatedTimestamp");
  clock_.advance(2 * second);
  ok("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"DelaySeconds", "4"}, {"VisibilityTimeout", "9"}}}});
  EXPECT_EQ(attribute("DelaySeconds"), "4");
  EXPECT_EQ(attribute("VisibilityTimeout"), "9");
  EXPECT_EQ(std::stoll(attribute("LastModifiedTimestamp")), std::stoll(created) + 2);
  EXPECT_EQ(
      call("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"DelaySeconds", "4"}, {"Colour", "x"}}}}).error(),
      make_error_code(errc::sqs_invalid_attribute_name));
  EXPECT_EQ(call("SetQueueAttributes",
                 {{"QueueUrl", url}, {"Attributes", {{"VisibilityTimeout", "1"}, {"DelaySeconds", "901"}}}})
                .error(),
            make_error_code(errc::sqs_invalid_attribute_value));
  EXPECT_EQ(attribute("VisibilityTimeout"), "9");
  EXPECT_EQ(call("SetQueueAttributes", {{"QueueUrl", url}}).error(), make_error_code(errc::sqs_missing_parameter));
  // The queue's delay holds for a message without its own.
  send("delayed");
  EXPECT_TRUE(receive().empty());
  clock_.advance(4 * second);
  EXPECT_EQ(receive().size(), 1u);
}

// A message received maxReceiveCount times moves to the dead-letter queue on the next receive.
TEST_F(SqsJsonTest, RedrivesToTheDeadLetterQueue) {
  ok("CreateQueue", {{"QueueName", "dead"}});
  const std::string dead_url = std::string(base) + "/" + account + "/dead";
  create({{"VisibilityTimeout", "0"},
          {"RedrivePolicy",
           R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111122223333:dead","maxReceiveCount":"2"})"}});
  EXPECT_EQ(attribute("RedrivePolicy"),
            R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111122223333:dead","maxReceiveCount":2})");
  send("poison");
  send("fine");
  EXPECT_EQ(receive().size(), 2u);
  EXPECT_EQ(receive().size(), 2u);
  EXPECT_TRUE(receive().empty());  // both moved
  const auto dead = ok("ReceiveMessage", {{"QueueUrl", dead_url}, {"MaxNumberOfMessages", 10}});
  EXPECT_EQ(dead.at("Messages").as_array().size(), 2u);
  const auto sources = ok("ListDeadLetterSourceQueues", {{"QueueUrl", dead_url}});
  EXPECT_EQ(sources.at("queueUrls").as_array(), (json::array{url}));
  // Another account's queue, or the queue itself, cannot be the target.
  EXPECT_EQ(call("SetQueueAttributes",
                 {{"QueueUrl", url},
                  {"Attributes",
                   {{"RedrivePolicy",
                     R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111122223333:jobs","maxReceiveCount":2})"}}}})
                .error(),
            make_error_code(errc::sqs_invalid_attribute_value));
}

// Message attributes are checked, sealed with the body, and answered with SQS's digest.
TEST_F(SqsJsonTest, MessageAttributesRoundTrip) {
  create();
  const json::object attributes{{"b", {{"DataType", "Binary"}, {"BinaryValue", "AAH/"}}},
                                {"n", {{"DataType", "Number"}, {"StringValue", "42"}}}};
  const auto sent = ok("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}, {"MessageAttributes", attributes}});
  const auto digest = std::string(sent.at("MD5OfMessageAttributes").as_string());
  EXPECT_EQ(digest.size(), 32u);
  const auto got = receive({{"MessageAttributeNames", json::array{"All"}}, {"VisibilityTimeout", 0}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].at("MessageAttributes"), attributes);
  EXPECT_EQ(got[0].at("MD5OfMessageAttributes").as_string(), digest);
  EXPECT_FALSE(receive()[0].as_object().contains("MessageAttributes"));  // none unless asked
  for (const auto& bad : {json::object{{"x", {{"StringValue", "no type"}}}},
                          json::object{{"x", {{"DataType", "Binary"}, {"BinaryValue", "not base64!"}}}},
                          json::object{{"x", {{"DataType", "String"}}}}, json::object{{"x", "flat"}}}) {
    EXPECT_EQ(call("SendMessage", {{"QueueUrl", url}, {"MessageBody", "m"}, {"MessageAttributes", bad}}).error(),
              make_error_code(errc::sqs_invalid_message_attribute))
        << json::serialize(bad);
  }
  EXPECT_EQ(attribute("ApproximateNumberOfMessages"), "0");            // the refusals sent nothing
  EXPECT_EQ(attribute("ApproximateNumberOfMessagesNotVisible"), "1");  // the one sent, received
}

// Tags: set, replaced by key, removed, listed; the queue must exist.
TEST_F(SqsJsonTest, TagsQueues) {
  ok("CreateQueue", {{"QueueName", "jobs"}, {"tags", {{"team", "a"}}}});
  ok("TagQueue", {{"QueueUrl", url}, {"Tags", {{"team", "b"}, {"env", "ci"}}}});
  EXPECT_EQ(ok("ListQueueTags", {{"QueueUrl", url}}).at("Tags"), (json::object{{"env", "ci"}, {"team", "b"}}));
  ok("UntagQueue", {{"QueueUrl", url}, {"TagKeys", json::array{"team", "absent"}}});
  EXPECT_EQ(ok("ListQueueTags", {{"QueueUrl", url}}).at("Tags"), (json::object{{"env", "ci"}}));
  EXPECT_EQ(call("TagQueue", {{"QueueUrl", url}, {"Tags", {{"", "empty key"}}}}).error(),
            make_error_code(errc::sqs_invalid_parameter));
  json::object many;
  for (int i = 0; i < 50; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(call("TagQueue", {{"QueueUrl", url}, {"Tags", many}}).error(),
            make_error_code(errc::sqs_invalid_parameter));  // 51 with env
  EXPECT_EQ(ok("ListQueueTags", {{"QueueUrl", url}}).at("Tags").as_object().size(), 1u);
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url + "x"}}).error(), make_error_code(errc::sqs_queue_does_not_exist));
}

}  // namespace
}  // namespace rekey::api

namespace rekey::api {
namespace {

// ListQueues pages by MaxResults with a NextToken while more follow, and the pages together
// are the whole list once each; a token it never gave is refused.
TEST_F(SqsJsonTest, ListQueuesPages) {
  for (const char* name : {"a1", "a2", "a3", "a4", "a5"}) ok("CreateQueue", {{"QueueName", name}});
  std::vector<std::string> seen;
  json::object request{{"MaxResults", 2}};
  for (int page = 0; page < 5; ++page) {
    const auto out = ok("ListQueues", request);
    for (const auto& u : out.at("QueueUrls").as_array()) seen.emplace_back(u.as_string());
    if (!out.contains("NextToken")) break;
    request["NextToken"] = out.at("NextToken");
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen.back(), std::string(base) + "/" + account + "/a5");
  EXPECT_FALSE(ok("ListQueues", {}).contains("NextToken"));  // no MaxResults: no token
  EXPECT_EQ(ok("ListQueues", {}).at("QueueUrls").as_array().size(), 5u);
  EXPECT_EQ(call("ListQueues", {{"MaxResults", 0}}).error(), make_error_code(errc::sqs_invalid_parameter));
  EXPECT_EQ(call("ListQueues", {{"MaxResults", 1001}}).error(), make_error_code(errc::sqs_invalid_parameter));
  EXPECT_EQ(call("ListQueues", {{"MaxResults", 2}, {"NextToken", "not*a*token"}}).error(),
            make_error_code(errc::sqs_invalid_parameter));
}

}  // namespace
}  // namespace rekey::api
