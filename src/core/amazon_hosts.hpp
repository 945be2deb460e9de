// amazon_hosts: the host names an unmodified SP-API app calls, which rekey answers for in --dev
// (the local CA's server certificate covers them; the proxy serves them and nothing else).
//
// Login with Amazon (api.amazon.com), the SP-API regions and their sandboxes
// (sellingpartnerapi-{na,eu,fe}.amazon.com, sandbox.…), and SQS in every commercial AWS region
// (sqs.<region>.amazonaws.com). Names compare case-insensitively; one trailing dot is ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rekey {

// Every name, LWA first, then the SP-API hosts, then SQS by region.
const std::vector<std::string>& amazon_host_names();

// True when `host` (a bare name, no port) is one of amazon_host_names().
bool is_amazon_host(std::string_view host);

// True when a Host header value (a name, optionally with :port) names an SP-API sandbox host.
bool is_sandbox_host(std::string_view host_header);

}  // namespace rekey
