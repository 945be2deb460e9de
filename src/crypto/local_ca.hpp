// local_ca: rekey's own certificate authority, for --dev: a CA key and certificate, and a server
// certificate it signs for the host names an unmodified SP-API app calls (core/amazon_hosts.hpp),
// so that such an app, trusting the CA, talks to rekey over HTTPS on those names.
//
// Both keys are ECDSA P-256 (every TLS client an app may use takes it), made and signed with
// OpenSSL 3. The files live in one directory (<data-dir>/tls): the keys mode 0600, written beside
// their final name and renamed into place, so a crash leaves either no file or a whole one. The CA
// key is read only to sign the server certificate; the server reads only the server's pair.
// Not thread-safe: one process prepares the directory (`rekey dev tls init`, or a --dev start).
#pragma once

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

// The server certificate lives this long; it is issued again when less than a month is left.
constexpr int server_certificate_days = 397;

// Makes the directory (0700) and the CA when missing; issues the server certificate again when it
// is missing, expires within 30 days, is not signed by this CA or does not cover every name in
// `names`; writes bundle.pem from `system_bundle` when that file exists. Keeps what is current.
// Throws std::runtime_error naming the file when one cannot be read or written.
local_ca_outcome ensure_local_ca(const local_ca_files& files, const server_names& names,
                                 const std::string& system_bundle = "/etc/ssl/certs/ca-certificates.crt");

}  // namespace rekey
