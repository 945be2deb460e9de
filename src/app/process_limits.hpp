// process_limits: the file-descriptor limit rekey runs under. At start the soft limit is raised
// to the hard one (many distributions start services at 1,024), and the number of connections
// the server may hold is derived from it, leaving a reserve for the database files and pool,
// the outbound delivery connections, logs and the listener — so that accept() never runs out of
// descriptors because of connections alone. Start-up only.
#pragma once

#include <cstddef>

namespace rekey {

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the soft limit now in force.
std::size_t raise_file_limit();

// The connections to allow under `file_limit` descriptors when --max-connections is 0.
std::size_t default_max_connections(std::size_t file_limit);

}  // namespace rekey
