// The embedded queue on the shared listener, in both of SQS's protocols: AWS JSON 1.0
// (POST / with X-Amz-Target: AmazonSQS.<Operation>, as @aws-sdk/client-sqs speaks it;
// wire-notes.md) and the query protocol (POST / or /<account>/<queue> with a form body, or GET
// with the parameters in the query string; XML answers — sqs_query.hpp). A request without
// X-Amz-Target is a query request, as AWS decides.
//
// Authenticates every request with SigV4 against the access keys (cache first, then storage),
// runs the operation on the storage thread (sqs_json, queue_service), and implements ReceiveMessage long
// polling: up to WaitTimeSeconds, woken by queue_notifier as soon as a message arrives or is made
// visible again (ChangeMessageVisibility), and by its own timer when a hidden message shows.
// Errors are in the request's protocol: AWS JSON errors with x-amzn-query-error, or XML
// ErrorResponses. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/handler.hpp"
#include "metrics/service_metrics.hpp"
#include "queue/access_key_cache.hpp"
#include "queue/queue_notifier.hpp"
#include "queue/queue_service.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {

// The largest request body the SQS route takes (the listener's --body-limit when that is
// larger): room for the largest message SQS takes (256 KiB, sqs_limits::max_body_bytes) in the
// widest encoding a client gives it — form-encoded, up to 3 bytes a byte — with its parameters.
// The message itself is measured after decoding.
inline constexpr std::size_t sqs_body_limit = 1 << 20;

class sqs_endpoint {
 public:
  sqs_endpoint(queue_service& queues, access_key_cache& keys, store& storage, const key256& at_rest_key,
               runtime::storage_executor& executor, queue_notifier& notifier, const clock& clock,
               metrics::service_metrics* metrics = nullptr)
      : queues_(queues),
        keys_(keys),
        storage_(storage),
        at_rest_key_(at_rest_key),
        executor_(executor),
        notifier_(notifier),
        clock_(clock),
        metrics_(metrics) {}

  boost::asio::awaitable<http::response> handle(http::request_context& ctx);

  // Wakes long polls on a queue (after a message was committed to it).
  void message_arrived(const queue_address& queue) { notifier_.notify(queue.key()); }

 private:
  boost::asio::awaitable<result<sqs_caller>> authenticate(http::request_context& ctx);
  boost::asio::awaitable<result<boost::json::object>> receive_with_wait(const boost::json::object& request,
                                                                        const sqs_caller& caller,
                                                                        const std::string& base_url,
                                                                        std::optional<millis> wait);

  queue_service& queues_;
  access_key_cache& keys_;
  store& storage_;
  key256 at_rest_key_;
  runtime::storage_executor& executor_;
  queue_notifier& notifier_;
  const clock& clock_;
  metrics::service_metrics* metrics_;  // may be null
};

}  // namespace rekey::api
