// service_parts: what the service-level test fixtures share — a real SQLite store in a temp dir,
// a manual clock, real randomness, fixed master and at-rest keys, the secret hasher, the
// credential cache and the audit trail — so that each fixture declares only what its service
// adds. Inherit it next to ::testing::Test; members a fixture declares after it may use these.
#pragma once

#include "audit/audit_trail.hpp"
#include "auth/credential_cache.hpp"
#include "auth/secret_hasher.hpp"
#include "crypto/openssl_random.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/keys.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace rekey::testing {

struct service_parts {
  temp_dir dir_;
  sqlite_store store_{dir_.file("rekey.db")};
  manual_clock clock_;
  openssl_random random_;
  key256 master_ = filled_key(5);
  key256 at_rest_ = filled_key(6);
  secret_hasher hasher_{master_};
  credential_cache credentials_;
  audit_trail audit_{master_, clock_, audit_trail::single_writer_chains};
};

}  // namespace rekey::testing
