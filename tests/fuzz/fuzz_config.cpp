// Fuzzes the configuration file path of `rekey serve --config FILE` (src/app/config_loader.hpp):
// toml++ parses the file, then the loader's settings table reads each key it knows through its
// value reader (integers with ranges, durations via parse_duration, duration lists such as
// secrets.expiry_warnings from strings or TOML arrays, rates, booleans, strings) and the
// loader's final checks. The input is the file. A start-up error (std::runtime_error with a
// message) is the loader's contract for a bad file; anything else escaping is a finding.
//
// config_loader.cpp is compiled into this harness rather than linking rekey_app, which would
// bring the whole composition root.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "app/config_loader.hpp"
#include "fuzz_temp.hpp"

namespace {

// One file per process, rewritten for each input; removed at exit.
struct config_file {
  std::filesystem::path path;
  config_file() : path(rekey::fuzz::fuzz_temp_path("config", ".toml")) {}
  ~config_file() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const config_file file;
  {
    std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  CLI::App command;
  rekey::config_loader loader(command);
  const std::string path = file.path.string();
  const char* argv[] = {"serve", "--config", path.c_str()};
  command.parse(3, argv);
  try {
    const auto c = loader.load();
    if (c.http.header_limit < 1024 || c.secrets.max_valid_secrets < 1) std::abort();  // ranges the table checks
  } catch (const std::runtime_error&) {
    // a bad file: the loader's start-up error
  }
  return 0;
}
