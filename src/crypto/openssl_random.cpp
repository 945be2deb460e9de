#include "crypto/openssl_random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace rekey {
namespace {

void draw(std::span<std::uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("OpenSSL: RAND_bytes failed");
  }
}

// One thread's block of CSPRNG output not yet handed out.
class random_block {
 public:
  static constexpr std::size_t size = 4096;

  ~random_block() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

  void take(std::span<std::uint8_t> out) {
    if (size - used_ < out.size()) {
      draw(bytes_);
      used_ = 0;
    }
    std::uint8_t* from = bytes_.data() + used_;
    std::memcpy(out.data(), from, out.size());
    OPENSSL_cleanse(from, out.size());
    used_ += out.size();
  }

 private:
  std::array<std::uint8_t, size> bytes_{};
  std::size_t used_ = size;  // empty: the first request fills it
};

}  // namespace

void openssl_random::fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (out.size() > random_block::size / 8) return draw(out);  // large requests go straight to the DRBG
  thread_local random_block block;
  block.take(out);
}

}  // namespace rekey
