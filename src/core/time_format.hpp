// Times on the wire: ISO-8601 UTC with milliseconds and Z, e.g. 2024-01-10T22:09:17.456Z
// (SPEC §2). Pure functions; thread-safe.
#pragma once

#include <string>

#include "core/clock.hpp"

namespace rekey {

std::string to_iso8601(time_point t);

}  // namespace rekey
