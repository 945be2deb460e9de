// queue_service: the operations of the embedded SQS-compatible queue (SPEC §6), free of HTTP
// and of SigV4 (the caller is already authenticated): CreateQueue, GetQueueUrl, ListQueues,
// GetQueueAttributes, DeleteQueue, PurgeQueue, SendMessage, ReceiveMessage,
// DeleteMessage, ChangeMessageVisibility — each one transaction, answering the AWS JSON 1.0
// response object. Message bodies are sealed at rest (AES-256-GCM, AAD "message:<id>").
// Long polling is the HTTP adapter's job: ReceiveMessage here never waits.
//
// Call on the storage thread. Errors: the sqs_* errcs, service_unavailable, internal.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "core/random.hpp"
#include "crypto/bytes.hpp"
#include "storage/store.hpp"

namespace rekey {

struct sqs_caller {
  std::string account;
  std::string access_key_id;
};

// The account of embedded queues named without one (and of the --dev demo queue).
inline constexpr std::string_view default_account = "000000000000";

// Reads "arn:aws:sqs:<region>:<account>:<name>", "http(s)://host[:port]/<account>/<name>",
// "<account>/<name>" or a bare "<name>" (default_account). nullopt when malformed.
std::optional<queue_address> parse_queue_reference(std::string_view text);

class queue_service {
 public:
  queue_service(store& storage, const clock& clock, random_source& random, const key256& at_rest_key);

  // base_url: scheme://host[:port] as the client reached us, to build QueueUrl values.
  [[nodiscard]] result<boost::json::object> call(std::string_view operation, const boost::json::object& request,
                                                 const sqs_caller& caller, std::string_view base_url);

  // The queue a request's QueueUrl names, if the caller's account owns it by address.
  [[nodiscard]] static result<queue_address> address_of(const boost::json::object& request, const sqs_caller& caller);

  // Puts a message on a queue as the given sender (SendMessage, and later delivery).
  [[nodiscard]] result<boost::json::object> send(unit_of_work& work, const queue_address& queue, std::string_view body,
                                                 std::string_view sender_id, millis delay);
  // The same on a queue already read in this unit of work.
  [[nodiscard]] result<boost::json::object> send(unit_of_work& work, const queue_record& queue, std::string_view body,
                                                 std::string_view sender_id, millis delay);

 private:
  // The request's queue, in a begun unit of work; errc::sqs_queue_does_not_exist when it is not
  // there (or not the caller's).
  struct open_queue {
    queue_address address;
    queue_record queue;
    std::unique_ptr<unit_of_work> work;
  };
  result<open_queue> begin_on_queue(const boost::json::object& request, const sqs_caller& caller);

  result<boost::json::object> create_queue(const boost::json::object& request, const sqs_caller& caller,
                                           std::string_view base_url);
  result<boost::json::object> get_queue_url(const boost::json::object& request, const sqs_caller& caller,
                                            std::string_view base_url);
  result<boost::json::object> list_queues(const boost::json::object& request, const sqs_caller& caller,
                                          std::string_view base_url);
  result<boost::json::object> get_queue_attributes(const boost::json::object& request, const sqs_caller& caller);
  result<boost::json::object> delete_queue(const boost::json::object& request, const sqs_caller& caller);
  result<boost::json::object> purge_queue(const boost::json::object& request, const sqs_caller& caller);
  result<boost::json::object> send_message(const boost::json::object& request, const sqs_caller& caller);
  result<boost::json::object> receive_message(const boost::json::object& request, const sqs_caller& caller);
  result<boost::json::object> delete_message(const boost::json::object& request, const sqs_caller& caller);
  result<boost::json::object> change_visibility(const boost::json::object& request, const sqs_caller& caller);

  store& storage_;
  const clock& clock_;
  random_source& random_;
  key256 at_rest_key_;
};

}  // namespace rekey
