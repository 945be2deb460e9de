// POST /auth/o2/token — the LWA-compatible token endpoint (SPEC §3): reads the request in any
// of its real-world shapes, answers from memory when it can and from storage when it must
// (token_service), and writes the LWA response. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/handler.hpp"
#include "auth/token_service.hpp"
#include "runtime/storage_executor.hpp"
#include "storage/store.hpp"

namespace rekey::api {

class token_endpoint {
 public:
  token_endpoint(token_service& tokens, store& storage, storage_executor& executor)
      : tokens_(tokens), storage_(storage), executor_(executor) {}

  boost::asio::awaitable<response> handle(request_context& ctx);

 private:
  token_service& tokens_;
  store& storage_;
  storage_executor& executor_;
};

}  // namespace rekey::api
