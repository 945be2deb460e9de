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
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

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
constexpr int reissue_within_days = 30;

// OpenSSL's reason for the last failure, appended to `what`.
[[noreturn]] void fail(const std::string& what) {
  const unsigned long code = ERR_get_error();
  std::array<char, 256> reason{};
  if (code != 0) ERR_error_string_n(code, reason.data(), reason.size());
  ERR_clear_error();
  throw std::runtime_error(code != 0 ? what + ": " + reason.data() : what);
}

bio_ptr open_file(const std::string& path) {
  if (!fs::exists(path)) return nullptr;
  bio_ptr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) fail("cannot read " + path);
  return bio;
}

certificate_ptr read_certificate(const std::string& path) {
  const auto bio = open_file(path);
  if (!bio) return nullptr;
  certificate_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert;
}

key_ptr read_key(const std::string& path) {
  const auto bio = open_file(path);
  if (!bio) return nullptr;
  key_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
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

std::string pem_of(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("writing a key");
  return text_of(bio.get());
}

// Writes beside `path`, syncs, renames into place: a reader sees the old file or the whole new one.
void write_file(const std::string& path, const std::string& text, mode_t mode) {
  const std::string temporary = path + ".tmp";
  ::unlink(temporary.c_str());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  bool ok = fd >= 0;
  if (ok) ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (ok) ok = ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;  // the mode whatever the umask
  if (fd >= 0) ::close(fd);
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot write " + path);
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

// A version 3 certificate for `key` named `subject`, valid from an hour ago (clock skew) for
// `days`, with a random positive 128-bit serial number; not yet signed.
certificate_ptr new_certificate(EVP_PKEY* key, X509_NAME* subject, X509_NAME* issuer, int days) {
  certificate_ptr cert(X509_new());
  if (!cert) fail("making a certificate");
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), serial.size()) != 1) fail("reading random bytes");
  serial[0] &= 0x7f;
  std::unique_ptr<BIGNUM, openssl_deleter<BN_free>> number(BN_bin2bn(serial.data(), serial.size(), nullptr));
  const bool ok = X509_set_version(cert.get(), X509_VERSION_3) == 1 && number &&
                  BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(cert.get())) != nullptr &&
                  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
                  X509_gmtime_adj(X509_getm_notAfter(cert.get()), day_seconds * days) != nullptr &&
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

key_pair make_ca() {
  auto key = new_key();
  // A random suffix tells two machines' CAs apart in a trust store.
  const auto name = new_name("rekey local development CA " + random_hex(4));
  auto cert = new_certificate(key.get(), name.get(), name.get(), ca_days);
  X509V3_CTX context;
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), context, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(cert.get(), context, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), context, NID_subject_key_identifier, "hash");
  add_extension(cert.get(), context, NID_authority_key_identifier, "keyid:always");
  sign(cert.get(), key.get());
  return {std::move(key), std::move(cert)};
}

key_pair issue_server(X509* ca, EVP_PKEY* ca_key, const server_names& names) {
  auto key = new_key();
  const auto subject = new_name("rekey local development server");
  auto cert = new_certificate(key.get(), subject.get(), X509_get_subject_name(ca), server_certificate_days);
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

// Signed by `ca`, paired with `key`, good for another month, and covering every name.
bool server_is_current(X509* server, EVP_PKEY* key, X509* ca, const server_names& names) {
  if (server == nullptr || key == nullptr) return false;
  std::time_t soon = std::time(nullptr) + reissue_within_days * day_seconds;
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

std::string expiry_of(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) fail("reading a certificate's expiry");
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
                                 const std::string& system_bundle) {
  if (!fs::exists(files.dir)) {
    fs::create_directories(files.dir);
    fs::permissions(files.dir, fs::perms::owner_all, fs::perm_options::replace);
  }
  local_ca_outcome outcome;
  auto ca = read_certificate(files.ca_certificate());
  auto ca_key = read_key(files.ca_key());
  if (!ca && !ca_key) {
    auto made = make_ca();
    write_file(files.ca_key(), pem_of(made.key.get()), 0600);
    write_file(files.ca_certificate(), pem_of(made.cert.get()), 0644);
    ca = std::move(made.cert);
    ca_key = std::move(made.key);
    outcome.ca_created = true;
  } else if (!ca || !ca_key || X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    // Never replaced silently: apps may trust this CA already.
    ERR_clear_error();
    throw std::runtime_error("the local CA in " + files.dir +
                             " is incomplete or its key does not match its certificate; remove the directory to "
                             "make a new CA (apps that trusted the old one must trust the new one)");
  } else if (::chmod(files.ca_key().c_str(), 0600) != 0) {
    throw std::runtime_error("cannot restrict " + files.ca_key() + " to mode 0600");
  }

  auto server = read_certificate(files.server_certificate());
  auto server_key = read_key(files.server_key());
  if (!server_is_current(server.get(), server_key.get(), ca.get(), names)) {
    auto issued = issue_server(ca.get(), ca_key.get(), names);
    write_file(files.server_key(), pem_of(issued.key.get()), 0600);
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

}  // namespace rekey
