// Fuzzes the SQS query protocol's readers and writer (src/api/sqs_query.hpp): form decoding
// (core/form_decode.hpp), the flattened lists and maps, and the XML rendering of what was read.
// Checks what must hold whatever the input: a parsed call has its Action; XML rendered from what
// was read is well nested (every element it opens it closes, in order), with no raw '&' or '\r'
// from the input in its text.
#include <boost/json/array.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "api/sqs_query.hpp"

namespace {

// True when every <name> has its </name>, in order, and text holds no raw '&' but entities.
bool well_formed(std::string_view xml) {
  std::vector<std::string_view> open;
  std::size_t pos = xml.find("?>");
  if (pos == std::string_view::npos) return false;
  pos += 2;
  while (pos < xml.size()) {
    if (xml[pos] == '\r') return false;
    if (xml[pos] != '<') {
      if (xml[pos] == '&' && xml.substr(pos).find(';') == std::string_view::npos) return false;
      ++pos;
      continue;
    }
    const auto end = xml.find('>', pos);
    if (end == std::string_view::npos) return false;
    auto tag = xml.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.ends_with('/')) continue;
    if (tag.starts_with('/')) {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
      continue;
    }
    open.push_back(tag.substr(0, tag.find(' ')));
  }
  return open.empty();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view form(reinterpret_cast<const char*>(data), size);
  auto call = rekey::api::parse_sqs_query(form);
  if (!call) return 0;
  if (call->action.empty()) std::abort();
  // What was read, rendered as answers carry it: values as text, Attributes' names and values
  // as a flattened map, a message with the values as its body (the answer's member names are
  // rekey's, never the client's).
  boost::json::array messages;
  for (const auto& [name, value] : call->request) {
    if (value.is_string()) messages.push_back(boost::json::object{{"Body", value}});
  }
  boost::json::object answer{{"Messages", std::move(messages)}};
  if (const auto* attributes = call->request.if_contains("Attributes")) answer["Attributes"] = *attributes;
  if (!well_formed(rekey::api::render_sqs_query("ReceiveMessage", answer, call->action))) std::abort();
  return 0;
}
