#include "crypto/local_ca.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

namespace rekey {
namespace {

const server_names names{{"api.amazon.com", "sellingpartnerapi-na.amazon.com", "localhost"}, {"127.0.0.1", "::1"}};

struct x509_free_fn {
  void operator()(X509* c) const { X509_free(c); }
};
using certificate = std::unique_ptr<X509, x509_free_fn>;

certificate read_certificate(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  certificate cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return cert;
}

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// The process's umask for one test, put back after.
class scoped_umask {
 public:
  explicit scoped_umask(mode_t mask) : old_(::umask(mask)) {}
  ~scoped_umask() { ::umask(old_); }
  scoped_umask(const scoped_umask&) = delete;
  scoped_umask& operator=(const scoped_umask&) = delete;

 private:
  mode_t old_;
};

std::vector<std::string> temporaries_in(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().ends_with(".tmp")) found.push_back(entry.path().filename().string());
  return found;
}

using std::chrono::days;
using std::chrono::hours;
using std::chrono::system_clock;

// What a TLS client checks: the chain to the CA as the one trust anchor, for a TLS server; at
// `at` when given, else now.
bool verifies_as_server(X509* server, X509* ca, std::optional<std::time_t> at = std::nullopt) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, server, nullptr);
  X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_SERVER);
  if (at) X509_STORE_CTX_set_time(context, 0, *at);
  const bool ok = X509_verify_cert(context) == 1;
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return ok;
}

TEST(LocalCa, MakesACaAndAServerCertificateForEveryNameWithPrivateKeys) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  const auto outcome = ensure_local_ca(files, names, "");
  EXPECT_TRUE(outcome.ca_created);
  EXPECT_TRUE(outcome.server_issued);
  EXPECT_EQ(outcome.ca_fingerprint.size(), 32u * 3 - 1);  // SHA-256, "AB:CD:…"
  EXPECT_EQ(mode_of(files.dir), 0700u);
  EXPECT_EQ(mode_of(files.ca_key()), 0600u);
  EXPECT_EQ(mode_of(files.server_key()), 0600u);
  EXPECT_EQ(mode_of(files.ca_certificate()), 0644u);
  EXPECT_FALSE(std::filesystem::exists(files.bundle()));

  const auto ca = read_certificate(files.ca_certificate());
  const auto server = read_certificate(files.server_certificate());
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_TRUE(verifies_as_server(server.get(), ca.get()));
  for (const auto& name : names.dns) EXPECT_EQ(X509_check_host(server.get(), name.c_str(), name.size(), 0, nullptr), 1);
  for (const auto& ip : names.ips) EXPECT_EQ(X509_check_ip_asc(server.get(), ip.c_str(), 0), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 11, 0, nullptr), 1);
  // Good for 397 days from now, not more (clients cap the life of a server certificate).
  std::time_t in_396_days = std::time(nullptr) + 396L * 86'400;
  std::time_t in_398_days = std::time(nullptr) + 398L * 86'400;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(server.get()), &in_396_days), 0);
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(server.get()), &in_398_days), 0);
}

TEST(LocalCa, KeepsWhatIsCurrent) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  const auto first = ensure_local_ca(files, names, "");
  const auto ca_pem = text_of(files.ca_certificate());
  const auto server_pem = text_of(files.server_certificate());
  const auto again = ensure_local_ca(files, names, "");
  EXPECT_FALSE(again.ca_created);
  EXPECT_FALSE(again.server_issued);
  EXPECT_EQ(again.ca_fingerprint, first.ca_fingerprint);
  EXPECT_EQ(text_of(files.ca_certificate()), ca_pem);
  EXPECT_EQ(text_of(files.server_certificate()), server_pem);
}

TEST(LocalCa, IssuesTheServerCertificateAgainForNewNamesKeepingTheCa) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  const auto first = ensure_local_ca(files, names, "");
  auto more = names;
  more.dns.emplace_back("sqs.eu-west-1.amazonaws.com");
  const auto again = ensure_local_ca(files, more, "");
  EXPECT_FALSE(again.ca_created);
  EXPECT_TRUE(again.server_issued);
  EXPECT_EQ(again.ca_fingerprint, first.ca_fingerprint);
  const auto server = read_certificate(files.server_certificate());
  EXPECT_EQ(X509_check_host(server.get(), "sqs.eu-west-1.amazonaws.com", 27, 0, nullptr), 1);
  EXPECT_TRUE(verifies_as_server(server.get(), read_certificate(files.ca_certificate()).get()));
}

// A server certificate another CA signed (the CA was replaced) is issued again by this one.
TEST(LocalCa, IssuesAgainWhenAnotherCaSignedTheServerCertificate) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("one"));
  const auto other = local_ca_in(dir.file("two"));
  ensure_local_ca(files, names, "");
  ensure_local_ca(other, names, "");
  std::filesystem::copy_file(other.ca_certificate(), files.ca_certificate(),
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(other.ca_key(), files.ca_key(), std::filesystem::copy_options::overwrite_existing);
  const auto again = ensure_local_ca(files, names, "");
  EXPECT_FALSE(again.ca_created);
  EXPECT_TRUE(again.server_issued);
  EXPECT_TRUE(verifies_as_server(read_certificate(files.server_certificate()).get(),
                                 read_certificate(other.ca_certificate()).get()));
}

// A CA that apps may already trust is never replaced behind their back.
TEST(LocalCa, RefusesAnIncompleteCa) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  ensure_local_ca(files, names, "");
  const auto ca_pem = text_of(files.ca_certificate());
  std::filesystem::remove(files.ca_key());
  EXPECT_THROW(ensure_local_ca(files, names, ""), std::runtime_error);
  EXPECT_EQ(text_of(files.ca_certificate()), ca_pem);
  EXPECT_FALSE(std::filesystem::exists(files.ca_key()));
}

TEST(LocalCa, TightensTheCaKeysMode) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  ensure_local_ca(files, names, "");
  ::chmod(files.ca_key().c_str(), 0644);
  ensure_local_ca(files, names, "");
  EXPECT_EQ(mode_of(files.ca_key()), 0600u);
}

TEST(LocalCa, WritesABundleOfTheSystemsCasAndThisOne) {
  testing::temp_dir dir;
  const auto system = dir.file("system.pem");
  std::ofstream(system) << "-----BEGIN CERTIFICATE-----\nsystem\n-----END CERTIFICATE-----";
  const auto files = local_ca_in(dir.file("data"));
  const auto first = ensure_local_ca(files, names, system);
  EXPECT_TRUE(first.bundle_written);
  const auto bundle = text_of(files.bundle());
  EXPECT_TRUE(bundle.starts_with("-----BEGIN CERTIFICATE-----\nsystem\n-----END CERTIFICATE-----\n"));
  EXPECT_TRUE(bundle.ends_with(text_of(files.ca_certificate())));
  EXPECT_FALSE(ensure_local_ca(files, names, system).bundle_written);
}

// Keys 0600, certificates 0644, the directory 0700: the same under a umask that would open
// everything and one that would close everything.
TEST(LocalCa, GivesEachFileItsModeWhateverTheUmask) {
  for (const mode_t mask : {mode_t{0}, mode_t{077}}) {
    const scoped_umask scoped(mask);
    testing::temp_dir dir;
    const auto system = dir.file("system.pem");
    std::ofstream(system) << "-----BEGIN CERTIFICATE-----\nsystem\n-----END CERTIFICATE-----\n";
    const auto files = local_ca_in(dir.file("data"));
    ensure_local_ca(files, names, system);
    EXPECT_EQ(mode_of(files.dir), 0700u) << "umask " << mask;
    EXPECT_EQ(mode_of(files.ca_key()), 0600u) << "umask " << mask;
    EXPECT_EQ(mode_of(files.server_key()), 0600u) << "umask " << mask;
    EXPECT_EQ(mode_of(files.ca_certificate()), 0644u) << "umask " << mask;
    EXPECT_EQ(mode_of(files.server_certificate()), 0644u) << "umask " << mask;
    EXPECT_EQ(mode_of(files.bundle()), 0644u) << "umask " << mask;
  }
}

// Every write goes through a temporary file of its own, renamed away; one a crash left is removed.
TEST(LocalCa, LeavesNoTemporaryFileAndRemovesStaleOnes) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  ensure_local_ca(files, names, "");
  EXPECT_TRUE(temporaries_in(files.dir).empty());
  std::ofstream(files.ca_key() + ".0123456789abcdef.tmp") << "half a key";
  std::ofstream(files.dir + "/server.key.tmp") << "half a key";
  ensure_local_ca(files, names, "");
  EXPECT_TRUE(temporaries_in(files.dir).empty());
}

// The server certificate (397 days) is kept until 30 days are left, then issued again by the same CA.
TEST(LocalCa, IssuesTheServerCertificateAgainWhenThirtyDaysAreLeft) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  const auto issued_at = system_clock::now();
  const auto first = ensure_local_ca(files, names, "", issued_at);
  const auto first_expiry = certificate_not_after(files.server_certificate());
  EXPECT_LT(abs(first_expiry - (issued_at + days(server_certificate_days))), hours(2));

  const auto kept = ensure_local_ca(files, names, "", issued_at + days(server_certificate_days - 31));
  EXPECT_FALSE(kept.server_issued);
  EXPECT_EQ(certificate_not_after(files.server_certificate()), first_expiry);

  const auto later = issued_at + days(server_certificate_days - 29);
  const auto again = ensure_local_ca(files, names, "", later);
  EXPECT_TRUE(again.server_issued);
  EXPECT_FALSE(again.ca_created);
  EXPECT_EQ(again.ca_fingerprint, first.ca_fingerprint);
  EXPECT_LT(abs(certificate_not_after(files.server_certificate()) - (later + days(server_certificate_days))), hours(2));
  EXPECT_TRUE(verifies_as_server(read_certificate(files.server_certificate()).get(),
                                 read_certificate(files.ca_certificate()).get(), system_clock::to_time_t(later)));
}

// A CA file that exists but does not parse (garbage, or an encrypted key, read with no prompt) is
// an error, never a reason to make a new CA that apps do not trust.
TEST(LocalCa, RefusesCaFilesThatDoNotParse) {
  const auto encrypted_key = [] {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    BIO* bio = BIO_new(BIO_s_mem());
    std::string passphrase = "secret";
    PEM_write_bio_PrivateKey(bio, key, EVP_aes_256_cbc(), reinterpret_cast<unsigned char*>(passphrase.data()),
                             static_cast<int>(passphrase.size()), nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
  };
  for (const auto& [file, text] : std::vector<std::pair<std::string, std::string>>{
           {"ca.pem", "not a certificate\n"},
           {"ca.key", "not a key\n"},
           {"ca.key", encrypted_key()},
       }) {
    testing::temp_dir dir;
    const auto files = local_ca_in(dir.file("data"));
    ensure_local_ca(files, names, "");
    const auto path = files.dir + "/" + file;
    std::ofstream(path, std::ios::trunc) << text;
    const auto ca_pem = text_of(files.ca_certificate());
    const auto ca_key = text_of(files.ca_key());
    try {
      ensure_local_ca(files, names, "");
      ADD_FAILURE() << file << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_EQ(text_of(files.ca_certificate()), ca_pem) << file;
    EXPECT_EQ(text_of(files.ca_key()), ca_key) << file;
  }
}

// The key is written before the certificate: a key alone is a CA no app can trust yet, made again.
TEST(LocalCa, MakesTheCaAgainWhenOnlyItsKeyWasWritten) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  const auto first = ensure_local_ca(files, names, "");
  const auto old_key = text_of(files.ca_key());
  std::filesystem::remove(files.ca_certificate());
  const auto again = ensure_local_ca(files, names, "");
  EXPECT_TRUE(again.ca_created);
  EXPECT_TRUE(again.server_issued);
  EXPECT_NE(again.ca_fingerprint, first.ca_fingerprint);
  EXPECT_NE(text_of(files.ca_key()), old_key);
  EXPECT_TRUE(verifies_as_server(read_certificate(files.server_certificate()).get(),
                                 read_certificate(files.ca_certificate()).get()));
}

// The server's own files are made from the CA: when they do not parse they are simply issued again.
TEST(LocalCa, IssuesAgainWhenTheServerFilesDoNotParse) {
  for (const char* file : {"server.pem", "server.key"}) {
    testing::temp_dir dir;
    const auto files = local_ca_in(dir.file("data"));
    const auto first = ensure_local_ca(files, names, "");
    std::ofstream(files.dir + "/" + file, std::ios::trunc) << "garbage\n";
    const auto again = ensure_local_ca(files, names, "");
    EXPECT_TRUE(again.server_issued) << file;
    EXPECT_EQ(again.ca_fingerprint, first.ca_fingerprint) << file;
    EXPECT_TRUE(verifies_as_server(read_certificate(files.server_certificate()).get(),
                                   read_certificate(files.ca_certificate()).get()));
  }
}

TEST(LocalCa, CertificateNotAfterReadsTheExpiryOrThrows) {
  testing::temp_dir dir;
  const auto files = local_ca_in(dir.file("data"));
  const auto outcome = ensure_local_ca(files, names, "");
  const auto expiry = system_clock::to_time_t(certificate_not_after(files.server_certificate()));
  std::array<char, 32> text{};
  std::tm tm{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&expiry, &tm));
  EXPECT_EQ(text.data(), outcome.server_expires);
  EXPECT_THROW(certificate_not_after(dir.file("missing.pem")), std::runtime_error);
  std::ofstream(dir.file("garbage.pem")) << "garbage\n";
  EXPECT_THROW(certificate_not_after(dir.file("garbage.pem")), std::runtime_error);
}

}  // namespace
}  // namespace rekey
