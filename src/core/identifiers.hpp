// The identifier formats of SPEC §2 and their generators. Pure functions over a random_source;
// thread-safe if the source is.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/random.hpp"

namespace rekey {

inline constexpr std::string_view application_id_prefix = "amzn1.sp.solution.";
inline constexpr std::string_view client_id_prefix = "amzn1.application-oa2-client.";
inline constexpr std::string_view client_secret_prefix = "amzn1.oa2-cs.v1.";

// Lowercase hex of the bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

// Lowercase UUIDv4, 8-4-4-4-12.
std::string new_uuid(random_source& random);
// Lowercase UUIDv7 (RFC 9562): the millisecond time first, then 74 random bits. For the ids of
// rows written at a high rate (secrets, notifications, messages): consecutive ids sort together,
// so inserting them touches one index page instead of a random one each.
std::string new_time_ordered_uuid(random_source& random, time_point now);
bool is_uuid(std::string_view text);

std::string new_application_id(random_source& random);  // prefix + UUIDv4
std::string new_client_id(random_source& random);       // prefix + 32 lowercase hex
std::string new_client_secret(random_source& random);   // prefix + 64 lowercase hex (256 bits)

}  // namespace rekey
