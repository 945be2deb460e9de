// Fuzzes token_codec::verify (src/auth/token_codec.hpp), the check of every access token on
// the rotate path, with a fixed key set ("k1" active, "k2" verifying) and a fixed clock.
//
// Input: byte 0 (mod 2) chooses the mode, the rest is text.
//   0: the text is the token, verified as it is (prefix, kid, base64url, signature).
//   1: the text is "<prefix><kid>.<payload in plain text>"; the harness base64url-encodes the
//      payload and appends the right signature (under the kid's key, or k1's for an unknown
//      kid), so mutations reach the payload's fields past the HMAC check. Whatever verifies is
//      minted again and must verify to the same claims (round trip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "auth/token_codec.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"
#include "support/keys.hpp"

namespace {

using rekey::testing::filled_key;

const std::map<std::string, rekey::key256>& keys() {
  static const std::map<std::string, rekey::key256> k{{"k1", filled_key(1)}, {"k2", filled_key(2)}};
  return k;
}

const rekey::token_codec& codec() {
  static const rekey::token_codec c(keys(), "k1");
  return c;
}

const rekey::time_point now = rekey::from_epoch_ms(1'800'000'000'000);

bool same(const rekey::access_claims& a, const rekey::access_claims& b) {
  return a.kind == b.kind && a.application_id == b.application_id && a.secret_id == b.secret_id &&
         a.scopes.bits == b.scopes.bits && a.issued_at == b.issued_at && a.expires_at == b.expires_at;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token(text);
  if (data[0] % 2 == 1) {
    // "<prefix><kid>.<payload>": sign what the fuzzer wrote.
    const auto bar = text.find('|');
    const auto dot = text.find('.', bar == std::string_view::npos ? 0 : bar);
    if (bar == std::string_view::npos || dot == std::string_view::npos) return 0;
    const auto kid = std::string(text.substr(bar + 1, dot - bar - 1));
    const auto payload = text.substr(dot + 1);
    token = std::string(text.substr(0, dot + 1)) + rekey::base64url_encode(rekey::as_bytes(payload));
    const auto key = keys().find(kid);
    const rekey::hmac_key signer(key == keys().end() ? keys().at("k1") : key->second);
    token += "." + rekey::base64url_encode(signer.sign(token));
  }
  const auto claims = codec().verify(token, now);
  if (claims) {
    if (claims->expires_at <= now) std::abort();  // expired tokens must not verify
    const auto again = codec().verify(codec().mint(*claims), now);
    if (!again || !same(*claims, *again)) std::abort();
  }
  return 0;
}
