#include "crypto/local_ca.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace rekey {
namespace {

namespace fs = std::filesystem;

template <auto Free>
struct openssl_deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using key_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using certificate_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
using name_ptr = std::unique_ptr<X509_NAME, openssl_deleter<X509_NAME_free>>;

constexpr long day_seconds = 86'400;
constexpr int ca_days = 3650;
constexpr std::string_view temporary_suffix = ".tmp";

// OpenSSL's reason for the last failure, appended to `what`.
[[noreturn]] void fail(const std::string& what) {
  const unsigned long code = ERR_get_error();
  std::array<char, 256> reason{};
  if (code != 0) ERR_error_string_n(code, reason.data(), reason.size());
  ERR_clear_error();
  throw std::runtime_error(code != 0 ? what + ": " + reason.data() : what);
}

// OpenSSL's default asks for a passphrase on the terminal; rekey never does (a server, a script):
// an encrypted key simply does not parse.
int refuse_passphrase(char*, int, int, void*) { return -1; }

// What a file that exists but does not parse means to its reader.
enum class unparsable {
  fails,       // a CA file: apps may trust it; never replaced silently
  is_missing,  // a server file: made again from the CA
};

bio_ptr open_file(const std::string& path) {
  if (!fs::exists(path)) return nullptr;
  bio_ptr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) fail("cannot read " + path);
  return bio;
}

[[noreturn]] void fail_to_parse(const std::string& path, const char* what) {
  fail(path + " holds no " + what + " rekey can read (not PEM, or encrypted); remove " +
       fs::path(path).parent_path().string() +
       " to make a new local CA (apps that trusted the old one must then trust the new one)");
}

// Null when `path` does not exist.
certificate_ptr read_certificate(const std::string& path, unparsable garbage) {
  const auto bio = open_file(path);
  if (!bio) return nullptr;
  certificate_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!cert && garbage == unparsable::fails) fail_to_parse(path, "certificate");
  ERR_clear_error();
  return cert;
}

// Null when `path` does not exist.
key_ptr read_key(const std::string& path, unparsable garbage) {
  const auto bio = open_file(path);
  if (!bio) return nullptr;
  key_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!key && garbage == unparsable::fails) fail_to_parse(path, "private key");
  ERR_clear_error();
  return key;
}

std::string text_of(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string pem_of(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("writing a certificate");
  return text_of(bio.get());
}

// A private key's PEM text, wiped (OPENSSL_cleanse) when it goes, errors included. The BIO it is
// written into is secure memory, cleared when freed.
class key_pem {
 public:
  explicit key_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_secmem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
      fail("writing a key");
    text_ = text_of(bio.get());
  }
  ~key_pem() { OPENSSL_cleanse(text_.data(), text_.size()); }
  key_pem(const key_pem&) = delete;
  key_pem& operator=(const key_pem&) = delete;
  std::string_view text() const { return text_; }

 private:
  std::string text_;
};

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) fail("reading random bytes");
  std::string out;
  for (const auto b : raw) {
    std::array<char, 3> two{};
    std::snprintf(two.data(), two.size(), "%02x", b);
    out += two.data();
  }
  return out;
}

[[noreturn]] void fail_to_write(const std::string& path, int error) {
  throw std::runtime_error("cannot write " + path + ": " + std::strerror(error));
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A rename is durable once its directory is synced. (A file system that cannot sync a directory
// says EINVAL: nothing more can be done there.)
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_to_write(dir, errno);
  const int error = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (error != 0 && error != EINVAL) fail_to_write(dir, error);
}

// Writes a temporary file of its own beside `path` (a random name, O_EXCL: never another's, never
// through a planted link), gives it `mode` whatever the umask, syncs it, renames it into place and
// syncs the directory: a reader sees the old file or the whole new one, and a crash leaves at most
// a *.tmp, removed by the next run (remove_stale_temporaries).
void write_file(const std::string& path, std::string_view text, mode_t mode) {
  const std::string temporary = path + "." + random_hex(8) + std::string(temporary_suffix);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) fail_to_write(path, errno);
  int error = 0;
  if (::fchmod(fd, mode) != 0 || !write_all(fd, text) || ::fsync(fd) != 0) error = errno != 0 ? errno : EIO;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    fail_to_write(path, error);
  }
  sync_directory(fs::path(path).parent_path().string());
}

// What a run that crashed between a temporary file's creation and its rename left behind (one
// process prepares the directory at a time: no *.tmp here is another's write in progress).
void remove_stale_temporaries(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string().ends_with(temporary_suffix))
      fs::remove(entry.path());
  }
}

key_ptr new_key() {
  key_ptr key(EVP_EC_gen("P-256"));
  if (!key) fail("making an ECDSA P-256 key");
  return key;
}

name_ptr new_name(const std::string& common_name) {
  name_ptr name(X509_NAME_new());
  const auto add = [&](const char* field, const std::string& value) {
    if (!name || X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                            reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1)
      fail("naming a certificate");
  };
  add("O", "rekey (local development)");
  add("CN", common_name);
  return name;
}

// A version 3 certificate for `key` named `subject`, valid from an hour before `now` (clock skew)
// for `days`, with a random positive 128-bit serial number; not yet signed.
certificate_ptr new_certificate(EVP_PKEY* key, X509_NAME* subject, X509_NAME* issuer, int days, std::time_t now) {
  certificate_ptr cert(X509_new());
  if (!cert) fail("making a certificate");
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), serial.size()) != 1) fail("reading random bytes");
  serial[0] &= 0x7f;
  std::unique_ptr<BIGNUM, openssl_deleter<BN_free>> number(BN_bin2bn(serial.data(), serial.size(), nullptr));
  const bool ok = X509_set_version(cert.get(), X509_VERSION_3) == 1 && number &&
                  BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(cert.get())) != nullptr &&
                  X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -3600, &now) != nullptr &&
                  X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, &now) != nullptr &&
                  X509_set_subject_name(cert.get(), subject) == 1 && X509_set_issuer_name(cert.get(), issuer) == 1 &&
                  X509_set_pubkey(cert.get(), key) == 1;
  if (!ok) fail("filling in a certificate");
  return cert;
}

void add_extension(X509* cert, X509V3_CTX& context, int nid, const std::string& value) {
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) fail("making certificate extension " + value);
  const bool added = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  if (!added) fail("adding certificate extension " + value);
}

void sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) == 0) fail("signing a certificate");
}

struct key_pair {
  key_ptr key;
  certificate_ptr cert;
};

key_pair make_ca(std::time_t now) {
  auto key = new_key();
  // A random suffix tells two machines' CAs apart in a trust store.
  const auto name = new_name("rekey local development CA " + random_hex(4));
  auto cert = new_certificate(key.get(), name.get(), name.get(), ca_days, now);
  X509V3_CTX context;
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), context, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(cert.get(), context, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), context, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), context, NID_authority_key_identifier, "keyid:always");
  sign(cert.get(), key.get());
  return {std::move(key), std::move(cert)};
}

key_pair issue_server(X509* ca, EVP_PKEY* ca_key, const server_names& names, std::time_t now) {
  auto key = new_key();
  const auto subject = new_name("rekey local development server");
  auto cert = new_certificate(key.get(), subject.get(), X509_get_subject_name(ca), server_certificate_days, now);
  X509V3_CTX context;
  X509V3_set_ctx(&context, ca, cert.get(), nullptr, nullptr, 0);
  std::string alternatives;
  for (const auto& dns : names.dns) alternatives += (alternatives.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : names.ips) alternatives += (alternatives.empty() ? "IP:" : ",IP:") + ip;
  add_extension(cert.get(), context, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), context, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), context, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), context, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), context, NID_authority_key_identifier, "keyid:always");
  add_extension(cert.get(), context, NID_subject_alt_name, alternatives);
  sign(cert.get(), ca_key);
  return {std::move(key), std::move(cert)};
}

// Signed by `ca`, paired with `key`, good for another month after `now`, and covering every name.
bool server_is_current(X509* server, EVP_PKEY* key, X509* ca, const server_names& names, std::time_t now) {
  if (server == nullptr || key == nullptr) return false;
  std::time_t soon = now + server_certificate_renewal_days * day_seconds;
  bool current = X509_check_issued(ca, server) == X509_V_OK && X509_verify(server, X509_get0_pubkey(ca)) == 1 &&
                 X509_check_private_key(server, key) == 1 && X509_cmp_time(X509_get0_notAfter(server), &soon) > 0;
  for (const auto& dns : names.dns)
    current = current && X509_check_host(server, dns.c_str(), dns.size(), X509_CHECK_FLAG_NO_WILDCARDS, nullptr) == 1;
  for (const auto& ip : names.ips) current = current && X509_check_ip_asc(server, ip.c_str(), 0) == 1;
  ERR_clear_error();
  return current;
}

std::string fingerprint(X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (X509_digest(cert, EVP_sha256(), digest.data(), &size) != 1) fail("hashing a certificate");
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    std::array<char, 4> hex{};
    std::snprintf(hex.data(), hex.size(), i == 0 ? "%02X" : ":%02X", digest[i]);
    out += hex.data();
  }
  return out;
}

std::tm not_after_of(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) fail("reading a certificate's expiry");
  return tm;
}

std::string expiry_of(X509* cert) {
  const std::tm tm = not_after_of(cert);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

local_ca_files local_ca_in(const std::string& data_dir) { return {data_dir + "/tls"}; }

local_ca_outcome ensure_local_ca(const local_ca_files& files, const server_names& names,
                                 const std::string& system_bundle, std::chrono::system_clock::time_point now) {
  const std::time_t at = std::chrono::system_clock::to_time_t(now);
  if (!fs::exists(files.dir)) {
    fs::create_directories(files.dir);
    fs::permissions(files.dir, fs::perms::owner_all, fs::perm_options::replace);
  }
  remove_stale_temporaries(files.dir);
  local_ca_outcome outcome;
  auto ca_key = read_key(files.ca_key(), unparsable::fails);
  auto ca = read_certificate(files.ca_certificate(), unparsable::fails);
  if (!ca) {
    // Nothing, or a key alone: the key is written first, so a crash before the certificate was
    // written leaves a CA no app can have trusted. Made (again) whole.
    auto made = make_ca(at);
    write_file(files.ca_key(), key_pem(made.key.get()).text(), 0600);
    write_file(files.ca_certificate(), pem_of(made.cert.get()), 0644);
    ca = std::move(made.cert);
    ca_key = std::move(made.key);
    outcome.ca_created = true;
  } else if (!ca_key || X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    // Never replaced silently: apps may trust this CA already.
    ERR_clear_error();
    throw std::runtime_error("the local CA in " + files.dir +
                             " has no key or its key does not match its certificate; remove the directory to "
                             "make a new CA (apps that trusted the old one must trust the new one)");
  } else if (::chmod(files.ca_key().c_str(), 0600) != 0) {
    throw std::runtime_error("cannot restrict " + files.ca_key() + " to mode 0600");
  }

  auto server = read_certificate(files.server_certificate(), unparsable::is_missing);
  auto server_key = read_key(files.server_key(), unparsable::is_missing);
  if (!server_is_current(server.get(), server_key.get(), ca.get(), names, at)) {
    auto issued = issue_server(ca.get(), ca_key.get(), names, at);
    write_file(files.server_key(), key_pem(issued.key.get()).text(), 0600);
    write_file(files.server_certificate(), pem_of(issued.cert.get()), 0644);
    server = std::move(issued.cert);
    outcome.server_issued = true;
  }

  if (!system_bundle.empty() && fs::exists(system_bundle)) {
    auto system = read_text(system_bundle);
    if (!system.empty() && system.back() != '\n') system += '\n';
    const auto bundle = system + pem_of(ca.get());
    if (!fs::exists(files.bundle()) || read_text(files.bundle()) != bundle) {
      write_file(files.bundle(), bundle, 0644);
      outcome.bundle_written = true;
    }
  }
  outcome.ca_fingerprint = fingerprint(ca.get());
  outcome.server_expires = expiry_of(server.get());
  return outcome;
}

std::chrono::system_clock::time_point certificate_not_after(const std::string& path) {
  const auto cert = read_certificate(path, unparsable::is_missing);
  if (!cert) throw std::runtime_error("no PEM certificate at " + path);
  std::tm tm = not_after_of(cert.get());
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

}  // namespace rekey
