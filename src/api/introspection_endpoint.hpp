// POST /auth/o2/introspect — RFC 7662 token introspection for resource servers
// (auth/introspection_service.hpp), in the OAuth error shape of the token endpoint.
//
// The resource server authenticates first: failing that, whatever the rest of the request, the
// answer is 401 invalid_client with WWW-Authenticate, `failure_delay` after the request was read
// (as the token endpoint's refusals), so that an unauthenticated caller learns nothing of the
// token or of which ids exist. An authenticated request without a token is 400 invalid_request;
// otherwise 200 with the token's description or exactly {"active":false}. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/handler.hpp"
#include "auth/introspection_service.hpp"
#include "core/clock.hpp"
#include "runtime/storage_executor.hpp"
#include "storage/store.hpp"

namespace rekey::api {

class introspection_endpoint {
 public:
  introspection_endpoint(introspection_service& introspection, store& storage, storage_executor& executor,
                         millis failure_delay)
      : introspection_(introspection), storage_(storage), executor_(executor), failure_delay_(failure_delay) {}

  boost::asio::awaitable<response> handle(request_context& ctx);

 private:
  introspection_service& introspection_;
  store& storage_;
  storage_executor& executor_;
  millis failure_delay_;
};

}  // namespace rekey::api
