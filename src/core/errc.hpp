// errc: every failure rekey can report, as one error enum with its own category.
//
// Each value is a *kind* of outcome a caller must react to, not a message. The one file that
// turns an errc into an HTTP response is src/api/error_response.cpp; nothing else decides
// status codes or wire strings. Thread-safe: the category is a stateless constant.
#pragma once

#include <array>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace rekey {

enum class errc {
  // Token endpoint (SPEC §3).
  invalid_request = 1,     // a required field is missing or malformed
  invalid_client,          // unknown client id, wrong or revoked secret
  invalid_grant,           // refresh token unknown or not this client's
  invalid_scope,           // a scope we do not know
  unsupported_grant_type,  // grant_type other than client_credentials / refresh_token
  slow_down,               // too many authentication failures for this client or peer
  // The rotate operation (SPEC §4), in its order of checks.
  payload_too_large,   // body over the configured limit
  unsupported_format,  // non-empty body that is not JSON
  access_token_missing,
  access_token_invalid,  // revoked, malformed, bad signature, unknown key
  access_token_expired,
  client_secret_expired,  // token minted with a secret that has since expired
  scope_not_granted,      // valid token without the rotation scope
  quota_exceeded,         // rate limit bucket empty
  not_enrolled,           // no destination subscribed to APPLICATION_OAUTH_CLIENT_NEW_SECRET
  // The embedded SQS-compatible queue (SPEC §6).
  sqs_missing_authentication,    // no SigV4 Authorization header
  sqs_invalid_client_token_id,   // unknown access key id
  sqs_signature_does_not_match,  // wrong signature, or x-amz-date outside the skew window
  sqs_queue_does_not_exist,      // unknown queue, or another account's
  sqs_receipt_handle_invalid,
  sqs_invalid_parameter,  // a parameter out of range or malformed
  sqs_missing_parameter,
  sqs_invalid_action,               // unknown X-Amz-Target operation
  sqs_invalid_message_contents,     // a body with characters SQS does not allow
  sqs_invalid_attribute_name,       // an attribute name SQS does not know
  sqs_invalid_attribute_value,      // a queue attribute's value out of SQS's range or malformed
  sqs_unsupported_attribute_value,  // a queue attribute value SQS takes and rekey does not serve yet
  sqs_invalid_queue_name,           // not 1–80 of A–Z a–z 0–9 - _
  sqs_queue_already_exists,         // CreateQueue of an existing queue with other attribute values
  sqs_message_too_long,             // a body over 256 KiB
  sqs_fifo_unsupported,             // a .fifo name or FifoQueue=true: rekey serves standard queues only
  sqs_empty_batch_request,          // a batch without entries
  sqs_too_many_entries_in_batch,    // a batch of more than 10
  sqs_batch_entry_ids_not_distinct,
  sqs_invalid_batch_entry_id,     // not 1–80 of A–Z a–z 0–9 - _
  sqs_batch_request_too_long,     // a SendMessageBatch's bodies over 256 KiB together
  sqs_invalid_message_attribute,  // a message (user) or system attribute SQS refuses (message_attributes.hpp)
  // Routing, admin API, infrastructure.
  not_found,            // unknown path or method, or unknown admin resource
  malformed_request,    // an HTTP request the transport refuses (RFC 9112: no Host, or two)
  admin_unauthorized,   // admin call without a valid admin token
  access_denied,        // console call without its CSRF token, or from another origin
  invalid_input,        // admin call with a bad field
  conflict,             // admin call that contradicts stored state
  service_unavailable,  // storage down, admission queue full
  internal,             // anything unexpected; details go to the log only
};

// Every errc, in declaration order; tests walk it to prove each one is mapped.
inline constexpr std::array all_errcs{
    errc::invalid_request,
    errc::invalid_client,
    errc::invalid_grant,
    errc::invalid_scope,
    errc::unsupported_grant_type,
    errc::slow_down,
    errc::payload_too_large,
    errc::unsupported_format,
    errc::access_token_missing,
    errc::access_token_invalid,
    errc::access_token_expired,
    errc::client_secret_expired,
    errc::scope_not_granted,
    errc::quota_exceeded,
    errc::not_enrolled,
    errc::sqs_missing_authentication,
    errc::sqs_invalid_client_token_id,
    errc::sqs_signature_does_not_match,
    errc::sqs_queue_does_not_exist,
    errc::sqs_receipt_handle_invalid,
    errc::sqs_invalid_parameter,
    errc::sqs_missing_parameter,
    errc::sqs_invalid_action,
    errc::sqs_invalid_message_contents,
    errc::sqs_invalid_attribute_name,
    errc::sqs_invalid_attribute_value,
    errc::sqs_unsupported_attribute_value,
    errc::sqs_invalid_queue_name,
    errc::sqs_queue_already_exists,
    errc::sqs_message_too_long,
    errc::sqs_fifo_unsupported,
    errc::sqs_empty_batch_request,
    errc::sqs_too_many_entries_in_batch,
    errc::sqs_batch_entry_ids_not_distinct,
    errc::sqs_invalid_batch_entry_id,
    errc::sqs_batch_request_too_long,
    errc::sqs_invalid_message_attribute,
    errc::not_found,
    errc::malformed_request,
    errc::admin_unauthorized,
    errc::access_denied,
    errc::invalid_input,
    errc::conflict,
    errc::service_unavailable,
    errc::internal,
};
// Values run from 1 to errc::internal without gaps, and every one is listed above.
static_assert(all_errcs.size() == static_cast<std::size_t>(errc::internal) && all_errcs.back() == errc::internal);

const boost::system::error_category& rekey_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), rekey_category()}; }

template <class T>
using result = boost::system::result<T>;

}  // namespace rekey

namespace boost::system {
template <>
struct is_error_code_enum<rekey::errc> : std::true_type {};
}  // namespace boost::system
