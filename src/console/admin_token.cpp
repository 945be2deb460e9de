#include "console/admin_token.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/identifiers.hpp"

namespace rekey {
namespace {

constexpr std::string_view setting_name = "admin_token_hash";

bool write_private_file(const std::string& path, const std::string& text) {
  std::filesystem::remove(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

result<void> admin_token::ensure(store& storage, const std::string& file, random_source& random) {
  auto work = storage.begin();
  if (!work) return work.error();
  auto stored = (*work)->keys().get_setting(setting_name);
  if (!stored) return stored.error();
  if (*stored && std::filesystem::exists(file)) {
    std::ifstream in(file);
    std::string token;
    std::getline(in, token);
    hash_ = hasher_.hash(token);
    if (to_hex(hash_) == **stored) {
      ready_ = true;
      return {};
    }
  }
  const std::string token = "rekey-admin-" + to_hex(random.bytes<32>());
  hash_ = hasher_.hash(token);
  if (auto r = (*work)->keys().put_setting(setting_name, to_hex(hash_)); !r) return r.error();
  if (!write_private_file(file, token + "\n")) return errc::internal;
  if (auto r = (*work)->commit(); !r) return r.error();
  ready_ = true;
  created_ = true;
  return {};
}

bool admin_token::verify(std::string_view presented) const {
  return ready_ && constant_time_equal(hasher_.hash(presented), hash_);
}

}  // namespace rekey
