// secret_hasher: turns client secrets and refresh tokens into what storage keeps — a keyed
// hash (HMAC-SHA256 under a key derived from the master key), never the plaintext. A stolen
// database without the master key cannot be used to test guesses offline.
// Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "crypto/hmac.hpp"

namespace rekey {

class secret_hasher {
 public:
  explicit secret_hasher(const key256& master);

  digest256 hash(std::string_view secret) const { return key_.sign(secret); }

  // A short, non-reversible label for logs, the console and the audit trail.
  static std::string fingerprint(const digest256& hash);

 private:
  hmac_key key_;
};

}  // namespace rekey
