// master_key: the one root secret; every other key is derived from it (key_derivation.hpp).
//
// Sources, first match wins: a hex string (REKEY_MASTER_KEY), a key file (--master-key-file),
// else <data_dir>/master.key, which is generated (mode 0600) when missing. The file holds 64
// hex characters and a newline. Not thread-safe while loading; the loaded key is plain data.
#pragma once

#include <string>
#include <string_view>

#include "core/errc.hpp"
#include "core/random.hpp"
#include "crypto/bytes.hpp"

namespace rekey {

struct master_key_source {
  std::string hex;           // from the environment; wins when set
  std::string file;          // explicit file; must exist
  std::string default_file;  // generated when neither of the above is set and it is missing
};

struct loaded_master_key {
  key256 key{};
  std::string origin;  // "environment", or the file path
  bool generated = false;
};

// Errors: errc::invalid_input with a reason in `why` (unreadable file, not 64 hex characters,
// file not writable).
[[nodiscard]] result<loaded_master_key> load_master_key(const master_key_source& source, random_source& random,
                                                        std::string& why);

}  // namespace rekey
