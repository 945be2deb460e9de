// storage_executor: where blocking work (SQLite calls, later libpq) runs, so I/O threads never
// block. One dedicated thread: SQLite has a single writer anyway, and one thread serialises
// the store's transactions without locks.
//
// run(f) suspends the calling coroutine, runs f on the storage thread and resumes the
// coroutine on its own executor with f's result. Admission control: when max_pending jobs are
// already queued, run() answers nullopt at once and the caller replies 503. An exception thrown
// by f is rethrown in the caller. Thread-safe.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>
#include <optional>
#include <type_traits>

namespace rekey::http {

class storage_executor {
 public:
  explicit storage_executor(std::size_t max_pending) : max_pending_(max_pending) {}
  ~storage_executor() { stop(); }

  template <class F>
  boost::asio::awaitable<std::optional<std::invoke_result_t<F>>> run(F f) {
    using value = std::optional<std::invoke_result_t<F>>;
    if (pending_.fetch_add(1) >= max_pending_) {
      pending_.fetch_sub(1);
      co_return value{};
    }
    co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                   void(std::exception_ptr, value)>(
        [this](auto handler, F job) {
          auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
          boost::asio::post(
              pool_, [this, handler = std::move(handler), job = std::move(job), work = std::move(work)]() mutable {
                value out;
                std::exception_ptr error;
                try {
                  out.emplace(job());
                } catch (...) {
                  error = std::current_exception();
                }
                pending_.fetch_sub(1);
                auto ex = work.get_executor();
                boost::asio::dispatch(ex, [handler = std::move(handler), error, out = std::move(out)]() mutable {
                  std::move(handler)(error, std::move(out));
                });
              });
        },
        boost::asio::use_awaitable, std::move(f));
  }

  std::size_t pending() const { return pending_.load(); }

  // Finishes queued jobs and joins the thread.
  void stop() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_{1};
  std::atomic<std::size_t> pending_{0};
  std::size_t max_pending_;
};

}  // namespace rekey::http
