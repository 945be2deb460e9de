// json_keys: whether a JSON text repeats a key within one object. Boost.JSON keeps the last of
// two equal keys without a word, so a request body could say one thing to a reader that keeps
// the first and another to rekey; rekey refuses such bodies instead, as it refuses a form field
// given twice. Pure; thread-safe.
#pragma once

#include <string_view>

namespace rekey {

// True when some object in `json` has two equal keys. False for text that is not JSON too
// (the caller's parser reports that).
bool has_duplicate_keys(std::string_view json);

}  // namespace rekey
