// local_ca: rekey's own certificate authority, for --dev: a CA key and certificate, and a server
// certificate it signs for the host names an unmodified SP-API app calls (core/amazon_hosts.hpp),
// so that such an app, trusting the CA, talks to rekey over HTTPS on those names. Not a CA for
// anything else, and never a source of trust: the files are made here and read back as they are.
//
// Both keys are ECDSA P-256 (every TLS client an app may use takes it), made and signed with
// OpenSSL 3. The files live in one directory (<data-dir>/tls, mode 0700): the keys mode 0600, the
// certificates 0644, whatever the umask. Each file is written to a temporary file of its own
// beside it (a random name, O_EXCL), synced, renamed into place and the directory synced, so a
// crash leaves the old file or the whole new one (and perhaps a stale *.tmp, removed on the next
// run). A key's PEM text is wiped from memory once written. Keys are read with no passphrase
// prompt: an encrypted key does not parse. The CA key is read only here, to sign the server
// certificate; the server reads only the server's pair.
// Not thread-safe: one process prepares the directory (`rekey dev tls init`, or a --dev start).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace rekey {

struct local_ca_files {
  std::string dir;
  std::string ca_certificate() const { return dir + "/ca.pem"; }
  std::string ca_key() const { return dir + "/ca.key"; }
  std::string server_certificate() const { return dir + "/server.pem"; }
  std::string server_key() const { return dir + "/server.key"; }
  // The system's CA bundle with the local CA appended (for SSL_CERT_FILE, REQUESTS_CA_BUNDLE,
  // which replace a runtime's whole trust store); written only when the system has a bundle.
  std::string bundle() const { return dir + "/bundle.pem"; }
};

// The files under <data_dir>/tls.
local_ca_files local_ca_in(const std::string& data_dir);

// What the server certificate must cover: DNS names and IP addresses.
struct server_names {
  std::vector<std::string> dns;
  std::vector<std::string> ips;
};

struct local_ca_outcome {
  bool ca_created = false;
  bool server_issued = false;  // made or made again (missing, expiring, names changed, other CA)
  bool bundle_written = false;
  std::string ca_fingerprint;  // SHA-256 of the CA certificate, colon-separated hex
  std::string server_expires;  // the server certificate's notAfter, ISO 8601 UTC
};

// The server certificate lives this long; it is issued again when less than
// server_certificate_renewal_days are left.
constexpr int server_certificate_days = 397;
constexpr int server_certificate_renewal_days = 30;

// Makes the directory (0700) and the CA when missing; issues the server certificate again when it
// is missing or does not parse, expires within server_certificate_renewal_days of `now`, is not
// signed by this CA or does not cover every name in `names`; writes bundle.pem from
// `system_bundle` when that file exists. Keeps what is current. A CA key without its certificate
// (a crash between the two writes, before any app could trust the CA) is made again with a new
// CA; a CA that apps may trust is never replaced: a CA file that does not parse (or is
// encrypted), a certificate without its key, or a key that does not match throws. Throws
// std::runtime_error naming the file when one cannot be read, parsed or written.
local_ca_outcome ensure_local_ca(const local_ca_files& files, const server_names& names,
                                 const std::string& system_bundle = "/etc/ssl/certs/ca-certificates.crt",
                                 std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The notAfter of the PEM certificate at `path` (a server that does not issue its certificate,
// --proxy without --dev, warns before it expires). Throws std::runtime_error naming the file when
// it is missing or holds no certificate.
std::chrono::system_clock::time_point certificate_not_after(const std::string& path);

}  // namespace rekey
