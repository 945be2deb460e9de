// queue_attributes: the names SQS gives a queue's attributes (GetQueueAttributes,
// CreateQueue's and SetQueueAttributes' Attributes) and a message's system attributes
// (ReceiveMessage's AttributeNames and MessageSystemAttributeNames), what rekey answers for
// each and how it reads those that may be set — one table, the same for every protocol that
// speaks the queue (src/api/). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errc.hpp"
#include "queue/queue_service.hpp"

namespace rekey {

// Attribute name and value, in the order SQS's documentation lists them.
using attribute_list = std::vector<std::pair<std::string, std::string>>;

// The attributes `names` asks for: none when it is empty (as SQS answers), every one the queue
// has for "All". A name SQS knows but this queue has no value for (Policy or RedrivePolicy
// unset, the FIFO and KMS ones) is left out, as SQS leaves it out;
// errc::sqs_invalid_attribute_name for a name SQS does not know.
[[nodiscard]] result<attribute_list> select_queue_attributes(const queue_description& queue,
                                                             const std::vector<std::string>& names);

// CreateQueue's or SetQueueAttributes' Attributes, read as SQS reads them:
// errc::sqs_invalid_attribute_name for a name SQS does not know or that cannot be set;
// errc::sqs_fifo_unsupported for FifoQueue=true; errc::sqs_invalid_attribute_value for a value
// outside SQS's range, not an integer, or a policy that is not the JSON SQS takes;
// errc::sqs_unsupported_attribute_value for a value SQS takes that rekey does not serve (KMS
// keys, SqsManagedSseEnabled=false, the FIFO-only ones) — refused rather than dropped.
[[nodiscard]] result<queue_settings> read_queue_attributes(const attribute_list& given);

// The system attributes of a received message that `names` asks for ("All": every one it has).
// Names SQS does not know, or that only FIFO queues have, give nothing.
attribute_list select_message_attributes(const received_message& message, const std::vector<std::string>& names);

}  // namespace rekey
