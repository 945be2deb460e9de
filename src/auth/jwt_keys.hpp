// jwt_keys: the Ed25519 keys that sign JWT access tokens (auth/jwt_codec.hpp), and their
// schedule. A key is published (in /.well-known/jwks.json) from its creation and signs from its
// signs_from — creation plus the lead (--jwt-key-lead), so that resource servers that cache the
// JWKS see it before any token they meet was signed with it. It signs until a newer key's
// signs_from, then stays published until its last token has expired (that moment plus the token
// lifetime), then it is gone.
//
// Keys live in storage, their private half sealed under the at-rest key (AAD "jwt-key:<kid>"), so
// every node of a cluster signs and publishes the same keys. jwt_key_ring holds what this node
// loaded; add() merges what storage has (after a rotation here, or another node's): keys are
// never changed nor deleted, so reads that finish out of order cannot lose one. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/errc.hpp"
#include "core/random.hpp"
#include "crypto/ed25519.hpp"
#include "storage/records.hpp"
#include "storage/store.hpp"

namespace rekey {

struct jwt_key {
  std::string kid;  // RFC 7638 thumbprint of its JWK
  ed25519_private_key private_key;
  ed25519_public_key public_key;
  std::string x;  // the public key, base64url (the JWK's "x")
  time_point created_at;
  time_point signs_from;
};

enum class jwt_key_state { next, active, retiring, unpublished };
std::string_view to_string(jwt_key_state s);

struct jwt_key_status {
  std::shared_ptr<const jwt_key> key;
  jwt_key_state state = jwt_key_state::next;
  std::optional<time_point> published_until;  // once a newer key signs
};

class jwt_key_ring {
 public:
  explicit jwt_key_ring(millis token_lifetime) : token_lifetime_(token_lifetime) {}

  // Adds the keys not known yet (by kid).
  void add(std::vector<jwt_key> keys);
  // The key that signs at `now`: the newest whose signs_from has come — or, when none has (the
  // first key of a cluster whose clocks differ), the oldest; null when there is no key.
  std::shared_ptr<const jwt_key> signer(time_point now) const;
  // The published key `kid` (next, active or retiring at `now`); null otherwise.
  std::shared_ptr<const jwt_key> published(std::string_view kid, time_point now) const;
  // Every key, oldest first, with its state at `now`.
  std::vector<jwt_key_status> statuses(time_point now) const;

 private:
  using key_list = std::vector<std::shared_ptr<const jwt_key>>;  // by signs_from, then creation
  std::shared_ptr<const key_list> snapshot() const;
  static jwt_key_status status_of(const key_list& keys, std::size_t i, time_point now, millis token_lifetime);

  millis token_lifetime_;
  mutable std::mutex mutex_;
  std::shared_ptr<const key_list> keys_ = std::make_shared<key_list>();  // guarded by mutex_
};

// The JWK thumbprint (RFC 7638) of an Ed25519 public key given as its base64url "x".
std::string jwk_thumbprint(std::string_view x);

// A new key, signing from now + lead, and its record for storage.
std::pair<jwt_key, jwt_key_record> make_jwt_key(const key256& at_rest_key, random_source& random, time_point now,
                                                millis lead);

// Reads every key from storage; the first start makes the first key (signing at once). Errors:
// storage errors; errc::internal when a key does not open under this master key.
[[nodiscard]] result<std::vector<jwt_key>> load_jwt_keys(store& storage, const key256& at_rest_key,
                                                         random_source& random, time_point now);
// The keys as storage has them (after another node rotated).
[[nodiscard]] result<std::vector<jwt_key>> open_jwt_keys(const std::vector<jwt_key_record>& records,
                                                         const key256& at_rest_key);

}  // namespace rekey
