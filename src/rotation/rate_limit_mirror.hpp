// rate_limit_mirror: this node's memory of each application's rotate bucket as storage last
// held it, so a call that storage would refuse is refused without a transaction (the 429 fast
// path of SPEC §4 step 4).
//
// Safe by construction: it only ever answers "storage would refuse". Storage's bucket can only
// hold fewer tokens than remembered (other nodes take tokens; nobody adds them except time,
// which the mirror applies too), so an empty mirror bucket implies an empty stored one. A usage
// plan change must call forget(). Guarded by a mutex; thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/string_hash.hpp"
#include "rotation/token_bucket.hpp"

namespace rekey {

class rate_limit_mirror {
 public:
  // Retry-After when the remembered bucket has no whole token at `now`; nullopt otherwise.
  std::optional<millis> refusal(std::string_view application_id, time_point now) const;

  void remember(std::string_view application_id, const bucket_state& state, const usage_plan& plan);
  void forget(std::string_view application_id);

 private:
  struct entry {
    bucket_state state;
    usage_plan plan;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> entries_;  // guarded by mutex_
};

}  // namespace rekey
