#include "runtime/io_context_pool.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <pthread.h>

#include <string>
#include <thread>

namespace rekey::runtime {

namespace asio = boost::asio;

struct io_context_pool::impl {
  using guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<guard> guards;
  std::size_t next = 0;
};

io_context_pool::io_context_pool(unsigned threads) : impl_(std::make_unique<impl>()) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    impl_->contexts.push_back(std::make_unique<asio::io_context>(1));  // concurrency hint: one thread
    impl_->guards.emplace_back(impl_->contexts.back()->get_executor());
  }
}

io_context_pool::~io_context_pool() = default;

asio::io_context& io_context_pool::main() { return *impl_->contexts.front(); }

asio::io_context& io_context_pool::next() {
  auto& ctx = *impl_->contexts[impl_->next];
  impl_->next = (impl_->next + 1) % impl_->contexts.size();
  return ctx;
}

std::size_t io_context_pool::size() const { return impl_->contexts.size(); }

void io_context_pool::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->contexts.size(); ++i) {
    threads.emplace_back([ctx = impl_->contexts[i].get(), name = "rekey-io-" + std::to_string(i)] {
      pthread_setname_np(pthread_self(), name.c_str());  // shown by top -H and perf
      ctx->run();
    });
  }
  impl_->contexts.front()->run();
  for (auto& t : threads) t.join();
}

void io_context_pool::release() {
  // Reset each guard on its own context's thread, after the work already queued there.
  for (std::size_t i = 0; i < impl_->contexts.size(); ++i) {
    asio::post(*impl_->contexts[i], [this, i] { impl_->guards[i].reset(); });
  }
}

}  // namespace rekey::runtime
