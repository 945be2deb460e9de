#include "core/errc.hpp"

#include <string>

namespace rekey {
namespace {

class rekey_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rekey"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::invalid_request:
        return "invalid request";
      case errc::invalid_client:
        return "client authentication failed";
      case errc::invalid_grant:
        return "invalid grant";
      case errc::invalid_scope:
        return "invalid scope";
      case errc::unsupported_grant_type:
        return "unsupported grant type";
      case errc::slow_down:
        return "too many authentication failures";
      case errc::payload_too_large:
        return "payload too large";
      case errc::unsupported_format:
        return "unsupported payload format";
      case errc::access_token_missing:
        return "access token missing";
      case errc::access_token_invalid:
        return "access token invalid";
      case errc::access_token_expired:
        return "access token expired";
      case errc::client_secret_expired:
        return "client secret expired";
      case errc::scope_not_granted:
        return "scope not granted";
      case errc::quota_exceeded:
        return "quota exceeded";
      case errc::not_enrolled:
        return "application not enrolled for rotation notification";
      case errc::sqs_missing_authentication:
        return "SQS: missing authentication";
      case errc::sqs_invalid_client_token_id:
        return "SQS: unknown access key";
      case errc::sqs_signature_does_not_match:
        return "SQS: signature does not match";
      case errc::sqs_queue_does_not_exist:
        return "SQS: queue does not exist";
      case errc::sqs_receipt_handle_invalid:
        return "SQS: receipt handle invalid";
      case errc::sqs_invalid_parameter:
        return "SQS: invalid parameter";
      case errc::sqs_missing_parameter:
        return "SQS: missing parameter";
      case errc::sqs_invalid_message_contents:
        return "SQS: invalid message contents";
      case errc::sqs_invalid_attribute_name:
        return "SQS: invalid attribute name";
      case errc::sqs_invalid_attribute_value:
        return "SQS: invalid attribute value";
      case errc::sqs_unsupported_attribute_value:
        return "SQS: attribute value not supported";
      case errc::sqs_invalid_queue_name:
        return "SQS: invalid queue name";
      case errc::sqs_queue_already_exists:
        return "SQS: queue already exists";
      case errc::sqs_message_too_long:
        return "SQS: message too long";
      case errc::sqs_fifo_unsupported:
        return "SQS: FIFO queues not supported";
      case errc::sqs_empty_batch_request:
        return "SQS: empty batch";
      case errc::sqs_too_many_entries_in_batch:
        return "SQS: too many entries in batch";
      case errc::sqs_batch_entry_ids_not_distinct:
        return "SQS: batch entry ids not distinct";
      case errc::sqs_invalid_batch_entry_id:
        return "SQS: invalid batch entry id";
      case errc::sqs_batch_request_too_long:
        return "SQS: batch request too long";
      case errc::sqs_invalid_message_attribute:
        return "SQS: invalid message attribute";
      case errc::sqs_invalid_action:
        return "SQS: invalid action";
      case errc::not_found:
        return "not found";
      case errc::malformed_request:
        return "malformed HTTP request";
      case errc::admin_unauthorized:
        return "admin token missing or invalid";
      case errc::access_denied:
        return "console request without its CSRF token or from another origin";
      case errc::invalid_input:
        return "invalid input";
      case errc::conflict:
        return "conflict";
      case errc::service_unavailable:
        return "service unavailable";
      case errc::internal:
        return "internal error";
    }
    return "unknown rekey error";
  }
};

}  // namespace

const boost::system::error_category& rekey_category() noexcept {
  static const rekey_category_impl instance;
  return instance;
}

}  // namespace rekey
