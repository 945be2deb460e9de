// service: the composition root of `rekey serve`. It is the only place that names a backend
// (with app/backend.cpp, which opens it) and the only owner of the long-lived objects; everything
// else gets references.
// Runs until SIGINT/SIGTERM, then drains in-flight requests and returns.
#pragma once

#include "core/config.hpp"

namespace rekey {

// Returns the process exit code. Start-up errors throw std::runtime_error with a clear message.
int run_service(const config& cfg);

}  // namespace rekey
