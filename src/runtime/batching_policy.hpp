// batching_policy: how the storage executor groups its jobs' commits — a plain value the
// composition root builds for its backend (app/service.cpp, storage_threads).
//
//  - none: every job runs on its own, on any of `threads` threads.
//  - every_job: group commit (SQLite) — one thread takes every job waiting (up to max_batch) into
//    one store batch (store::begin_batch) and commits once.
//  - rotations: rotation batches (PostgreSQL) — a thread takes the run of rotations waiting (up to
//    max_batch, run_rotation's jobs) into one store::begin_rotation_batch; every other job runs
//    on its own; `threads` threads do so at once.
#pragma once

#include <cstddef>

namespace rekey::runtime {

struct batching_policy {
  enum class kind { none, every_job, rotations };
  kind batches = kind::none;
  std::size_t threads = 1;
  std::size_t max_batch = 1;  // jobs per batch, at most

  static batching_policy unbatched(std::size_t threads = 1) { return {kind::none, threads, 1}; }
  static batching_policy group_commit(std::size_t max_batch) { return {kind::every_job, 1, max_batch}; }
  static batching_policy rotation_batches(std::size_t threads, std::size_t max_batch) {
    return {kind::rotations, threads, max_batch};
  }
};

}  // namespace rekey::runtime
