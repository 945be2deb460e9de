// storage_executor: where blocking work (SQLite and libpq calls) runs, so I/O threads never
// block. Dedicated threads: one for SQLite (a single writer anyway; one thread serialises the
// store's transactions without locks), several for PostgreSQL (one per pooled connection, so
// transactions overlap).
//
// run(f) suspends the calling coroutine, runs f on a storage thread and resumes the coroutine
// on its own executor with f's result. f may take a unit_source& (store.hpp): where its units of
// work come from — the store batch it runs in, or the store itself when it runs on its own.
// How jobs are batched is one batching_policy (batching_policy.hpp). Group commit (every_job,
// one thread): the thread takes every job that is waiting, runs them inside one store batch
// (each job's units of work still all or nothing) and commits once — one fsync for many
// rotations — and only then resumes their callers, so no answer is sent before its writes are
// durable. When the batch cannot begin or commit, every job in it answers
// errc::service_unavailable, as when more than max_pending jobs are already queued (admission
// control): callers reply 503. An exception thrown by f is rethrown in the caller. Thread-safe.
//
// Rotation batches (rotations): jobs submitted with run_rotation() are batched, by as many
// threads as the policy says, each batch a store rotation batch (store::begin_rotation_batch,
// which needs every job's key up front); every other job runs on its own.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "runtime/batching_policy.hpp"
#include "storage/store.hpp"

namespace rekey::runtime {

// Whether f takes the store itself (a run_unbatched() job), and not any unit_source.
template <class F>
inline constexpr bool takes_store_v = std::is_invocable_v<F&, store&> && !std::is_invocable_v<F&, unit_source&>;

// What a job f returns: f(unit_source&)'s when f takes one, f(store&)'s when it takes the store,
// else f()'s.
template <class F>
using job_value_t = typename std::conditional_t<
    std::is_invocable_v<F&, unit_source&>, std::invoke_result<F&, unit_source&>,
    std::conditional_t<takes_store_v<F>, std::invoke_result<F&, store&>, std::invoke_result<F&>>>::type;

// What storage_executor::run(f) answers: f's result<T> as it is, any other value (or void) as a
// result of it.
template <class R>
struct as_result {
  using type = result<R>;
};
template <class T>
struct as_result<result<T>> {
  using type = result<T>;
};
template <class F>
using run_result_t = typename as_result<job_value_t<F>>::type;

class storage_executor {
 public:
  // Jobs run against `storage` (its batches, as `policy` says). std::invalid_argument for
  // every_job with other than one thread.
  storage_executor(std::size_t max_pending, store& storage, batching_policy policy = batching_policy::unbatched());
  ~storage_executor();
  storage_executor(const storage_executor&) = delete;
  storage_executor& operator=(const storage_executor&) = delete;

  // run(f): f's result as a result<T> — f's own when f returns a result<T>, else f's value
  // (result<void> for void) — or errc::service_unavailable when the job was refused or its
  // batch could not commit.
  template <class F>
  boost::asio::awaitable<run_result_t<F>> run(F f) {
    static_assert(!takes_store_v<F>, "a job given the store itself runs with run_unbatched()");
    co_return co_await submit(nullptr, std::move(f));
  }
  // run(), for a job that is one rotation for `key` (its only unit of work, begun from the
  // unit_source it is given; store.hpp). `key` is
  // copied into the job when the call is awaited. Pass a named object, not a temporary: GCC 12
  // moves a temporary that lives across a co_await into the coroutine frame bit by bit, leaving
  // its strings pointing at the old place (ASan found it in this executor's test).
  template <class F>
  boost::asio::awaitable<run_result_t<F>> run_rotation(const rotation_key& key, F f) {
    static_assert(!takes_store_v<F>, "a job given the store itself runs with run_unbatched()");
    co_return co_await submit(&key, std::move(f));
  }

  // run(), for a job that must not run inside a batch (a readiness probe: store::probe). f is
  // called with the store itself, on its own between batches.
  template <class F>
  boost::asio::awaitable<run_result_t<F>> run_unbatched(F f) {
    static_assert(takes_store_v<F>, "run_unbatched(f): f takes the store (store&)");
    co_return co_await submit(nullptr, std::move(f), true);
  }

  // Finishes queued jobs and joins the threads.
  void stop();

  // Jobs queued or running, for monitoring.
  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  // `observer` is told, on a storage thread, how many jobs each batch ran together (1 for a job
  // run on its own). Set before the first job is submitted.
  void observe_batches(std::function<void(std::size_t)> observer) { batch_observer_ = std::move(observer); }

 private:
  // Admission control: false when max_pending jobs are already queued.
  bool admit() {
    if (pending_.fetch_add(1) < max_pending_) return true;
    pending_.fetch_sub(1);
    return false;
  }

  // errc::service_unavailable as a result<T> (in place: T may itself be made from an error code).
  template <class R>
  static R unavailable() {
    return R(boost::system::in_place_error, make_error_code(errc::service_unavailable));
  }

  template <class F>
  boost::asio::awaitable<run_result_t<F>> submit(const rotation_key* key, F f, bool unbatched = false) {
    using value = run_result_t<F>;
    if (!admit()) co_return unavailable<value>();
    co_return co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                   void(std::exception_ptr, value)>(
        [this, key, unbatched](auto handler, F fn) {
          auto j = make_job(key != nullptr ? std::optional<rotation_key>(*key) : std::nullopt, std::move(fn),
                            std::move(handler));
          j->unbatched = unbatched;
          enqueue(std::move(j));
        },
        boost::asio::use_awaitable, std::move(f));
  }

  struct job {
    virtual ~job() = default;
    std::optional<rotation_key> key;           // run_rotation()'s
    bool unbatched = false;                    // run_unbatched()'s: alone, against the store itself
    virtual void run(unit_source& units) = 0;  // on the storage thread
    virtual void complete(bool durable) = 0;   // resumes the caller on its own executor
  };

  template <class F, class Handler>
  struct typed_job final : job {
    using value = run_result_t<F>;
    typed_job(F f, Handler h)
        : fn(std::move(f)),
          handler(std::move(h)),
          work(boost::asio::make_work_guard(boost::asio::get_associated_executor(handler))) {}
    void run(unit_source& units) override {
      try {
        if constexpr (std::is_void_v<job_value_t<F>>) {
          call(units);
          outcome.emplace();
        } else {
          outcome.emplace(call(units));
        }
      } catch (...) {
        error = std::current_exception();
      }
    }
    decltype(auto) call(unit_source& units) {
      if constexpr (takes_store_v<F>)
        return fn(static_cast<store&>(units));  // run_unbatched(): run_jobs gives it the store itself
      else if constexpr (std::is_invocable_v<F&, unit_source&>)
        return fn(units);
      else
        return fn();
    }
    void complete(bool durable) override {
      // Not durable: its writes were lost with the batch, so it answers "unavailable".
      value answer = durable && outcome ? std::move(*outcome) : unavailable<value>();
      auto ex = work.get_executor();
      boost::asio::dispatch(
          ex, [h = std::move(handler), e = error, r = std::move(answer)]() mutable { std::move(h)(e, std::move(r)); });
    }
    F fn;
    Handler handler;
    boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work;
    std::optional<value> outcome;  // set by run() unless fn threw
    std::exception_ptr error;
  };

  template <class F, class Handler>
  static std::unique_ptr<job> make_job(std::optional<rotation_key> key, F f, Handler handler) {
    auto j = std::make_unique<typed_job<F, Handler>>(std::move(f), std::move(handler));
    j->key = std::move(key);
    return j;
  }
  void enqueue(std::unique_ptr<job> j);
  void loop();
  // The jobs waiting that go together: a batch's worth, or one job on its own.
  std::vector<std::unique_ptr<job>> take_jobs(std::unique_lock<std::mutex>& lock);
  // Runs them (in a batch, when they are one); false when they are not durable.
  bool run_jobs(std::vector<std::unique_ptr<job>>& jobs);

  store& storage_;
  batching_policy policy_;
  std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
  std::function<void(std::size_t)> batch_observer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<job>> queue_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace rekey::runtime
