#include "http/response_wire.hpp"

#include <gtest/gtest.h>
#include <boost/beast/http/write.hpp>

#include <sstream>
#include <string>

namespace rekey::http {
namespace {

// What Beast's own serializer writes for the same message: the reference the wire form must match.
std::string beast_wire(const response& res) {
  std::ostringstream out;
  out << res;
  return out.str();
}

// Byte for byte what Beast writes, for the answers the server gives: with and without a body,
// a 204 without Content-Length, HTTP/1.0, a reason of its own, many fields, repeated fields.
TEST(ResponseWire, MatchesBeastsSerializer) {
  std::vector<response> answers;
  {
    response res{status::ok, 11};
    res.set(beast_http::field::content_type, "application/json;charset=UTF-8");
    res.set(beast_http::field::cache_control, "no-store");
    res.set("x-amzn-RequestId", "7d1e905b-6913-4aa1-b615-38ab9b7ef762");
    res.body() = R"({"access_token":"Atc|x","token_type":"bearer","expires_in":3600})";
    res.prepare_payload();
    answers.push_back(res);
  }
  {
    response res{status::no_content, 11};
    res.set("x-amzn-RequestId", "r");
    res.keep_alive(false);
    answers.push_back(res);
  }
  {
    response res{status::too_many_requests, 10};
    res.set(beast_http::field::content_type, "application/json");
    res.insert("x-amzn-RateLimit-Limit", "0.5");
    res.insert(beast_http::field::set_cookie, "a=1");
    res.insert(beast_http::field::set_cookie, "b=2");
    res.body() = std::string(70'000, 'x');
    res.prepare_payload();
    res.keep_alive(true);
    answers.push_back(res);
  }
  {
    response res{status::bad_request, 11};
    res.reason("Not What You Expected");
    res.body() = "{}";
    res.prepare_payload();
    answers.push_back(res);
  }
  answers.emplace_back(static_cast<status>(599), 11);  // a code with no reason of its own
  std::string wire = "left over from an earlier answer";
  for (const auto& res : answers) {
    serialize(res, wire);
    EXPECT_EQ(wire, beast_wire(res));
  }
}

TEST(ResponseWire, StartsWithTheStatusLine) {
  response res{status::ok, 11};
  res.body() = "hi";
  res.prepare_payload();
  std::string wire;
  serialize(res, wire);
  EXPECT_EQ(wire, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
}

}  // namespace
}  // namespace rekey::http
