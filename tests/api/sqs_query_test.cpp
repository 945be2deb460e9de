#include "api/sqs_query.hpp"

#include <gtest/gtest.h>
#include <boost/json/array.hpp>

namespace rekey::api {
namespace {

namespace json = boost::json;

// The query protocol's parameters become the JSON 1.0 request of the same operation: scalars as
// strings, flattened lists as arrays and flattened maps as objects, in the order of their
// indexes whatever the order of the form; Version is dropped; '+' and %XX are decoded.
TEST(SqsQuery, ReadsParametersIntoTheJsonRequest) {
  const auto call = parse_sqs_query(
      "Action=CreateQueue&Version=2012-11-05&QueueName=q&Attribute.2.Name=DelaySeconds&Attribute.2.Value=5"
      "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30&Tag.1.Key=team&Tag.1.Value=a+b%26c");
  ASSERT_TRUE(call);
  EXPECT_EQ(call->action, "CreateQueue");
  EXPECT_EQ(call->request, (json::object{{"QueueName", "q"},
                                         {"Attributes", {{"VisibilityTimeout", "30"}, {"DelaySeconds", "5"}}},
                                         {"tags", {{"team", "a b&c"}}}}));
  const auto lists = parse_sqs_query(
      "Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F111122223333%2Fq&AttributeName.2=SentTimestamp"
      "&AttributeName.1=All&MessageSystemAttributeName.1=SenderId&MaxNumberOfMessages=10&AttributeName.x=ignored");
  ASSERT_TRUE(lists);
  EXPECT_EQ(lists->request, (json::object{{"QueueUrl", "http://h/111122223333/q"},
                                          {"MaxNumberOfMessages", "10"},
                                          {"AttributeNames", json::array{"All", "SentTimestamp"}},
                                          {"MessageSystemAttributeNames", json::array{"SenderId"}}}));
  const auto batch = parse_sqs_query(
      "Action=SendMessageBatch&QueueUrl=q&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2."
      "MessageBody=two"
      "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one"
      "&SendMessageBatchRequestEntry.1.DelaySeconds=5");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->request.at("Entries"),
            (json::array{json::object{{"Id", "a"}, {"MessageBody", "one"}, {"DelaySeconds", "5"}},
                         json::object{{"Id", "b"}, {"MessageBody", "two"}}}));
  EXPECT_EQ(parse_sqs_query("Action=DeleteMessageBatch&QueueUrl=q&Entries=")->request.at("Entries"), json::array{});
  EXPECT_EQ(parse_sqs_query("Version=2012-11-05&QueueName=q").error(), make_error_code(errc::sqs_invalid_action));
  EXPECT_EQ(parse_sqs_query("").error(), make_error_code(errc::sqs_invalid_action));
}

// Answers are SQS's XML: the namespace, a Result element for operations that have one,
// flattened lists and maps, the request id; operations without a result answer metadata only.
TEST(SqsQuery, RendersAnswersInSqsShapes) {
  EXPECT_EQ(render_sqs_query("ListQueues", {{"QueueUrls", json::array{"u1", "u2"}}}, "rid"),
            "<?xml version=\"1.0\"?><ListQueuesResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl></ListQueuesResult>"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ListQueuesResponse>");
  const json::object received{
      {"Messages", json::array{json::object{{"MessageId", "m"},
                                            {"Body", "a<b>&\r\n\"'"},
                                            {"Attributes", {{"SenderId", "AK"}, {"SentTimestamp", "1"}}}}}}};
  EXPECT_EQ(render_sqs_query("ReceiveMessage", received, "rid"),
            "<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ReceiveMessageResult><Message><MessageId>m</MessageId>"
            "<Body>a&lt;b&gt;&amp;&#xD;\n&quot;&apos;</Body>"
            "<Attribute><Name>SenderId</Name><Value>AK</Value></Attribute>"
            "<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute></Message></ReceiveMessageResult>"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>");
  EXPECT_EQ(render_sqs_query("ReceiveMessage", {}, "rid"),
            "<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ReceiveMessageResult></ReceiveMessageResult>"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>");
  EXPECT_EQ(
      render_sqs_query(
          "DeleteMessageBatch",
          {{"Successful", json::array{json::object{{"Id", "a"}}}},
           {"Failed", json::array{json::object{{"Id", "b"}, {"SenderFault", true}, {"Code", "C"}, {"Message", "M"}}}}},
          "rid"),
      "<?xml version=\"1.0\"?><DeleteMessageBatchResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
      "<DeleteMessageBatchResult><DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"
      "<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>C</Code><Message>M</Message>"
      "</BatchResultErrorEntry></DeleteMessageBatchResult>"
      "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteMessageBatchResponse>");
  EXPECT_EQ(render_sqs_query("DeleteMessage", {}, "rid"),
            "<?xml version=\"1.0\"?><DeleteMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteMessageResponse>");
}

}  // namespace
}  // namespace rekey::api

namespace rekey::api {
namespace {

// Message attributes, at the top and in batch entries, become JSON's MessageAttributes maps;
// TagQueue's tags its "Tags"; a presigned request's X-Amz-* parameters are no parameters.
TEST(SqsQuery, ReadsMessageAttributesTagsAndSignatures) {
  const auto sent = parse_sqs_query(
      "Action=SendMessage&QueueUrl=q&MessageBody=m&MessageAttribute.2.Name=n&MessageAttribute.2.Value.DataType=Number"
      "&MessageAttribute.2.Value.StringValue=4&MessageAttribute.1.Name=b&MessageAttribute.1.Value.DataType=Binary"
      "&MessageAttribute.1.Value.BinaryValue=AAH%2F&MessageSystemAttribute.1.Name=AWSTraceHeader"
      "&MessageSystemAttribute.1.Value.DataType=String&MessageSystemAttribute.1.Value.StringValue=Root%3D1"
      "&X-Amz-Signature=abc&X-Amz-Date=20261202T000000Z");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->request, (json::object{{"QueueUrl", "q"},
                                         {"MessageBody", "m"},
                                         {"MessageAttributes",
                                          {{"b", {{"DataType", "Binary"}, {"BinaryValue", "AAH/"}}},
                                           {"n", {{"DataType", "Number"}, {"StringValue", "4"}}}}},
                                         {"MessageSystemAttributes",
                                          {{"AWSTraceHeader", {{"DataType", "String"}, {"StringValue", "Root=1"}}}}}}));
  const auto batch = parse_sqs_query(
      "Action=SendMessageBatch&QueueUrl=q&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v"
      "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one");
  ASSERT_TRUE(batch);
  EXPECT_EQ(
      batch->request.at("Entries"),
      (json::array{json::object{{"Id", "a"},
                                {"MessageBody", "one"},
                                {"MessageAttributes", {{"k", {{"DataType", "String"}, {"StringValue", "v"}}}}}}}));
  EXPECT_EQ(parse_sqs_query("Action=TagQueue&QueueUrl=q&Tag.1.Key=team&Tag.1.Value=a")->request.at("Tags"),
            (json::object{{"team", "a"}}));
}

// Received message attributes, tags and dead-letter sources render in SQS's element names.
TEST(SqsQuery, RendersMessageAttributesTagsAndSources) {
  const json::object received{
      {"Messages",
       json::array{json::object{{"MessageId", "m"},
                                {"MessageAttributes", {{"k", {{"StringValue", "v"}, {"DataType", "String"}}}}}}}}};
  EXPECT_NE(render_sqs_query("ReceiveMessage", received, "r")
                .find("<MessageAttribute><Name>k</Name><Value><StringValue>v</StringValue>"
                      "<DataType>String</DataType></Value></MessageAttribute>"),
            std::string::npos);
  EXPECT_NE(render_sqs_query("ListQueueTags", {{"Tags", {{"team", "a"}}}}, "r")
                .find("<ListQueueTagsResult><Tag><Key>team</Key><Value>a</Value></Tag></ListQueueTagsResult>"),
            std::string::npos);
  EXPECT_NE(render_sqs_query("ListDeadLetterSourceQueues", {{"queueUrls", json::array{"u"}}}, "r")
                .find("<ListDeadLetterSourceQueuesResult><QueueUrl>u</QueueUrl></ListDeadLetterSourceQueuesResult>"),
            std::string::npos);
  EXPECT_EQ(render_sqs_query("TagQueue", {}, "r").find("Result"), std::string::npos);
}

}  // namespace
}  // namespace rekey::api
