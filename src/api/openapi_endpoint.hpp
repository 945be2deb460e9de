// GET /openapi.json — docs/openapi.yaml, the OpenAPI 3.1 description of every route rekey
// serves, as JSON. The YAML is embedded in the binary at build time (cmake/embed_text.cmake) and
// converted once, at construction, with yaml-cpp (Debian's libyaml-cpp-dev), reading plain
// scalars as YAML 1.2's core schema does (true/false, null, integers, floats; everything else,
// and every quoted scalar, a string) — as the JavaScript and Python YAML libraries read it.
// Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "api/handler.hpp"

namespace rekey::api {

// The embedded docs/openapi.yaml.
std::string_view openapi_yaml();

// `yaml` as JSON text; std::runtime_error when it is no YAML.
std::string yaml_to_json(std::string_view yaml);

class openapi_endpoint {
 public:
  openapi_endpoint() : json_(yaml_to_json(openapi_yaml())) {}

  boost::asio::awaitable<response> handle(request_context& ctx) const;

 private:
  std::string json_;
};

}  // namespace rekey::api
