// queue_records: a queue record for storage tests, SQS's defaults but for the fields named.
#pragma once

#include <string>

#include "storage/records.hpp"

namespace rekey::testing {

inline queue_record queue_of(std::string account, std::string name, millis visibility_timeout, millis retention,
                             time_point created_at) {
  queue_record q;
  q.account = std::move(account);
  q.name = std::move(name);
  q.visibility_timeout = visibility_timeout;
  q.retention = retention;
  q.created_at = created_at;
  q.modified_at = created_at;
  return q;
}

}  // namespace rekey::testing
