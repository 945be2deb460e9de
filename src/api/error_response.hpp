// error_response: the one place where an errc becomes an HTTP status and wire strings.
//
// Three shapes: the SP-API ErrorList {"errors":[{"code","message","details"}]} used by the
// rotate operation, the admin API and every routing error; and the LWA shape
// {"error","error_description"} used by the token endpoint; and the AWS JSON 1.0 error of the
// embedded SQS-compatible queue. Nothing internal is ever put in
// either; callers log details with the request id instead. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "api/handler.hpp"
#include "core/errc.hpp"
#include "http/router.hpp"
#include "metrics/service_metrics.hpp"

namespace rekey::api {

struct error_list_entry {
  status http_status;
  std::string_view code;
  std::string_view message;
  std::string_view details;
};

struct lwa_error_entry {
  status http_status;
  std::string_view error;
  std::string_view description;
};

// The AWS JSON 1.0 error of the embedded SQS queue: {"__type":"com.amazonaws.sqs#<code>",
// "message"} plus the header x-amzn-query-error: <query_code>;<Sender|Receiver>.
struct sqs_error_entry {
  status http_status;
  std::string_view code;
  std::string_view query_code;
  std::string_view message;
};

error_list_entry describe_for_error_list(errc e);
lwa_error_entry describe_for_lwa(errc e);
sqs_error_entry describe_for_sqs(errc e);

// Each surface's wire names, as the metrics' result labels (service_metrics).
metrics::error_names metric_error_names();

// The errc an error code stands for: itself when it is one of rekey's, else errc::internal —
// and then the code's message is logged with the request id and the surface's name, since the
// caller answers with nothing but the generic InternalFailure.
errc to_errc(const boost::system::error_code& ec, std::string_view request_id, std::string_view surface);

// details_override replaces the table's details (admin validation messages); never pass
// anything that came from an exception or a database.
response error_list_response(errc e, unsigned version, std::string_view details_override = {});
response lwa_error_response(errc e, unsigned version);
// A JSON answer of the LWA endpoints (token, introspection): their content type, and never cached.
response lwa_json_response(status code, const boost::json::object& body, unsigned version);
response sqs_error_response(errc e, unsigned version);
// The same error in the query protocol's shape (sqs_query.hpp): text/xml
// <ErrorResponse><Error><Type>Sender|Receiver</Type><Code>…</Code><Message>…</Message></Error>
// <RequestId>…</RequestId></ErrorResponse>, with the code the query protocol names it by.
response sqs_query_error_response(errc e, unsigned version, std::string_view request_id);

// The router's error responder (http/router.hpp): the answer for an error met outside any
// handler — no route (an ErrorList), a head or body over the limit, a malformed request or an
// exception (in the shape of the surface the request was for: LWA on the token endpoint, SQS on
// the SQS endpoint, else an ErrorList).
response transport_error_response(errc e, const http::error_context& request);

}  // namespace rekey::api
