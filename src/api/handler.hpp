// The vocabulary of the api/ handlers: the transport's message types (http/message.hpp) and
// the storage executor, named in namespace rekey::api so that each handler file reads as one
// surface. Each handler turns requests into service calls and errors into its surface's error
// shape (error_response.hpp); none of them owns a socket. Plain declarations.
#pragma once

#include "http/message.hpp"

namespace rekey::runtime {
class storage_executor;
}

namespace rekey::api {

namespace beast_http = http::beast_http;
using http::is_blank;
using http::request;
using http::request_context;
using http::response;
using http::status;
using http::verb;
using runtime::storage_executor;

}  // namespace rekey::api
