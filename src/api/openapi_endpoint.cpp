#include "api/openapi_endpoint.hpp"

#include <yaml-cpp/yaml.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <regex>
#include <stdexcept>

namespace rekey::api {
namespace {

namespace json = boost::json;

// A plain (unquoted) scalar as YAML 1.2's core schema reads it.
json::value plain_scalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, integer)) {
    std::int64_t value = 0;
    const auto* begin = text.data() + (text.front() == '+' ? 1 : 0);
    if (std::from_chars(begin, text.data() + text.size(), value).ec == std::errc{}) return value;
  }
  if (std::regex_match(text, floating)) return std::stod(text);
  return json::string(text);
}

json::value to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& entry : node) out[entry.first.as<std::string>()] = to_json(entry.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json::array out;
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      // "?": a plain scalar, typed by its text; "!": a quoted one, always a string.
      return node.Tag() == "?" ? plain_scalar(node.Scalar()) : json::value(json::string(node.Scalar()));
    default:
      return nullptr;
  }
}

}  // namespace

std::string yaml_to_json(std::string_view yaml) {
  try {
    return json::serialize(to_json(YAML::Load(std::string(yaml))));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(std::string("docs/openapi.yaml: ") + e.what());
  }
}

boost::asio::awaitable<response> openapi_endpoint::handle(request_context& ctx) const {
  response res{status::ok, ctx.req.version()};
  res.set(beast_http::field::content_type, "application/json");
  res.body() = json_;
  co_return res;
}

}  // namespace rekey::api
