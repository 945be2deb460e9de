#include "auth/secret_hasher.hpp"

#include <span>

#include "core/identifiers.hpp"
#include "crypto/key_derivation.hpp"

namespace rekey {

secret_hasher::secret_hasher(const key256& master) : key_(derive_key(master, secret_hash_purpose)) {}

std::string secret_hasher::fingerprint(const digest256& hash) { return to_hex(std::span(hash).first(6)); }

}  // namespace rekey
