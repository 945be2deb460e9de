#include "api/sqs_query.hpp"

#include <boost/json/array.hpp>

#include <charconv>
#include <map>

#include "core/form_decode.hpp"

namespace rekey::api {
namespace {

namespace json = boost::json;

constexpr std::string_view xml_namespace = "http://queue.amazonaws.com/doc/2012-11-05/";

// Flattened lists of the query protocol: the parameter's prefix and the JSON member it fills.
struct list_parameter {
  std::string_view prefix;  // "AttributeName" for AttributeName.1, AttributeName.2 …
  std::string_view member;
};
constexpr list_parameter lists[] = {
    {"AttributeName", "AttributeNames"},
    {"MessageSystemAttributeName", "MessageSystemAttributeNames"},
    {"MessageAttributeName", "MessageAttributeNames"},
    {"TagKey", "TagKeys"},
};
// Flattened maps: Attribute.1.Name / Attribute.1.Value → "Attributes": {name: value}.
struct map_parameter {
  std::string_view prefix;
  std::string_view key;
  std::string_view value;
  std::string_view member;
};
constexpr map_parameter maps[] = {
    {"Attribute", "Name", "Value", "Attributes"},
    {"Tag", "Key", "Value", "tags"},  // CreateQueue's; TagQueue calls it "Tags" (parse_sqs_query)
};
// Message attributes: MessageAttribute.1.Name / MessageAttribute.1.Value.DataType … →
// "MessageAttributes": {name: {DataType, StringValue | BinaryValue}}, at the top or in a batch entry.
constexpr std::pair<std::string_view, std::string_view> attribute_maps[] = {
    {"MessageAttribute", "MessageAttributes"},
    {"MessageSystemAttribute", "MessageSystemAttributes"},
};

// A batch's entries: SendMessageBatchRequestEntry.1.MessageBody … → "Entries": [{…}].
constexpr std::string_view entry_suffix = "RequestEntry";

// Message attributes being read: index → name and value object.
using attribute_items = std::map<unsigned, std::pair<std::string, json::object>>;
using attribute_members = std::map<std::string, attribute_items>;  // member → items

// "7" in "Attribute.7.Name"; 0 when not a positive decimal.
unsigned index_of(std::string_view text) {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : 0;
}

// Reads "<Prefix>.<n>.Name" or "<Prefix>.<n>.Value.<Field>" of a message attribute map into
// `into`; false when `key` is none of those.
bool read_attribute_parameter(std::string_view key, const std::string& value, attribute_members& into) {
  for (const auto& [prefix, member] : attribute_maps) {
    if (!key.starts_with(prefix) || key.size() <= prefix.size() || key[prefix.size()] != '.') continue;
    const auto rest = key.substr(prefix.size() + 1);
    const auto dot = rest.find('.');
    const unsigned n = dot == std::string_view::npos ? 0 : index_of(rest.substr(0, dot));
    if (n == 0) return false;
    const auto part = rest.substr(dot + 1);
    auto& item = into[std::string(member)][n];
    if (part == "Name") {
      item.first = value;
    } else if (part.starts_with("Value.") && part.find('.', 6) == std::string_view::npos) {
      item.second[part.substr(6)] = value;
    } else {
      return false;
    }
    return true;
  }
  return false;
}

void put_attribute_maps(attribute_members& members, json::object& into) {
  for (auto& [member, items] : members) {
    json::object object;
    for (auto& [n, item] : items) object[item.first] = std::move(item.second);
    into[member] = std::move(object);
  }
}

// Members of a JSON answer the XML writes as repeated elements of another name.
std::string element_of(std::string_view action, std::string_view member) {
  if (member == "QueueUrls" || member == "queueUrls") return "QueueUrl";
  if (member == "Messages") return "Message";
  if (member == "Successful") return std::string(action) + "ResultEntry";  // SendMessageBatchResultEntry …
  if (member == "Failed") return "BatchResultErrorEntry";
  return std::string(member);
}

void write_value(std::string& out, std::string_view action, std::string_view name, const json::value& v);

void write_members(std::string& out, std::string_view action, const json::object& o) {
  for (const auto& [key, value] : o) write_value(out, action, key, value);
}

void write_value(std::string& out, std::string_view action, std::string_view name, const json::value& v) {
  if (v.is_array()) {  // flattened: one element per entry
    const auto element = element_of(action, name);
    for (const auto& item : v.as_array()) write_value(out, action, element, item);
    return;
  }
  if (v.is_object() && (name == "MessageAttributes" || name == "MessageSystemAttributes")) {
    for (const auto& [key, value] : v.as_object()) {  // <MessageAttribute><Name/><Value>…</Value></MessageAttribute>
      out += "<MessageAttribute><Name>";
      out += xml_escape(key);
      out += "</Name>";
      write_value(out, action, "Value", value);
      out += "</MessageAttribute>";
    }
    return;
  }
  if (v.is_object() && (name == "Attributes" || name == "Tags")) {  // flattened maps
    const bool tags = name == "Tags";
    for (const auto& [key, value] : v.as_object()) {
      out += tags ? "<Tag><Key>" : "<Attribute><Name>";
      out += xml_escape(key);
      out += tags ? "</Key><Value>" : "</Name><Value>";
      if (value.is_string()) out += xml_escape(value.as_string());
      out += tags ? "</Value></Tag>" : "</Value></Attribute>";
    }
    return;
  }
  out += '<';
  out += name;
  out += '>';
  if (v.is_string()) {
    out += xml_escape(v.as_string());
  } else if (v.is_object()) {
    write_members(out, action, v.as_object());
  } else if (v.is_int64()) {
    out += std::to_string(v.as_int64());
  } else if (v.is_bool()) {
    out += v.as_bool() ? "true" : "false";
  }
  out += "</";
  out += name;
  out += '>';
}

// Operations whose answer has a <…Result> element (the others answer ResponseMetadata only).
bool has_result(std::string_view action) {
  return action != "DeleteQueue" && action != "PurgeQueue" && action != "DeleteMessage" &&
         action != "ChangeMessageVisibility" && action != "SetQueueAttributes" && action != "TagQueue" &&
         action != "UntagQueue";
}

}  // namespace

result<sqs_query_call> parse_sqs_query(std::string_view form) {
  sqs_query_call call;
  std::map<std::string, std::map<unsigned, std::string>> list_items;                       // member → index → value
  std::map<std::string, std::map<unsigned, std::pair<std::string, std::string>>> entries;  // member → index → pair
  std::map<unsigned, json::object> batch;                                                  // index → entry
  std::map<unsigned, attribute_members> batch_attributes;                                  // index → its attributes
  attribute_members attributes;
  for_each_form_field(form, [&](const std::string& key, std::string value) {
    if (key == "Action") {
      call.action = std::move(value);
      return true;
    }
    if (key == "Version" || key.starts_with("X-Amz-")) return true;  // X-Amz-*: a presigned signature
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      if (key == "Entries" && value.empty()) {
        call.request[key] = json::array{};  // an empty list, as botocore sends one ("Entries=")
      } else {
        call.request[key] = value;
      }
      return true;
    }
    if (read_attribute_parameter(key, value, attributes)) return true;
    const std::string_view prefix = std::string_view(key).substr(0, dot);
    const std::string_view rest = std::string_view(key).substr(dot + 1);
    for (const auto& l : lists) {
      if (prefix == l.prefix && index_of(rest) > 0) list_items[std::string(l.member)][index_of(rest)] = value;
    }
    const auto second_dot = rest.find('.');
    if (second_dot == std::string_view::npos) return true;
    const unsigned n = index_of(rest.substr(0, second_dot));
    const auto part = rest.substr(second_dot + 1);
    if (prefix.ends_with(entry_suffix) && n > 0) {
      if (part.find('.') == std::string_view::npos) {
        batch[n][part] = value;  // an entry's own scalars (Id, MessageBody, DelaySeconds, ReceiptHandle …)
      } else if (read_attribute_parameter(part, value, batch_attributes[n])) {
        batch[n];  // the entry exists even if its scalars come later
      }
      return true;
    }
    for (const auto& m : maps) {
      if (prefix != m.prefix || n == 0) continue;
      if (part == m.key) entries[std::string(m.member)][n].first = value;
      if (part == m.value) entries[std::string(m.member)][n].second = value;
    }
    return true;
  });
  if (call.action.empty()) return errc::sqs_invalid_action;
  for (auto& [member, items] : list_items) {
    json::array array;
    for (auto& [n, value] : items) array.emplace_back(json::string(value));
    call.request[member] = std::move(array);
  }
  if (!batch.empty()) {
    json::array array;
    for (auto& [n, entry] : batch) {
      put_attribute_maps(batch_attributes[n], entry);
      array.emplace_back(std::move(entry));
    }
    call.request["Entries"] = std::move(array);
  }
  for (auto& [member, pairs] : entries) {
    json::object object;
    for (auto& [n, pair] : pairs) object[pair.first] = pair.second;
    // Tag.N.Key is CreateQueue's "tags" and TagQueue's "Tags".
    call.request[member == "tags" && call.action == "TagQueue" ? "Tags" : member] = std::move(object);
  }
  put_attribute_maps(attributes, call.request);
  return call;
}

std::string render_sqs_query(std::string_view action, const json::object& answer, std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\"?><";
  out += action;
  out += "Response xmlns=\"";
  out += xml_namespace;
  out += "\">";
  if (has_result(action)) {
    out += '<';
    out += action;
    out += "Result>";
    write_members(out, action, answer);
    out += "</";
    out += action;
    out += "Result>";
  }
  out += "<ResponseMetadata><RequestId>";
  out += xml_escape(request_id);
  out += "</RequestId></ResponseMetadata></";
  out += action;
  out += "Response>";
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace rekey::api
