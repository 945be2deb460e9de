#include "core/clock.hpp"

namespace rekey {

time_point wall_clock::now() const { return std::chrono::time_point_cast<millis>(std::chrono::system_clock::now()); }

}  // namespace rekey
