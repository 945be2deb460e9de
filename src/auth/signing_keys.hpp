// signing_keys: the access-token signing keys, kept in storage sealed under the at-rest key
// (AES-256-GCM, AAD "signing-key:<kid>") so every node of a cluster verifies every token.
// The newest key signs; all verify. Called once at start-up, from one thread.
#pragma once

#include <map>
#include <string>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "core/random.hpp"
#include "crypto/bytes.hpp"
#include "storage/store.hpp"

namespace rekey {

struct signing_key_set {
  std::map<std::string, key256> keys;  // kid → key
  std::string active_kid;
};

// Loads the keys, creating the first one when there is none. Errors: storage errors;
// errc::internal when a stored key does not open under this master key (wrong master key).
[[nodiscard]] result<signing_key_set> load_signing_keys(store& storage, const key256& at_rest_key,
                                                        random_source& random, const clock& clock);

}  // namespace rekey
