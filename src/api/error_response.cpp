#include "api/error_response.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <string>

#include "api/sqs_query.hpp"
#include "queue/queue_service.hpp"

namespace rekey::api {
namespace {

constexpr std::string_view denied = "Access to requested resource is denied.";
constexpr std::string_view json_type = "application/json";
constexpr std::string_view lwa_json_type = "application/json;charset=UTF-8";

}  // namespace

error_list_entry describe_for_error_list(errc e) {
  switch (e) {
    case errc::payload_too_large:
      return {status::payload_too_large, "InvalidRequest", "The request size exceeded the maximum accepted size.", ""};
    case errc::unsupported_format:
      return {status::unsupported_media_type, "InvalidRequest", "The request payload is in an unsupported format.", ""};
    case errc::access_token_missing:
      return {status::forbidden, "Unauthorized", denied, "Access token is missing in the request header."};
    case errc::access_token_invalid:
      return {status::forbidden, "Unauthorized", denied,
              "The access token you provided is revoked, malformed or invalid."};
    case errc::access_token_expired:
      return {status::forbidden, "Unauthorized", denied, "The access token you provided has expired."};
    case errc::client_secret_expired:
      return {status::forbidden, "Unauthorized", denied, "The LWA secret token you provided has expired."};
    case errc::scope_not_granted:
      return {status::forbidden, "Unauthorized", denied, ""};
    case errc::quota_exceeded:
      return {status::too_many_requests, "QuotaExceeded", "You exceeded your quota for the requested resource.", ""};
    case errc::not_enrolled:
      return {status::bad_request, "InvalidInput",
              "Application is not enrolled for rotation notification. Please update application notification "
              "preference in Developer console.",
              ""};
    case errc::not_found:
    case errc::sqs_queue_does_not_exist:
    case errc::sqs_invalid_action:
      return {status::not_found, "NotFound", "The requested resource doesn't exist.", ""};
    case errc::sqs_missing_authentication:
    case errc::sqs_invalid_client_token_id:
    case errc::sqs_signature_does_not_match:
      return {status::forbidden, "Unauthorized", denied, ""};
    case errc::sqs_receipt_handle_invalid:
    case errc::sqs_invalid_parameter:
    case errc::sqs_invalid_message_contents:
    case errc::sqs_invalid_attribute_name:
    case errc::sqs_invalid_attribute_value:
    case errc::sqs_unsupported_attribute_value:
    case errc::sqs_invalid_queue_name:
    case errc::sqs_queue_already_exists:
    case errc::sqs_message_too_long:
    case errc::sqs_fifo_unsupported:
    case errc::sqs_empty_batch_request:
    case errc::sqs_too_many_entries_in_batch:
    case errc::sqs_batch_entry_ids_not_distinct:
    case errc::sqs_invalid_batch_entry_id:
    case errc::sqs_batch_request_too_long:
    case errc::sqs_invalid_message_attribute:
    case errc::sqs_missing_parameter:
      return {status::bad_request, "InvalidInput", "The request has an invalid or missing field.", ""};
    case errc::admin_unauthorized:
      return {status::unauthorized, "Unauthorized", denied, "The admin token is missing or invalid."};
    case errc::access_denied:
      return {status::forbidden, "AccessDenied", denied,
              "A console request must carry its X-CSRF-Token and come from the console's own origin."};
    case errc::malformed_request:
      return {status::bad_request, "InvalidInput", "The request is malformed.", ""};
    case errc::invalid_input:
    case errc::invalid_request:
    case errc::invalid_scope:
    case errc::invalid_grant:
    case errc::unsupported_grant_type:
      return {status::bad_request, "InvalidInput", "The request has an invalid or missing field.", ""};
    case errc::invalid_client:
      return {status::unauthorized, "Unauthorized", denied, "Client authentication failed"};
    case errc::slow_down:
      return {status::too_many_requests, "QuotaExceeded", "You exceeded your quota for the requested resource.", ""};
    case errc::conflict:
      return {status::conflict, "Conflict", "The request conflicts with the current state of the resource.", ""};
    case errc::service_unavailable:
      return {status::service_unavailable, "ServiceUnavailable",
              "Service is temporarily unavailable. Please try again.", ""};
    case errc::internal:
      break;
  }
  return {status::internal_server_error, "InternalFailure", "We encountered an internal error. Please try again.", ""};
}

lwa_error_entry describe_for_lwa(errc e) {
  switch (e) {
    case errc::invalid_client:
      return {status::unauthorized, "invalid_client", "Client authentication failed"};
    case errc::invalid_grant:
      return {status::bad_request, "invalid_grant", "The request has an invalid grant parameter : refresh_token"};
    case errc::invalid_scope:
      return {status::bad_request, "invalid_scope", "An unknown scope was requested"};
    case errc::unsupported_grant_type:
      return {status::bad_request, "unsupported_grant_type", "The authorization grant type is not supported"};
    case errc::slow_down:
      return {status::too_many_requests, "slow_down", "Too many failed authentication attempts; try again later"};
    case errc::payload_too_large:
      return {status::payload_too_large, "invalid_request", "The request is too large"};
    case errc::not_found:
      return {status::not_found, "invalid_request", "The requested resource doesn't exist"};
    case errc::service_unavailable:
      return {status::service_unavailable, "temporarily_unavailable",
              "Service is temporarily unavailable. Please try again."};
    case errc::internal:
      return {status::internal_server_error, "server_error", "We encountered an internal error. Please try again."};
    case errc::invalid_request:
    case errc::malformed_request:
    case errc::unsupported_format:
    case errc::access_token_missing:
    case errc::access_token_invalid:
    case errc::access_token_expired:
    case errc::client_secret_expired:
    case errc::scope_not_granted:
    case errc::quota_exceeded:
    case errc::not_enrolled:
    case errc::sqs_missing_authentication:
    case errc::sqs_invalid_client_token_id:
    case errc::sqs_signature_does_not_match:
    case errc::sqs_queue_does_not_exist:
    case errc::sqs_receipt_handle_invalid:
    case errc::sqs_invalid_parameter:
    case errc::sqs_missing_parameter:
    case errc::sqs_invalid_action:
    case errc::sqs_invalid_message_contents:
    case errc::sqs_invalid_attribute_name:
    case errc::sqs_invalid_attribute_value:
    case errc::sqs_unsupported_attribute_value:
    case errc::sqs_invalid_queue_name:
    case errc::sqs_queue_already_exists:
    case errc::sqs_message_too_long:
    case errc::sqs_fifo_unsupported:
    case errc::sqs_empty_batch_request:
    case errc::sqs_too_many_entries_in_batch:
    case errc::sqs_batch_entry_ids_not_distinct:
    case errc::sqs_invalid_batch_entry_id:
    case errc::sqs_batch_request_too_long:
    case errc::sqs_invalid_message_attribute:
    case errc::admin_unauthorized:
    case errc::access_denied:
    case errc::invalid_input:
    case errc::conflict:
      break;
  }
  return {status::bad_request, "invalid_request",
          "The request is missing a required parameter or is otherwise malformed"};
}

namespace {

std::string error_list_body(const error_list_entry& entry, std::string_view details) {
  boost::json::object error{{"code", entry.code}, {"message", entry.message}, {"details", details}};
  return boost::json::serialize(boost::json::object{{"errors", boost::json::array{std::move(error)}}});
}

// The bodies never change for a given errc, and the 429 path is hot: serialise them once.
const std::string& cached_error_list_body(errc e) {
  static const auto bodies = [] {
    std::array<std::string, all_errcs.size() + 1> out;
    for (const auto code : all_errcs) {
      out[static_cast<std::size_t>(code)] =
          error_list_body(describe_for_error_list(code), describe_for_error_list(code).details);
    }
    return out;
  }();
  return bodies[static_cast<std::size_t>(e)];
}

}  // namespace

response error_list_response(errc e, unsigned version, std::string_view details_override) {
  const auto entry = describe_for_error_list(e);
  response res{entry.http_status, version};
  res.set(beast_http::field::content_type, json_type);
  res.body() = details_override.empty() ? cached_error_list_body(e) : error_list_body(entry, details_override);
  return res;
}

sqs_error_entry describe_for_sqs(errc e) {
  switch (e) {
    case errc::sqs_missing_authentication:
      return {status::forbidden, "MissingAuthenticationToken", "MissingAuthenticationToken",
              "Request is missing Authentication Token"};
    case errc::sqs_invalid_client_token_id:
      return {status::forbidden, "InvalidClientTokenId", "InvalidClientTokenId",
              "The security token included in the request is invalid."};
    case errc::sqs_signature_does_not_match:
      return {status::forbidden, "SignatureDoesNotMatch", "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided."};
    case errc::sqs_queue_does_not_exist:
      return {status::bad_request, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
              "The specified queue does not exist."};
    case errc::sqs_receipt_handle_invalid:
      return {status::bad_request, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
              "The specified receipt handle isn't valid."};
    case errc::sqs_missing_parameter:
      return {status::bad_request, "MissingParameter", "MissingParameter",
              "A required parameter for the specified action is not supplied."};
    case errc::sqs_invalid_action:
      return {status::bad_request, "InvalidAction", "InvalidAction", "The action or operation requested is invalid."};
    case errc::sqs_invalid_message_contents:
      return {status::bad_request, "InvalidMessageContents", "InvalidMessageContents",
              "The message contains characters outside the allowed set."};
    case errc::sqs_invalid_attribute_name:
      return {status::bad_request, "InvalidAttributeName", "InvalidAttributeName",
              "The specified attribute doesn't exist."};
    case errc::sqs_invalid_attribute_value:
      return {status::bad_request, "InvalidAttributeValue", "InvalidAttributeValue",
              "A queue attribute value is invalid."};
    case errc::sqs_unsupported_attribute_value:
      return {status::bad_request, "InvalidAttributeValue", "InvalidAttributeValue",
              "rekey's embedded queue does not serve this attribute value yet (docs/queue.md)."};
    case errc::sqs_invalid_queue_name:
      return {status::bad_request, "InvalidParameterValue", "InvalidParameterValue",
              "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"};
    case errc::sqs_queue_already_exists:
      // JSON names it QueueNameExists, the query protocol QueueAlreadyExists (SQS's model).
      return {status::bad_request, "QueueNameExists", "QueueAlreadyExists",
              "A queue already exists with the same name and a different value for an attribute."};
    case errc::sqs_message_too_long:
      return {status::bad_request, "InvalidParameterValue", "InvalidParameterValue",
              "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes."};
    case errc::sqs_fifo_unsupported:
      return {status::bad_request, "UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation",
              "FIFO queues are not served by rekey's embedded queue: create a standard queue."};
    case errc::sqs_empty_batch_request:
      return {status::bad_request, "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest",
              "The batch request doesn't contain any entries."};
    case errc::sqs_too_many_entries_in_batch:
      return {status::bad_request, "TooManyEntriesInBatchRequest",
              "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
              "The batch request contains more entries than permissible."};
    case errc::sqs_batch_entry_ids_not_distinct:
      return {status::bad_request, "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
              "Two or more batch entries in the request have the same Id."};
    case errc::sqs_invalid_batch_entry_id:
      return {status::bad_request, "InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
              "The Id of a batch entry in a batch request doesn't abide by the specification."};
    case errc::sqs_batch_request_too_long:
      return {status::bad_request, "BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong",
              "The length of all the messages put together is more than the limit."};
    case errc::sqs_invalid_message_attribute:
      return {status::bad_request, "InvalidParameterValue", "InvalidParameterValue",
              "Message (user) attributes: at most 10, named with 1 to 256 of A-Z a-z 0-9 _ - . (not starting with "
              "AWS. or Amazon.), of type String, Number or Binary (optionally .custom), each with a non-empty value; "
              "the only message system attribute is AWSTraceHeader, a String."};
    case errc::payload_too_large:
    case errc::malformed_request:
    case errc::unsupported_format:
    case errc::sqs_invalid_parameter:
    case errc::invalid_input:
      return {status::bad_request, "InvalidParameterValue", "InvalidParameterValue",
              "A parameter of the request is invalid."};
    case errc::service_unavailable:
      return {status::service_unavailable, "ServiceUnavailable", "ServiceUnavailable",
              "Service is temporarily unavailable. Please try again."};
    case errc::invalid_request:
    case errc::invalid_client:
    case errc::invalid_grant:
    case errc::invalid_scope:
    case errc::unsupported_grant_type:
    case errc::slow_down:
    case errc::access_token_missing:
    case errc::access_token_invalid:
    case errc::access_token_expired:
    case errc::client_secret_expired:
    case errc::scope_not_granted:
    case errc::quota_exceeded:
    case errc::not_enrolled:
    case errc::not_found:
    case errc::admin_unauthorized:
    case errc::access_denied:
    case errc::conflict:
    case errc::internal:
      break;
  }
  return {status::internal_server_error, "InternalError", "InternalError",
          "We encountered an internal error. Please try again."};
}

response sqs_error_response(errc e, unsigned version) {
  const auto entry = describe_for_sqs(e);
  response res{entry.http_status, version};
  res.set(beast_http::field::content_type, "application/x-amz-json-1.0");
  const bool sender =
      entry.http_status != status::internal_server_error && entry.http_status != status::service_unavailable;
  res.set("x-amzn-query-error", std::string(entry.query_code) + (sender ? ";Sender" : ";Receiver"));
  res.body() = boost::json::serialize(
      boost::json::object{{"__type", "com.amazonaws.sqs#" + std::string(entry.code)}, {"message", entry.message}});
  return res;
}

response sqs_query_error_response(errc e, unsigned version, std::string_view request_id) {
  const auto entry = describe_for_sqs(e);
  response res{entry.http_status, version};
  res.set(beast_http::field::content_type, "text/xml");
  const bool sender =
      entry.http_status != status::internal_server_error && entry.http_status != status::service_unavailable;
  res.body() = fmt::format(
      "<?xml version=\"1.0\"?><ErrorResponse "
      "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>{}</Type>"
      "<Code>{}</Code><Message>{}</Message><Detail/></Error><RequestId>{}</RequestId></ErrorResponse>",
      sender ? "Sender" : "Receiver", entry.query_code, xml_escape(entry.message), xml_escape(request_id));
  return res;
}

response lwa_json_response(status code, const boost::json::object& body, unsigned version) {
  response res{code, version};
  res.set(beast_http::field::content_type, lwa_json_type);
  res.set(beast_http::field::cache_control, "no-store");
  res.set(beast_http::field::pragma, "no-cache");
  res.body() = boost::json::serialize(body);
  return res;
}

response lwa_error_response(errc e, unsigned version) {
  const auto entry = describe_for_lwa(e);
  return lwa_json_response(entry.http_status, {{"error", entry.error}, {"error_description", entry.description}},
                           version);
}

errc to_errc(const boost::system::error_code& ec, std::string_view request_id, std::string_view surface) {
  if (ec.category() == rekey_category()) return static_cast<errc>(ec.value());
  spdlog::error("request_id={} {}: {}", request_id, surface, ec.message());
  return errc::internal;
}

response transport_error_response(errc e, const http::error_context& request) {
  // Routing errors are ErrorLists everywhere (docs/errors.md); what the transport itself
  // refuses — a body over the limit, a malformed request, a handler's failure — comes in the
  // shape of the surface the request was for, so that its client can read it.
  if (e != errc::not_found) {
    if (request.path == "/auth/o2/token" || request.path == "/auth/o2/introspect")
      return lwa_error_response(e, request.version);
    // The SQS endpoint's paths (service.cpp): "/" and a queue's own "/<account>/<name>"; JSON
    // with X-Amz-Target, else the query protocol (as the endpoint itself decides).
    const bool queue_path = request.path.size() > 1 && request.path.find('/', 1) != std::string_view::npos &&
                            parse_queue_reference(request.path.substr(1)).has_value();
    if ((request.path == "/" || queue_path) && (request.method == verb::post || request.method == verb::get)) {
      const bool json = request.fields != nullptr && request.fields->find("X-Amz-Target") != request.fields->end();
      return json ? sqs_error_response(e, request.version)
                  : sqs_query_error_response(e, request.version, request.request_id);
    }
  }
  return error_list_response(e, request.version);
}

metrics::error_names metric_error_names() {
  return {[](errc e) { return std::string(describe_for_lwa(e).error); },
          [](errc e) { return std::string(describe_for_error_list(e).code); },
          [](errc e) { return std::string(describe_for_sqs(e).code); }};
}

}  // namespace rekey::api
