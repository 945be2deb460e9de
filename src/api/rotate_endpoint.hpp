// POST /applications/2023-11-30/clientSecret — rotateApplicationClientSecret (SPEC §4).
//
// Checks in the specified order: size (done by the server), format, authentication, rate
// limit, enrollment, then rotates; on a sandbox host name, the sandbox's answer follows
// authentication. Steps up to the rate limit's fast path run on the I/O
// thread from memory; the rest is one transaction on the storage thread (rotation_service).
// x-amzn-RateLimit-Limit only on 204 and 400; Retry-After on 429. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>

#include "api/handler.hpp"
#include "auth/access_token_verifier.hpp"
#include "auth/credential_cache.hpp"
#include "console/maintenance_mode.hpp"
#include "metrics/service_metrics.hpp"
#include "rotation/rate_limit_mirror.hpp"
#include "rotation/rotation_service.hpp"
#include "runtime/storage_executor.hpp"

namespace rekey::api {

// How the SP-API sandbox host names (sandbox.sellingpartnerapi-{na,eu,fe}.amazon.com) answer:
// as Amazon's sandbox does — the model's one static answer for this call (x-amzn-api-sandbox),
// 400 InvalidInput "not enrolled", once the token is checked — or like production.
struct sandbox_behaviour {
  bool static_answer = true;
  double rate = 0.0167;  // its x-amzn-RateLimit-Limit
};

class rotate_endpoint {
 public:
  // rotated: called after each committed rotation (wakes the long polls of the queue it was
  // delivered to, or the outbox relay). maintenance: while it is on, every call is answered 503
  // ServiceUnavailable before anything else is looked at; null: never. metrics may be null.
  // sandbox: what the sandbox host names answer.
  rotate_endpoint(const access_token_verifier& tokens, const credential_cache& credentials,
                  const rate_limit_mirror& mirror, rotation_service& rotation, storage_executor& executor,
                  const clock& clock, std::function<void(const rotation_outcome&)> rotated = {},
                  const maintenance_mode* maintenance = nullptr, metrics::service_metrics* metrics = nullptr,
                  sandbox_behaviour sandbox = {})
      : tokens_(tokens),
        credentials_(credentials),
        mirror_(mirror),
        rotation_(rotation),
        executor_(executor),
        clock_(clock),
        rotated_(std::move(rotated)),
        maintenance_(maintenance),
        metrics_(metrics),
        sandbox_(sandbox) {}

  boost::asio::awaitable<response> handle(request_context& ctx);

 private:
  // Steps 2–3 and the fast path of step 4; nullopt when the call may go on to storage.
  std::optional<response> check_in_memory(request_context& ctx, access_claims& claims);
  // The ErrorList answer for `e`, counted.
  response refuse(errc e, unsigned version);
  // 429 with Retry-After, counted.
  response quota_exceeded(unsigned version, millis retry_after);

  const access_token_verifier& tokens_;  // both kinds: Atc| and JWT
  const credential_cache& credentials_;
  const rate_limit_mirror& mirror_;
  rotation_service& rotation_;
  storage_executor& executor_;
  const clock& clock_;
  std::function<void(const rotation_outcome&)> rotated_;
  const maintenance_mode* maintenance_;
  metrics::service_metrics* metrics_;
  sandbox_behaviour sandbox_;
};

}  // namespace rekey::api
