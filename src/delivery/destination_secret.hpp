// A network destination's secret (webhook signing secret, SQS secret access key) sealed into
// its config as base64 under the at-rest key with AAD "destination:<id>". Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "crypto/bytes.hpp"

namespace rekey {

std::string seal_destination_secret(const key256& at_rest_key, std::string_view destination_id, std::string_view secret,
                                    random_source& random);
std::optional<std::string> open_destination_secret(const key256& at_rest_key, std::string_view destination_id,
                                                   std::string_view sealed_base64);

}  // namespace rekey
