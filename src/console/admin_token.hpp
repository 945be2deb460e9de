// admin_token: the bearer token that guards the admin API.
//
// Created on first start: a random token is written to <data_dir>/admin-token (mode 0600) and
// only its keyed hash is kept in storage. If the file is lost, a new token replaces the old
// one at the next start. Immutable after ensure(); verify() is thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "auth/secret_hasher.hpp"
#include "core/errc.hpp"
#include "core/random.hpp"
#include "storage/store.hpp"

namespace rekey {

class admin_token {
 public:
  explicit admin_token(const secret_hasher& hasher) : hasher_(hasher) {}

  // Loads or creates the token. `file` is where the plaintext lives for the operator.
  // Errors: storage errors, errc::internal when the file cannot be written.
  [[nodiscard]] result<void> ensure(store& storage, const std::string& file, random_source& random);
  // Whether ensure() had to create a new token.
  bool created() const { return created_; }

  // Constant-time check of a presented token.
  bool verify(std::string_view presented) const;

 private:
  const secret_hasher& hasher_;
  digest256 hash_{};
  bool ready_ = false;
  bool created_ = false;
};

}  // namespace rekey
