// Fuzzes jwt_codec::verify (src/auth/jwt_codec.hpp), the check of JWT access tokens (RFC 9068,
// Ed25519) on the rotate path and at introspection, and access_token_verifier
// (src/auth/access_token_verifier.hpp), which sends a token to it or to token_codec by its look.
// One Ed25519 key (jwt_keys.hpp: make_jwt_key under a fixed at-rest key, signing from 30 days
// before the fixed clock), the issuer "https://rekey.example", a token_codec with keys "k1"
// (active) and "k2" as in fuzz_token_codec, and a fixed clock (1'800'000'000'000 ms).
//
// Input: byte 0 (mod 2) chooses the mode, the rest is text.
//   0: the text is the token, verified as it is (three parts, header JSON, kid, signature).
//   1: the text is "<header JSON>\n<payload JSON>" (split at the first newline); the harness
//      base64url-encodes both and appends the right Ed25519 signature over
//      "b64(header).b64(payload)" under the ring's key, so mutations reach claim parsing past the
//      signature. The key is made afresh by each process, so its kid (a JWK thumbprint) cannot be
//      written in a seed: every "KID" (with its quotes) in the header is replaced by the ring's
//      kid, quoted, before encoding.
//
// Invariants (abort() on a violation): whatever jwt_codec verifies is unexpired at the clock, its
// header is a JSON object of exactly alg "EdDSA", typ "at+jwt" (or RFC 9068's long form
// "application/at+jwt", which verify accepts by design) and the ring's kid, and minting its claims
// again (same client_id and audience) verifies to the same claims, at the clock or, when its iat
// is later, at its iat (mint writes nbf = iat; see check_jwt). mint picks its key by iat: should
// the ring have no signer for that iat, mint must refuse with errc::internal. The verifier
// answers exactly as the codec its token goes to (the JWT codec for looks_like_jwt, else
// token_codec), and what it accepts is unexpired.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access_token_verifier.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/jwt_keys.hpp"
#include "auth/token_codec.hpp"
#include "core/split.hpp"
#include "crypto/base64.hpp"
#include "crypto/openssl_random.hpp"
#include "support/keys.hpp"

namespace {

namespace json = boost::json;

using rekey::testing::filled_key;

const rekey::time_point now = rekey::from_epoch_ms(1'800'000'000'000);
const rekey::millis lifetime{3'600'000};
const rekey::time_point key_signs_from = now - rekey::millis{30LL * 24 * 3'600'000};

struct fixture {
  fixture() {
    std::vector<rekey::jwt_key> keys;
    keys.push_back(rekey::make_jwt_key(filled_key(4), random, key_signs_from, rekey::millis{0}).first);
    ring.add(std::move(keys));
    key = ring.signer(now);
    if (!key) std::abort();
  }
  rekey::openssl_random random;
  rekey::jwt_key_ring ring{lifetime};
  rekey::jwt_codec jwt{ring, "https://rekey.example", random};
  std::map<std::string, rekey::key256> opaque_keys{{"k1", filled_key(1)}, {"k2", filled_key(2)}};
  rekey::token_codec opaque{opaque_keys, "k1"};
  rekey::access_token_verifier verifier{opaque, jwt};
  std::shared_ptr<const rekey::jwt_key> key;
};

fixture& f() {
  static fixture fx;
  return fx;
}

bool same(const rekey::access_claims& a, const rekey::access_claims& b) {
  return a.kind == b.kind && a.application_id == b.application_id && a.secret_id == b.secret_id &&
         a.scopes == b.scopes && a.issued_at == b.issued_at && a.expires_at == b.expires_at;
}

bool same(const rekey::verified_jwt& a, const rekey::verified_jwt& b) {
  return same(a.claims, b.claims) && a.client_id == b.client_id && a.audience == b.audience;
}

// The header of a token jwt_codec accepted, read independently of it.
bool header_is_right(std::string_view token) {
  const auto parts = rekey::split(token, '.');
  if (parts.size() != 3) return false;
  const auto decoded = rekey::base64url_decode(parts[0]);
  if (!decoded) return false;
  boost::system::error_code ec;
  const auto value = json::parse(std::string_view(reinterpret_cast<const char*>(decoded->data()), decoded->size()), ec);
  if (ec || !value.is_object()) return false;
  const auto& header = value.as_object();
  const auto text = [&header](std::string_view name) -> std::string_view {
    const auto* v = header.if_contains(name);
    return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view("\x01");
  };
  const auto typ = text("typ");
  return header.size() == 3 && text("alg") == "EdDSA" && (typ == "at+jwt" || typ == "application/at+jwt") &&
         text("kid") == f().key->kid;
}

void check_jwt(std::string_view token, const rekey::verified_jwt& v) {
  if (v.claims.expires_at <= now) std::abort();  // expired tokens must not verify
  if (!header_is_right(token)) std::abort();
  // exp and iat travel as whole seconds.
  if (rekey::to_epoch_ms(v.claims.issued_at) % 1000 != 0 || rekey::to_epoch_ms(v.claims.expires_at) % 1000 != 0)
    std::abort();
  const auto minted = f().jwt.mint(v.claims, v.client_id, v.audience);
  if (!f().ring.signer(v.claims.issued_at)) {
    // No key signed at that iat: mint refuses rather than sign with another.
    if (minted || minted.error() != rekey::errc::internal) std::abort();
    return;
  }
  if (!minted || !rekey::looks_like_jwt(*minted)) std::abort();
  // mint writes nbf = iat, while verify checks nbf (not iat) against the clock: a signed token with
  // nbf <= now < iat verifies, but its claims minted again are not valid before iat. Check the
  // round trip from the moment the new token is valid.
  const auto at = std::max(now, v.claims.issued_at);
  const auto again = f().jwt.verify(*minted, at);
  if (at >= v.claims.expires_at) {  // iat = exp, in the future: the new token is never valid
    if (again || again.error() != rekey::errc::access_token_expired) std::abort();
    return;
  }
  if (!again || !same(v, *again)) std::abort();
  const auto via = f().verifier.verify(*minted, at);
  if (!via || !via->jwt || !same(v.claims, via->claims) || via->client_id != v.client_id || via->audience != v.audience)
    std::abort();
}

std::string b64(std::string_view text) { return rekey::base64url_encode(rekey::as_bytes(text)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token(text);
  if (data[0] % 2 == 1) {
    // "<header JSON>\n<payload JSON>": encode both and sign them with the ring's key.
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos) return 0;
    std::string header(text.substr(0, newline));
    const std::string quoted_kid = "\"" + f().key->kid + "\"";
    for (auto at = header.find("\"KID\""); at != std::string::npos; at = header.find("\"KID\"", at + quoted_kid.size()))
      header.replace(at, 5, quoted_kid);
    token = b64(header) + "." + b64(text.substr(newline + 1));
    const auto signature = f().key->private_key.sign(token);
    token += "." + rekey::base64url_encode(signature);
  }

  const auto direct = f().jwt.verify(token, now);
  if (direct) check_jwt(token, *direct);

  const auto opaque = f().opaque.verify(token, now);
  if (opaque && opaque->expires_at <= now) std::abort();

  const auto via = f().verifier.verify(token, now);
  if (rekey::looks_like_jwt(token)) {
    if (via.has_value() != direct.has_value()) std::abort();
    if (via && (!via->jwt || !same(via->claims, direct->claims) || via->client_id != direct->client_id ||
                via->audience != direct->audience))
      std::abort();
    if (!via && via.error() != direct.error()) std::abort();
  } else {
    if (via.has_value() != opaque.has_value()) std::abort();
    if (via && (via->jwt || !same(via->claims, *opaque) || !via->client_id.empty() || !via->audience.empty()))
      std::abort();
    if (!via && via.error() != opaque.error()) std::abort();
  }
  if (via && via->claims.expires_at <= now) std::abort();
  return 0;
}
