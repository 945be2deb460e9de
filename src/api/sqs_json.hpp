// sqs_json: the AWS JSON 1.0 protocol of the embedded queue, as @aws-sdk/client-sqs speaks it
// (wire-notes.md): reads an operation's JSON request into a queue_service call and renders its
// answer as AWS's JSON response object. Parameters are read as SQS reads them (numbers as JSON
// numbers or numeric strings), in SQS's order of checks. Call on the storage thread (it calls
// queue_service). Errors: the sqs_* errcs, service_unavailable, internal.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

#include "queue/queue_service.hpp"

namespace rekey::api {

// base_url: scheme://host[:port] as the client reached us, to build QueueUrl values.
[[nodiscard]] result<boost::json::object> run_sqs_json(queue_service& queues, std::string_view operation,
                                                       const boost::json::object& request, const sqs_caller& caller,
                                                       std::string_view base_url);

// ReceiveMessage's WaitTimeSeconds as SQS reads it (a JSON number or a numeric string): nullopt
// when absent (the queue's ReceiveMessageWaitTimeSeconds then holds), 0 when invalid — the
// operation itself then refuses it.
std::optional<std::int64_t> sqs_json_wait_seconds(const boost::json::object& request);

// The queue a request's QueueUrl names (errc::sqs_missing_parameter without one).
[[nodiscard]] result<queue_address> sqs_json_queue(const boost::json::object& request, const sqs_caller& caller);

}  // namespace rekey::api
