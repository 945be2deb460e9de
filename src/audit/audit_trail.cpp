#include "audit/audit_trail.hpp"

#include <algorithm>
#include <map>
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

audit_trail::audit_trail(const key256& master, const clock& clock, int chains)
    : key_(derive_key(master, audit_chain_purpose)), clock_(clock), chains_(std::max(1, chains)) {}

int audit_trail::chain_for(std::string_view application_id) const {
  if (application_id.empty()) return 0;
  std::uint32_t h = 2166136261u;  // FNV-1a: the same chain for an application on every node
  for (const char c : application_id) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
  return static_cast<int>(h % static_cast<std::uint32_t>(chains_));
}

digest256 audit_trail::chain_hash(const audit_record& e) const {
  std::string message(reinterpret_cast<const char*>(e.previous_hash.data()), e.previous_hash.size());
  append_field(message, std::to_string(e.seq));
  if (e.chain != 0) append_field(message, "chain " + std::to_string(e.chain));
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
  auto head = work.audit().head(chain_for(event.application_id));
  if (!head) return head.error();
  return record(work, event, *head);
}

result<void> audit_trail::record(unit_of_work& work, const audit_event& event, const audit_head& head) {
  audit_record entry;
  entry.chain = chain_for(event.application_id);
  entry.seq = head.next_seq;
  entry.at = clock_.now();
  entry.actor = event.actor;
  entry.action = event.action;
  entry.application_id = event.application_id;
  entry.request_id = event.request_id;
  entry.fingerprint = event.fingerprint;
  entry.detail = event.detail;
  if (head.last) entry.previous_hash = head.last->hash;
  entry.hash = chain_hash(entry);
  return work.audit().append(entry);
}

result<audit_verification> audit_trail::verify(store& storage) const {
  auto work = storage.begin();
  if (!work) return work.error();
  audit_verification out;
  std::map<int, digest256> previous;  // each chain's last hash so far (zeros before its first)
  std::int64_t after = 0;
  constexpr int page = 1000;
  for (;;) {
    auto entries = (*work)->audit().list(after, page);
    if (!entries) return entries.error();
    for (const auto& e : *entries) {
      const char* why = nullptr;
      if (!constant_time_equal(e.previous_hash, previous[e.chain])) {
        why = "its previous_hash is not the hash of its chain's entry before it (one is missing or changed)";
      } else if (!constant_time_equal(e.hash, chain_hash(e))) {
        why = "its contents do not match its hash";
      }
      if (why != nullptr) {
        out.first_bad = e;
        out.why = why;
        return out;
      }
      ++out.entries;
      after = e.seq;
      previous[e.chain] = e.hash;
    }
    if (entries->size() < static_cast<std::size_t>(page)) return out;
  }
}

}  // namespace rekey
