#include "app/dev_tls.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

#include "core/amazon_hosts.hpp"

namespace rekey {

local_ca_outcome prepare_local_ca(const std::string& data_dir) {
  server_names names{amazon_host_names(), {"127.0.0.1", "::1"}};
  names.dns.emplace_back("localhost");
  return ensure_local_ca(local_ca_in(data_dir), names);
}

std::string trust_instructions(const local_ca_files& files, const local_ca_outcome& outcome) {
  namespace fs = std::filesystem;
  const auto absolute = [](const std::string& path) { return fs::absolute(path).lexically_normal().string(); };
  const auto ca = absolute(files.ca_certificate());
  // Variables that replace a runtime's whole trust store get the system's CAs and this one.
  const auto bundle = fs::exists(files.bundle()) ? absolute(files.bundle()) : ca;
  std::string spapi_hosts;
  for (const auto& name : amazon_host_names())
    if (!name.starts_with("sqs.")) spapi_hosts += " " + name;
  return fmt::format(
      R"TXT(rekey's local CA: {ca}
  SHA-256 fingerprint {fingerprint}; {ca_state}
Server certificate for Amazon's host names, localhost and 127.0.0.1: {server}
  valid until {expires}; {server_state}
  (rekey serve --dev issues it again when less than 30 days are left; --proxy alone does not:
  run rekey dev tls init again before then)
The CA's key ({ca_key}, mode 0600) stays in the data directory; only rekey dev tls init and
rekey serve --dev use it.

Trust the CA, in the runtime your app uses:
  Node.js                 export NODE_EXTRA_CA_CERTS={ca}
  Python (requests, ssl)  export REQUESTS_CA_BUNDLE={bundle} SSL_CERT_FILE={bundle}
  AWS SDKs, aws CLI       export AWS_CA_BUNDLE={ca}
  curl                    export CURL_CA_BUNDLE={bundle}
  Java                    keytool -importcert -noprompt -alias rekey-dev-ca -file {ca} \
                            -keystore rekey-truststore.p12 -storetype PKCS12 -storepass changeit
                          java -Djavax.net.ssl.trustStore=rekey-truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit ...

Then reach rekey, one of two ways:
  As a proxy (rekey serve --dev, or --proxy; on a plain-HTTP listener, so not with --dev-tls):
    export HTTPS_PROXY=http://127.0.0.1:8080   # the port rekey serve listens on (8080 by default)
    rekey serves Amazon's host names itself and refuses every other host: it forwards nothing.
  By the hosts file (rekey serve --dev --dev-tls --port 443), add:
    127.0.0.1{spapi_hosts} sqs.us-east-1.amazonaws.com
    (sqs.<region>.amazonaws.com for your queue's region; every commercial region is covered)
)TXT",
      fmt::arg("ca", ca), fmt::arg("fingerprint", outcome.ca_fingerprint),
      fmt::arg("ca_state", outcome.ca_created ? "made now" : "kept"),
      fmt::arg("server", absolute(files.server_certificate())), fmt::arg("expires", outcome.server_expires),
      fmt::arg("server_state", outcome.server_issued ? "issued now" : "kept"),
      fmt::arg("ca_key", absolute(files.ca_key())), fmt::arg("bundle", bundle), fmt::arg("spapi_hosts", spapi_hosts));
}

void add_dev_tls_commands(CLI::App& dev, local_command& chosen) {
  const auto data_dir = std::make_shared<std::string>("./rekey-data");
  auto* tls = dev.add_subcommand("tls", "rekey's local certificate authority for Amazon's host names");
  tls->require_subcommand(1);
  auto* init = tls->add_subcommand(
      "init", "make the local CA and its server certificate (kept when current) and print how to trust them");
  init->add_option("--data-dir", *data_dir, "the data directory (the files go in <data-dir>/tls)")
      ->envname("REKEY_DATA_DIR");
  init->callback([&chosen, data_dir] {
    chosen = [data_dir] {
      const auto outcome = prepare_local_ca(*data_dir);
      fmt::print("{}", trust_instructions(local_ca_in(*data_dir), outcome));
      return 0;
    };
  });
}

}  // namespace rekey
