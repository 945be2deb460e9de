// queue_service: the operations of the embedded SQS-compatible queue (SPEC §6) on domain
// records, free of HTTP, of any wire protocol and of SigV4 (the caller is already
// authenticated): create, look up, list, describe, delete and purge queues; send, receive,
// delete messages and change their visibility — each one transaction. It checks what SQS
// checks whatever the protocol: queue names, ranges (delay, visibility, retention, batch size),
// body sizes. The protocols that speak it live in src/api/ (sqs_json.cpp: AWS JSON 1.0).
// Message bodies are sealed at rest (AES-256-GCM, AAD "message:<id>"). Long polling is the
// HTTP adapter's job: receive() here never waits.
//
// Call on the storage thread. Errors: the sqs_* errcs, service_unavailable, internal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "core/random.hpp"
#include "crypto/bytes.hpp"
#include "queue/message_attributes.hpp"
#include "storage/store.hpp"

namespace rekey {

struct sqs_caller {
  std::string account;
  std::string access_key_id;
};

// The account of embedded queues named without one (and of the --dev demo queue).
inline constexpr std::string_view default_account = "000000000000";
// The region rekey's queue ARNs name.
inline constexpr std::string_view queue_region = "us-east-1";

// Reads "arn:aws:sqs:<region>:<account>:<name>", "http(s)://host[:port]/<account>/<name>",
// "<account>/<name>" or a bare "<name>" (default_account). nullopt when malformed.
std::optional<queue_address> parse_queue_reference(std::string_view text);

// 1 to 80 of A–Z, a–z, 0–9, '-', '_'.
bool valid_queue_name(std::string_view name);

// True when `body` is UTF-8 of only the characters SQS allows in a message: #x9, #xA, #xD,
// #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF.
bool allowed_in_message(std::string_view body);

// The ranges SQS allows, in seconds or counts: checked by the protocols as they read their
// parameters (so that errors come in SQS's order) and by queue_service again.
struct sqs_range {
  std::int64_t min;
  std::int64_t max;
  bool contains(std::int64_t n) const { return n >= min && n <= max; }
};
namespace sqs_limits {
inline constexpr sqs_range visibility_timeout{0, 43'200};
inline constexpr sqs_range retention{60, 1'209'600};
inline constexpr sqs_range delay{0, 900};
inline constexpr sqs_range max_messages{1, 10};
inline constexpr sqs_range wait_time{0, 20};
inline constexpr std::size_t max_body_bytes = 256 * 1024;
inline constexpr sqs_range maximum_message_size{1024, static_cast<std::int64_t>(max_body_bytes)};
inline constexpr sqs_range max_receive_count{1, 1000};
inline constexpr std::size_t max_tags = 50;
}  // namespace sqs_limits

// A queue's RedrivePolicy: where a message received more than max_receive_count times goes.
struct redrive_policy {
  std::string dead_letter_target_arn;  // empty: no redrive (RedrivePolicy set to "")
  std::int64_t max_receive_count = 0;
};

// What CreateQueue and SetQueueAttributes may set, read and range-checked by queue_attributes;
// unset fields keep what the queue has (for CreateQueue: SQS's defaults, queue_record's).
struct queue_settings {
  std::optional<std::int64_t> visibility_timeout_seconds;  // 0 to 43,200
  std::optional<std::int64_t> retention_seconds;           // 60 to 1,209,600
  std::optional<std::int64_t> delay_seconds;               // 0 to 900
  std::optional<std::int64_t> maximum_message_size;        // 1,024 to 262,144
  std::optional<std::int64_t> receive_wait_seconds;        // 0 to 20
  std::optional<redrive_policy> redrive;
  std::optional<std::string> redrive_allow_policy;  // JSON, checked; "" removes it
  std::optional<std::string> policy;                // JSON, checked; "" removes it
};

using queue_tags = std::vector<std::pair<std::string, std::string>>;  // key, value; by key

// A message as SendMessage and SendMessageBatch give it.
struct message_to_send {
  std::string body;
  std::optional<std::int64_t> delay_seconds;  // nullopt: the queue's DelaySeconds
  message_attributes attributes;              // message (user) attributes
  message_attributes system_attributes;       // AWSTraceHeader
};

struct queue_description {
  queue_record queue;
  queue_repository::counts counts;
  std::string arn;
};

struct sent_message {
  std::string id;
  std::string md5_of_body;
  std::string md5_of_attributes;         // empty without message attributes
  std::string md5_of_system_attributes;  // empty without system attributes
};

struct received_message {
  message_record message;             // as it is after this receive (receipt handle, count, visibility)
  std::string body;                   // unsealed
  message_attribute_sets attributes;  // unsealed
};

class queue_service {
 public:
  queue_service(store& storage, const clock& clock, random_source& random, const key256& at_rest_key);

  // The queue a QueueUrl names for the caller: a queue URL, "/<account>/<name>" or a bare queue
  // name (the caller's account), as SQS reads it.
  // errc::sqs_queue_does_not_exist when it is another account's or malformed (another
  // account's queue looks exactly like a missing one).
  [[nodiscard]] static result<queue_address> address_of(std::string_view queue_url, const sqs_caller& caller);

  // Idempotent: an existing queue whose settings are those given is answered as it is; one with
  // other values for them is errc::sqs_queue_already_exists. errc::sqs_fifo_unsupported for a
  // ".fifo" name, errc::sqs_invalid_queue_name for another bad name; a redrive policy as
  // set_queue_attributes checks it. `tags` go on a new queue only (SQS ignores them for an
  // existing one).
  [[nodiscard]] result<queue_address> create_queue(const sqs_caller& caller, std::string_view name,
                                                   const queue_settings& settings, const queue_tags& tags = {});
  // Changes the settings given and LastModifiedTimestamp. A redrive policy must name an existing
  // queue of the same account that is not this one and whose RedriveAllowPolicy lets this queue
  // in: errc::sqs_invalid_attribute_value otherwise.
  [[nodiscard]] result<void> set_queue_attributes(const queue_address& queue, const queue_settings& settings);
  // Up to 50 tags a queue; keys of 1–128 characters, values of at most 256:
  // errc::sqs_invalid_parameter otherwise (nothing changes).
  [[nodiscard]] result<void> tag_queue(const queue_address& queue, const queue_tags& tags);
  [[nodiscard]] result<void> untag_queue(const queue_address& queue, const std::vector<std::string>& keys);
  [[nodiscard]] result<queue_tags> list_queue_tags(const queue_address& queue);
  // The queues of the account whose RedrivePolicy names this one, by name.
  [[nodiscard]] result<std::vector<queue_address>> dead_letter_sources(const queue_address& queue);
  // `owner`: QueueOwnerAWSAccountId, when given.
  [[nodiscard]] result<queue_address> find_queue(const sqs_caller& caller, std::string_view name,
                                                 std::optional<std::string_view> owner);
  [[nodiscard]] result<std::vector<queue_address>> list_queues(const sqs_caller& caller, std::string_view prefix);
  [[nodiscard]] result<queue_description> describe_queue(const queue_address& queue);
  // errc::sqs_queue_does_not_exist unless the queue exists (what a batch checks before its entries).
  [[nodiscard]] result<void> check_queue(const queue_address& queue);
  [[nodiscard]] result<void> delete_queue(const queue_address& queue);
  [[nodiscard]] result<void> purge_queue(const queue_address& queue);

  // errc::sqs_invalid_parameter for an empty body or a delay outside 0–900 s,
  // errc::sqs_message_too_long for a body and attributes over the queue's MaximumMessageSize;
  // errc::sqs_invalid_message_contents for a character SQS does not allow;
  // errc::sqs_invalid_message_attribute for attributes SQS refuses.
  [[nodiscard]] result<sent_message> send_message(const queue_address& queue, const message_to_send& message,
                                                  std::string_view sender_id);
  // Several messages in one transaction, each with its own outcome (a refused one leaves the
  // others sent); errc::sqs_queue_does_not_exist for the whole when the queue does not exist.
  [[nodiscard]] result<std::vector<result<sent_message>>> send_messages(const queue_address& queue,
                                                                        const std::vector<message_to_send>& messages,
                                                                        std::string_view sender_id);
  // Up to `max` (1–10) visible messages, each hidden for `visibility_seconds` (0–43,200; the
  // queue's own when nullopt) and given a new receipt handle. A message already received the
  // queue's maxReceiveCount times moves to its dead-letter queue instead (when that queue
  // exists), as SQS redrives it.
  [[nodiscard]] result<std::vector<received_message>> receive_messages(const queue_address& queue, std::int64_t max,
                                                                       std::optional<std::int64_t> visibility_seconds);
  // How long until a message of the queue is visible — its visibility timeout or its delay
  // ends —, rounded up to the millisecond: zero when one is visible now (it showed since the
  // caller last looked), nullopt when the queue is empty. What a long poll waits for besides new
  // messages.
  [[nodiscard]] result<std::optional<millis>> next_visible_in(const queue_address& queue);
  // The queue's ReceiveMessageWaitTimeSeconds: how long a receive without WaitTimeSeconds waits.
  [[nodiscard]] result<millis> receive_wait_time(const queue_address& queue);
  // errc::sqs_queue_does_not_exist first, then errc::sqs_receipt_handle_invalid for a handle
  // rekey never gave. Deleting an already deleted message succeeds, as SQS does for a
  // well-formed handle.
  [[nodiscard]] result<void> delete_message(const queue_address& queue, std::string_view receipt_handle);
  [[nodiscard]] result<void> change_visibility(const queue_address& queue, std::string_view receipt_handle,
                                               std::int64_t visibility_seconds);
  // The batch forms: one transaction, each entry its own outcome; errc::sqs_queue_does_not_exist
  // for the whole when the queue does not exist.
  [[nodiscard]] result<std::vector<result<void>>> delete_messages(const queue_address& queue,
                                                                  const std::vector<std::string>& receipt_handles);
  struct visibility_change {
    std::string receipt_handle;
    std::int64_t visibility_seconds;
  };
  [[nodiscard]] result<std::vector<result<void>>> change_visibilities(const queue_address& queue,
                                                                      const std::vector<visibility_change>& changes);

  // Puts a message on a queue inside the caller's unit of work, as the given sender (delivery),
  // delayed by the queue's DelaySeconds.
  [[nodiscard]] result<sent_message> send(unit_of_work& work, const queue_address& queue, std::string_view body,
                                          std::string_view sender_id);
  // The same on a queue already read in this unit of work.
  [[nodiscard]] result<sent_message> send(unit_of_work& work, const queue_record& queue, std::string_view body,
                                          std::string_view sender_id);

 private:
  // A unit of work in which `queue` exists; errc::sqs_queue_does_not_exist when it does not.
  struct open_queue {
    queue_record queue;
    std::unique_ptr<unit_of_work> work;
  };
  result<open_queue> begin_on(const queue_address& address);
  // One message, checked, on a queue read in `work`.
  result<sent_message> put(unit_of_work& work, const queue_record& queue, const message_to_send& message,
                           std::string_view sender_id);
  result<void> delete_in(unit_of_work& work, const queue_address& queue, std::string_view receipt_handle);
  result<void> change_in(unit_of_work& work, const queue_address& queue, std::string_view receipt_handle,
                         std::int64_t visibility_seconds);
  // The redrive policy's checks (set_queue_attributes).
  result<void> check_redrive(unit_of_work& work, const queue_record& source, const redrive_policy& redrive);

  store& storage_;
  const clock& clock_;
  random_source& random_;
  key256 at_rest_key_;
};

}  // namespace rekey
