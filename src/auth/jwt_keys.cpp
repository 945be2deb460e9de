#include "auth/jwt_keys.hpp"

#include <spdlog/spdlog.h>

#include <openssl/crypto.h>

#include <algorithm>

#include "crypto/aes_gcm.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"

namespace rekey {
namespace {

std::string aad_of(std::string_view kid) { return "jwt-key:" + std::string(kid); }

}  // namespace

std::string_view to_string(jwt_key_state s) {
  switch (s) {
    case jwt_key_state::next:
      return "next";
    case jwt_key_state::active:
      return "active";
    case jwt_key_state::retiring:
      return "retiring";
    case jwt_key_state::unpublished:
      return "unpublished";
  }
  return "unknown";
}

void jwt_key_ring::add(std::vector<jwt_key> keys) {
  std::lock_guard lock(mutex_);
  auto list = std::make_shared<key_list>(*keys_);
  for (auto& k : keys) {
    const bool known = std::any_of(list->begin(), list->end(), [&](const auto& have) { return have->kid == k.kid; });
    if (!known) list->push_back(std::make_shared<const jwt_key>(std::move(k)));
  }
  std::sort(list->begin(), list->end(), [](const auto& a, const auto& b) {
    if (a->signs_from != b->signs_from) return a->signs_from < b->signs_from;
    return a->created_at != b->created_at ? a->created_at < b->created_at : a->kid < b->kid;
  });
  keys_ = std::move(list);
}

std::shared_ptr<const jwt_key_ring::key_list> jwt_key_ring::snapshot() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

jwt_key_status jwt_key_ring::status_of(const key_list& keys, std::size_t i, time_point now, millis token_lifetime) {
  jwt_key_status status{keys[i], jwt_key_state::next, std::nullopt};
  if (now < keys[i]->signs_from) return status;
  // The next key that has begun to sign ends this one's signing.
  for (std::size_t j = i + 1; j < keys.size(); ++j) {
    if (keys[j]->signs_from <= now) {
      status.published_until = keys[j]->signs_from + token_lifetime;
      status.state = now < *status.published_until ? jwt_key_state::retiring : jwt_key_state::unpublished;
      return status;
    }
  }
  status.state = jwt_key_state::active;
  if (i + 1 < keys.size()) status.published_until = keys[i + 1]->signs_from + token_lifetime;
  return status;
}

std::shared_ptr<const jwt_key> jwt_key_ring::signer(time_point now) const {
  const auto keys = snapshot();
  for (auto it = keys->rbegin(); it != keys->rend(); ++it)
    if ((*it)->signs_from <= now) return *it;
  return keys->empty() ? nullptr : keys->front();
}

std::shared_ptr<const jwt_key> jwt_key_ring::published(std::string_view kid, time_point now) const {
  const auto keys = snapshot();
  for (std::size_t i = 0; i < keys->size(); ++i) {
    if ((*keys)[i]->kid != kid) continue;
    return status_of(*keys, i, now, token_lifetime_).state == jwt_key_state::unpublished ? nullptr : (*keys)[i];
  }
  return nullptr;
}

std::vector<jwt_key_status> jwt_key_ring::statuses(time_point now) const {
  const auto keys = snapshot();
  std::vector<jwt_key_status> out;
  for (std::size_t i = 0; i < keys->size(); ++i) out.push_back(status_of(*keys, i, now, token_lifetime_));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key->created_at < b.key->created_at; });
  return out;
}

std::string jwk_thumbprint(std::string_view x) {
  // RFC 7638 §3.2: the required members, in lexicographic order, no whitespace.
  const std::string canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + std::string(x) + R"("})";
  return base64url_encode(sha256(as_bytes(canonical)));
}

std::pair<jwt_key, jwt_key_record> make_jwt_key(const key256& at_rest_key, random_source& random, time_point now,
                                                millis lead) {
  auto private_key = ed25519_private_key::generate();
  auto public_key = private_key.public_key();
  const auto x = base64url_encode(public_key.raw());
  const auto kid = jwk_thumbprint(x);
  auto seed = private_key.seed();
  jwt_key_record record{kid, "EdDSA", seal(at_rest_key, aad_of(kid), seed, random), x, now, now + lead};
  OPENSSL_cleanse(seed.data(), seed.size());
  return {jwt_key{kid, std::move(private_key), std::move(public_key), x, now, now + lead}, std::move(record)};
}

result<std::vector<jwt_key>> open_jwt_keys(const std::vector<jwt_key_record>& records, const key256& at_rest_key) {
  std::vector<jwt_key> keys;
  for (const auto& r : records) {
    auto seed = open_sealed(at_rest_key, aad_of(r.kid), r.sealed_private_key);
    if (!seed) return errc::internal;
    auto key = ed25519_private_key::from_seed(*seed);
    OPENSSL_cleanse(seed->data(), seed->size());
    if (!key) return errc::internal;
    auto public_key = key->public_key();
    if (base64url_encode(public_key.raw()) != r.public_key) return errc::internal;
    keys.push_back({r.kid, std::move(*key), std::move(public_key), r.public_key, r.created_at, r.signs_from});
  }
  return keys;
}

result<std::vector<jwt_key>> load_jwt_keys(store& storage, const key256& at_rest_key, random_source& random,
                                           time_point now) {
  auto work = storage.begin();
  if (!work) return work.error();
  auto records = (*work)->keys().list_jwt_keys();
  if (!records) return records.error();
  if (!records->empty()) return open_jwt_keys(*records, at_rest_key);
  auto [key, record] = make_jwt_key(at_rest_key, random, now, millis{0});
  if (auto r = (*work)->keys().insert_jwt_key(record); !r) return r.error();
  if (auto r = (*work)->commit(); !r) return r.error();
  spdlog::info("created the first JWT signing key {}", key.kid);
  std::vector<jwt_key> keys;
  keys.push_back(std::move(key));
  return keys;
}

}  // namespace rekey
