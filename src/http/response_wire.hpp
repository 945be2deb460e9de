// A response as the bytes on the wire, in one contiguous buffer: exactly what Beast's serializer
// writes for a string body (status line, the fields in their order, the blank line, the body),
// built in one pass. The server writes every answer this way: one buffer goes out in one write,
// without the serializer's buffer sequences and composed operations (docs/benchmarks.md, #20).
#pragma once

#include <string>

#include "http/message.hpp"

namespace rekey::http {

// Replaces `wire` with `res` as sent. Never chunks: the server frames every answer with its
// Content-Length (or none, on a 204) before it is written.
void serialize(const response& res, std::string& wire);

}  // namespace rekey::http
