#include "api/sqs_endpoint.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <optional>

#include "api/error_response.hpp"
#include "api/sqs_json.hpp"
#include "api/sqs_query.hpp"
#include "queue/sqs_authenticator.hpp"

namespace rekey::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
constexpr std::string_view target_prefix = "AmazonSQS.";

}  // namespace

asio::awaitable<result<sqs_caller>> sqs_endpoint::authenticate(http::request_context& ctx) {
  const auto target = std::string_view(ctx.req.target().data(), ctx.req.target().size());
  const auto question = target.find('?');
  const auto query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  // The header form, else the presigned query-string form.
  const auto authorization = sigv4::parse_authorization(ctx.header("Authorization"));
  const auto presigned = authorization ? std::nullopt : parse_presigned(query);
  if (!authorization && !presigned) co_return errc::sqs_missing_authentication;
  const auto& key_id = authorization ? authorization->access_key_id : presigned->authorization.access_key_id;
  auto key = keys_.find(key_id);
  if (!key) {
    const auto seen = keys_.generation();  // before the read: a revocation after it wins
    auto fetched = co_await executor_.run([&] { return fetch_access_key(storage_, at_rest_key_, key_id); });
    if (!fetched) co_return fetched.error();
    if (!*fetched) co_return errc::sqs_invalid_client_token_id;
    key = **fetched;
    keys_.put_if_unchanged(*key, seen);
  }
  const signed_request request{
      std::string_view(ctx.req.method_string().data(), ctx.req.method_string().size()),
      target.substr(0, question),
      query,
      ctx.req.body(),
      [&ctx](std::string_view name) -> std::optional<std::string> {
        std::optional<std::string> joined;
        for (auto [it, end] = ctx.req.equal_range(name); it != end; ++it) {
          if (joined) joined->push_back(',');
          joined = joined.value_or("") + std::string(it->value());
        }
        return joined;
      },
  };
  const auto verified = authorization ? verify_sigv4(request, *authorization, key->secret, clock_.now())
                                      : verify_presigned_sigv4(request, *presigned, key->secret, clock_.now());
  if (!verified) co_return verified.error();
  co_return sqs_caller{key->account, key->id};
}

asio::awaitable<result<json::object>> sqs_endpoint::receive_with_wait(const json::object& request,
                                                                      const sqs_caller& caller,
                                                                      const std::string& base_url,
                                                                      std::optional<millis> wait) {
  auto address = sqs_json_queue(request, caller);
  if (!address) co_return address.error();
  const auto started = std::chrono::steady_clock::now();
  // Without WaitTimeSeconds, the queue's ReceiveMessageWaitTimeSeconds: read by the first look.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (wait) deadline = started + *wait;
  auto waiter = std::make_shared<queue_notifier::waiter>(co_await asio::this_coro::executor);
  for (;;) {
    const auto id = notifier_.subscribe(address->key(), waiter);  // before looking: no lost wake-up
    // One storage job: the receive and, when it found nothing, how long until a hidden message
    // shows (its visibility timeout or its delay running out) — what ends the wait besides a
    // send (the notifier).
    std::optional<millis> next_visible;
    std::optional<millis> queue_wait;
    auto received = co_await executor_.run([&]() -> result<json::object> {
      auto answer = run_sqs_json(queues_, "ReceiveMessage", request, caller, base_url);
      if (!answer || answer->contains("Messages")) return answer;
      auto next = queues_.next_visible_in(*address);
      if (!next) return next.error();
      next_visible = *next;
      if (!deadline) {
        auto w = queues_.receive_wait_time(*address);
        if (!w) return w.error();
        queue_wait = *w;
      }
      return answer;
    });
    if (!deadline) deadline = started + queue_wait.value_or(millis{0});
    const bool done = !received || received->contains("Messages") || std::chrono::steady_clock::now() >= *deadline;
    auto wake_at = *deadline;
    if (next_visible) wake_at = std::min(wake_at, std::chrono::steady_clock::now() + *next_visible);
    if (!done && !waiter->notified) {
      waiter->timer.expires_at(wake_at);
      co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    notifier_.unsubscribe(address->key(), id);
    if (done) co_return received;
    waiter->notified = false;
  }
}

namespace {

// Counts an SQS answer when it goes out of scope, if it was one (metrics may be null).
struct sqs_count {
  metrics::service_metrics* metrics;
  metrics::sqs_protocol protocol;
  std::string action;
  std::optional<errc> refused;
  bool answered = false;  // an SQS answer (not the 404 of a path that is no SQS request)
  ~sqs_count() {
    if (metrics != nullptr && answered) metrics->sqs_answered(action, protocol, refused);
  }
};

}  // namespace

asio::awaitable<http::response> sqs_endpoint::handle(http::request_context& ctx) {
  const unsigned version = ctx.req.version();
  const auto amz_target = ctx.header("X-Amz-Target");
  const bool query = amz_target.empty();  // as AWS decides: X-Amz-Target is JSON 1.0, else the query protocol
  sqs_count count{metrics_, query ? metrics::sqs_protocol::query : metrics::sqs_protocol::json, {}, {}};
  const auto fail = [&](boost::system::error_code ec) {
    const auto e = to_errc(ec, ctx.request_id, "sqs");
    count.refused = e;
    count.answered = true;
    if (metrics_ != nullptr && (e == errc::sqs_missing_authentication || e == errc::sqs_invalid_client_token_id ||
                                e == errc::sqs_signature_does_not_match))
      metrics_->authentication_failed(metrics::auth_failure::sqs_signature);
    return query ? sqs_query_error_response(e, version, ctx.request_id) : sqs_error_response(e, version);
  };
  // On /<account>/<queue> (the query protocol's other form) the path names the queue; a path
  // that names none is no SQS request.
  std::string path_queue;
  if (!ctx.param("account").empty()) {
    const auto named = parse_queue_reference(std::string(ctx.param("account")) + "/" + std::string(ctx.param("queue")));
    if (!named) co_return error_list_response(errc::not_found, version);
    path_queue = "/" + named->account + "/" + named->name;
  }

  std::string operation;
  json::object request;
  std::optional<sqs_query_call> query_call;
  if (query) {
    const auto target = std::string_view(ctx.req.target().data(), ctx.req.target().size());
    const auto question = target.find('?');
    const auto form = ctx.req.method() == verb::get
                          ? (question == std::string_view::npos ? std::string_view() : target.substr(question + 1))
                          : std::string_view(ctx.req.body());
    auto call = parse_sqs_query(form);
    // A GET without an Action is no SQS request (GET / is a path like any other).
    if (!call && ctx.req.method() == verb::get) co_return error_list_response(errc::not_found, version);
    if (!call) co_return fail(call.error());
    query_call = std::move(*call);
    count.action = query_call->action;
  } else if (!amz_target.starts_with(target_prefix)) {
    co_return fail(errc::sqs_invalid_action);
  } else {
    count.action = amz_target.substr(target_prefix.size());
  }

  auto caller = co_await authenticate(ctx);
  if (!caller) co_return fail(caller.error());

  if (query_call) {
    operation = std::move(query_call->action);
    request = std::move(query_call->request);
    if (!path_queue.empty() && !request.contains("QueueUrl")) request["QueueUrl"] = path_queue;
  } else {
    operation = std::string(amz_target.substr(target_prefix.size()));
    if (!http::is_blank(ctx.req.body())) {
      boost::system::error_code ec;
      auto parsed = json::parse(ctx.req.body(), ec);
      if (ec || !parsed.is_object()) co_return fail(errc::sqs_invalid_parameter);
      request = std::move(parsed.as_object());
    }
  }
  // Queue URLs name the host and scheme the client used (sqs.us-east-1.amazonaws.com over TLS).
  const std::string base_url = std::string(ctx.secure ? "https" : "http") + "://" + std::string(ctx.header("Host"));

  result<json::object> answer = errc::internal;
  const auto wait_seconds = sqs_json_wait_seconds(request);
  if (operation == "ReceiveMessage" && wait_seconds.value_or(1) > 0) {  // absent: the queue's own wait
    answer = co_await receive_with_wait(
        request, *caller, base_url, wait_seconds ? std::optional<millis>(millis{*wait_seconds * 1000}) : std::nullopt);
  } else {
    answer = co_await executor_.run([&] { return run_sqs_json(queues_, operation, request, *caller, base_url); });
  }
  if (!answer) co_return fail(answer.error());
  // A message sent, or one made visible again, wakes the queue's long polls.
  if (operation == "SendMessage" || operation == "SendMessageBatch" || operation == "ChangeMessageVisibility" ||
      operation == "ChangeMessageVisibilityBatch") {
    if (auto address = sqs_json_queue(request, *caller)) message_arrived(*address);
  }
  count.answered = true;
  http::response res{http::status::ok, version};
  if (query) {
    res.set(http::beast_http::field::content_type, "text/xml");
    res.body() = render_sqs_query(operation, *answer, ctx.request_id);
  } else {
    res.set(http::beast_http::field::content_type, "application/x-amz-json-1.0");
    res.body() = json::serialize(*answer);
  }
  co_return res;
}

}  // namespace rekey::api
