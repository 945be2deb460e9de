// Fuzzes the admin API's request path as the server runs it (src/api/admin_api.cpp,
// queue_admin_api.cpp): the real route tables (admin_api::add_routes, with the destination test
// and the --dev clock routes; queue_admin_api::add_routes) behind the real admin_guard, in a
// real router, the bearer check, the body read as a JSON object by Boost.JSON, the field and
// query readers (string fields, rotateRate/rotateBurst numbers, ?state=, ?after=&limit=, the
// dev clock's duration) and the admin_service calls behind them, on a real sqlite_store
// (sqlite_fixture: one database per process, each input rolled back) through a real
// storage_executor thread. Those readers live in an anonymous namespace, so this public path
// is the only way to them without changing src/.
//
// Input: byte 0 (mod 2): 0 sends the right "Authorization: Bearer <admin token>"; 1 takes the
// Authorization header from the first line after the request line. Then "METHOD TARGET\n"
// and the body (the rest).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "api/admin_api.hpp"
#include "api/admin_guard.hpp"
#include "api/error_response.hpp"
#include "api/queue_admin_api.hpp"
#include "audit/audit_trail.hpp"
#include "auth/credential_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "console/admin_service.hpp"
#include "console/admin_token.hpp"
#include "core/config.hpp"
#include "core/offset_clock.hpp"
#include "queue/access_key_cache.hpp"
#include "runtime/storage_executor.hpp"
#include "sqlite_fixture.hpp"
#include "support/counting_random.hpp"
#include "support/manual_clock.hpp"

namespace {

namespace asio = boost::asio;

rekey::key256 master_key() {
  rekey::key256 k{};
  k.fill(9);
  return k;
}

// What lives as long as the process: the database, the hasher, the admin token, the storage
// thread. Everything an input can change is made again for each input.
struct process_state {
  rekey::fuzz::sqlite_fixture db;
  rekey::testing::manual_clock base_clock;
  rekey::secret_hasher hasher{master_key()};
  rekey::audit_trail audit{master_key(), base_clock, rekey::audit_trail::single_writer_chains};
  rekey::secret_policy_config policy;
  rekey::admin_token token{hasher};
  std::string bearer;
  rekey::runtime::storage_executor executor{10'000, db.storage()};

  process_state() {
    rekey::testing::counting_random random;
    if (!token.ensure(db.storage(), db.file("admin-token"), random)) throw std::runtime_error("admin token");
    std::ifstream in(db.file("admin-token"));
    std::getline(in, bearer);
    bearer = "Bearer " + bearer;
  }
};

process_state& state() {
  static process_state s;
  return s;
}

std::string_view next_line(std::string_view& rest) {
  const auto newline = rest.find('\n');
  const auto line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto& s = state();
  const bool own_authorization = data[0] % 2 == 1;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto request_line = next_line(rest);
  const auto authorization = own_authorization ? std::string(next_line(rest)) : s.bearer;
  const auto space = request_line.find(' ');
  if (space == std::string_view::npos || space == 0) return 0;
  const auto method = request_line.substr(0, space);
  const auto target = request_line.substr(space + 1);
  if (target.empty() || target.find_first_of("\r\n") != std::string_view::npos) return 0;

  rekey::http::request req;
  try {
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set("Authorization", authorization);
  } catch (const std::exception&) {
    return 0;  // Beast refuses the token as a method or a field value: no parser would have produced it
  }
  req.body() = std::string(rest);

  rekey::testing::counting_random random;
  rekey::offset_clock dev_clock(s.base_clock);
  rekey::credential_cache credentials;
  rekey::access_key_cache access_keys;
  rekey::admin_service service(s.db.storage(), dev_clock, random, s.hasher, credentials, s.policy, master_key(),
                               access_keys, s.audit);
  rekey::failure_throttle failures({1'000'000, 1'000'000, rekey::millis{60'000}});  // never in the way here
  rekey::console_sessions sessions(dev_clock, random);
  const rekey::api::admin_guard guard(s.token, failures, sessions, dev_clock);
  rekey::api::admin_api::options options;
  options.wake_relay = [] {};
  options.tester = [](const rekey::destination_record&) -> asio::awaitable<rekey::delivery_outcome> {
    co_return rekey::delivery_outcome{true, {}};
  };
  options.dev_clock = &dev_clock;
  options.policy = s.policy;
  rekey::api::admin_api api(service, guard, s.executor, dev_clock, std::move(options));
  rekey::queue_admin queues(s.db.storage(), dev_clock, master_key(), access_keys, s.audit);
  rekey::api::queue_admin_api queue_api(queues, guard, s.executor, "http://127.0.0.1:8080");
  rekey::http::router routes(rekey::api::transport_error_response);
  api.add_routes(routes);
  queue_api.add_routes(routes);

  rekey::http::request_context ctx{req, "127.0.0.1", "00000000-0000-4000-8000-000000000000", {}, {}};
  rekey::http::response res;
  asio::io_context io;
  s.db.begin();
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { res = co_await routes.dispatch(ctx); },
      [](std::exception_ptr e) {
        // server::serve answers a handler's std::exception with 500; anything else escapes.
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception&) {
        }
      });
  io.run();
  s.db.undo();
  if (res.result_int() < 200 || res.result_int() > 599) std::abort();
  return 0;
}
