#include "crypto/master_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/identifiers.hpp"

namespace rekey {
namespace {

std::optional<key256> parse_hex_key(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.size() != 64) return std::nullopt;
  key256 key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    key[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return key;
}

result<loaded_master_key> read_key_file(const std::string& path, std::string& why) {
  std::ifstream in(path);
  if (!in) {
    why = "cannot read master key file " + path;
    return errc::invalid_input;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto key = parse_hex_key(text);
  if (!key) {
    why = "master key file " + path + " must hold 64 hex characters";
    return errc::invalid_input;
  }
  return loaded_master_key{*key, path, false};
}

}  // namespace

result<loaded_master_key> load_master_key(const master_key_source& source, random_source& random, std::string& why) {
  if (!source.hex.empty()) {
    auto key = parse_hex_key(source.hex);
    if (!key) {
      why = "REKEY_MASTER_KEY must be 64 hex characters";
      return errc::invalid_input;
    }
    return loaded_master_key{*key, "environment", false};
  }
  if (!source.file.empty()) return read_key_file(source.file, why);
  if (std::filesystem::exists(source.default_file)) return read_key_file(source.default_file, why);

  const auto key = random.bytes<32>();
  const std::string text = to_hex(key) + "\n";
  const int fd = ::open(source.default_file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    if (fd >= 0) ::close(fd);
    why = "cannot create master key file " + source.default_file;
    return errc::invalid_input;
  }
  ::fsync(fd);
  ::close(fd);
  return loaded_master_key{key, source.default_file, true};
}

}  // namespace rekey
