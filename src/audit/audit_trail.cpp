#include "audit/audit_trail.hpp"

#include <string_view>

#include "crypto/key_derivation.hpp"

namespace rekey {
namespace {

constexpr std::string_view audit_chain_purpose = "rekey/v1/audit-chain";

// Length-prefixed, so no two different entries serialise alike.
void append_field(std::string& out, std::string_view field) {
  const auto n = static_cast<std::uint64_t>(field.size());
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(field);
}

}  // namespace

audit_trail::audit_trail(const key256& master, const clock& clock)
    : key_(derive_key(master, audit_chain_purpose)), clock_(clock) {}

digest256 audit_trail::chain_hash(const audit_record& e) const {
  std::string message(reinterpret_cast<const char*>(e.previous_hash.data()), e.previous_hash.size());
  append_field(message, std::to_string(e.seq));
  append_field(message, std::to_string(to_epoch_ms(e.at)));
  append_field(message, e.actor);
  append_field(message, e.action);
  append_field(message, e.application_id);
  append_field(message, e.request_id);
  append_field(message, e.fingerprint);
  append_field(message, e.detail);
  return key_.sign(message);
}

result<void> audit_trail::record(unit_of_work& work, const audit_event& event) {
  auto last = work.audit().last();
  if (!last) return last.error();
  audit_record entry;
  entry.seq = *last ? (*last)->seq + 1 : 1;
  entry.at = clock_.now();
  entry.actor = event.actor;
  entry.action = event.action;
  entry.application_id = event.application_id;
  entry.request_id = event.request_id;
  entry.fingerprint = event.fingerprint;
  entry.detail = event.detail;
  if (*last) entry.previous_hash = (*last)->hash;
  entry.hash = chain_hash(entry);
  return work.audit().append(entry);
}

result<audit_verification> audit_trail::verify(store& storage) const {
  auto work = storage.begin();
  if (!work) return work.error();
  audit_verification out;
  std::int64_t expected_seq = 1;
  digest256 previous{};
  constexpr int page = 1000;
  for (;;) {
    auto entries = (*work)->audit().list(expected_seq - 1, page);
    if (!entries) return entries.error();
    for (const auto& e : *entries) {
      const char* why = nullptr;
      if (e.seq != expected_seq) {
        why = "an entry is missing before this one";
      } else if (!constant_time_equal(e.previous_hash, previous)) {
        why = "its previous_hash is not the hash of the entry before it";
      } else if (!constant_time_equal(e.hash, chain_hash(e))) {
        why = "its contents do not match its hash";
      }
      if (why != nullptr) {
        out.first_bad = e;
        out.why = why;
        return out;
      }
      ++out.entries;
      ++expected_seq;
      previous = e.hash;
    }
    if (entries->size() < static_cast<std::size_t>(page)) return out;
  }
}

}  // namespace rekey
