// sqs_query: the query protocol of the embedded queue (Action=…&Version=2012-11-05 as a form body
// or a query string, XML answers), as Debian's awscli 2.9, boto3 before 1.34.90, the Node aws-sdk
// v2 before 2.1491.0 and the Java SDK v1 speak it (their service model: protocol "query",
// xmlNamespace http://queue.amazonaws.com/doc/2012-11-05/).
//
// Hand-written: no library here reads AWS's query serialisation or writes its XML shapes. It
// only translates — the parameters into the JSON 1.0 request of the same operation, which
// sqs_json reads and checks as it reads any request, and that operation's JSON answer into the
// XML SQS answers — so that both protocols run the same code and give the same results.
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "core/errc.hpp"

namespace rekey::api {

struct sqs_query_call {
  std::string action;           // the operation, e.g. "SendMessage"
  boost::json::object request;  // its parameters as the JSON 1.0 protocol carries them
};

// Reads application/x-www-form-urlencoded parameters ('+' is a space): flattened lists
// (AttributeName.1, MessageSystemAttributeName.1, MessageAttributeName.1 …) become arrays,
// flattened maps (Attribute.1.Name / Attribute.1.Value, Tag.1.Key / Tag.1.Value) objects, a
// batch's entries (SendMessageBatchRequestEntry.1.Id …) "Entries" objects, all in the order of
// their indexes; other parameters stay strings (sqs_json reads numbers from
// strings). errc::sqs_invalid_action without an Action.
[[nodiscard]] result<sqs_query_call> parse_sqs_query(std::string_view form);

// The XML answer of `action`: <ActionResponse xmlns=…>[<ActionResult>…</ActionResult>]
// <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>.
std::string render_sqs_query(std::string_view action, const boost::json::object& answer, std::string_view request_id);

// Text for XML character data: & < > " ' escaped, and carriage returns as &#xD; so that an XML
// parser's line-end normalisation does not change a message body (and its MD5).
std::string xml_escape(std::string_view text);

}  // namespace rekey::api
