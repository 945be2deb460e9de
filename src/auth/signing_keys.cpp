#include "auth/signing_keys.hpp"

#include <algorithm>

#include "core/identifiers.hpp"
#include "crypto/aes_gcm.hpp"

namespace rekey {

result<signing_key_set> load_signing_keys(store& storage, const key256& at_rest_key, random_source& random,
                                          const clock& clock) {
  auto work = storage.begin();
  if (!work) return work.error();
  auto stored = (*work)->keys().list_signing_keys();
  if (!stored) return stored.error();
  if (stored->empty()) {
    const auto key = random.bytes<32>();
    signing_key_record record;
    record.kid = to_hex(random.bytes<4>());
    record.sealed_key = seal(at_rest_key, "signing-key:" + record.kid, key, random);
    record.created_at = clock.now();
    if (auto r = (*work)->keys().insert_signing_key(record); !r) return r.error();
    if (auto r = (*work)->commit(); !r) return r.error();
    stored->push_back(record);
  }
  signing_key_set set;
  for (const auto& record : *stored) {  // oldest first: the last one is the newest
    auto opened = open_sealed(at_rest_key, "signing-key:" + record.kid, record.sealed_key);
    if (!opened || opened->size() != 32) return errc::internal;
    key256 key{};
    std::copy(opened->begin(), opened->end(), key.begin());
    set.keys[record.kid] = key;
    set.active_kid = record.kid;
  }
  return set;
}

}  // namespace rekey
