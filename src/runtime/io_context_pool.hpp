// io_context_pool: one io_context per I/O thread, each run by exactly one thread.
//
// Why not one shared io_context run by N threads: on a small machine the shared scheduler's
// lock and cross-thread wake-ups cost more than the work itself (measured with perf: most
// time in the kernel's task switching), and every connection then needs a strand. Here each
// connection lives on one context for its whole life, so its handlers never run concurrently
// and need no strand. Other threads may still post to any context (storage completions,
// shutdown). next() is called only from the accepting thread; run() blocks until every context
// has run out of work after release().
#pragma once

#include <memory>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace rekey::runtime {

class io_context_pool {
 public:
  explicit io_context_pool(unsigned threads);
  ~io_context_pool();
  io_context_pool(const io_context_pool&) = delete;
  io_context_pool& operator=(const io_context_pool&) = delete;

  boost::asio::io_context& main();
  boost::asio::io_context& next();  // round robin
  std::size_t size() const;

  // Runs every context on its own thread (the calling thread runs main()) and returns when all
  // have stopped.
  void run();
  // Lets contexts stop once their remaining work (open connections) is done.
  void release();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rekey::runtime
