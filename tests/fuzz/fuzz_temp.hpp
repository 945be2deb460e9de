// fuzz_temp_path: where a harness keeps its per-process files — "rekey-fuzz-<what>-<pid>" on
// /dev/shm when there is one (no disk flushes), else in the temp dir. A crashing harness cannot
// clean up after itself (libFuzzer aborts), so this also removes what earlier processes of the
// same harness left behind when they are no longer running. Not thread-safe: call once, at start.
#pragma once

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include <signal.h>
#include <unistd.h>

namespace rekey::fuzz {

inline std::filesystem::path fuzz_temp_path(const std::string& what, const std::string& suffix = "") {
  namespace fs = std::filesystem;
  const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const std::string prefix = "rekey-fuzz-" + what + "-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    const auto pid_text = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (::kill(pid, 0) == -1 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
  return base / (prefix + std::to_string(::getpid()) + suffix);
}

}  // namespace rekey::fuzz
