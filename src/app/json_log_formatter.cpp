#include "app/json_log_formatter.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <string_view>

namespace rekey {
namespace {

bool is_key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Adds each `key=value` word of `message` to `fields`.
void add_fields(std::string_view message, boost::json::object& fields) {
  while (!message.empty()) {
    const auto space = message.find(' ');
    const auto word = message.substr(0, space);
    message = space == std::string_view::npos ? std::string_view() : message.substr(space + 1);
    const auto eq = word.find('=');
    if (eq == 0 || eq == std::string_view::npos || eq + 1 == word.size()) continue;
    const auto key = word.substr(0, eq);
    bool keyish = true;
    for (const char c : key) keyish = keyish && is_key_char(c);
    if (!keyish || fields.contains(key)) continue;
    fields[key] = word.substr(eq + 1);
  }
}

}  // namespace

void json_log_formatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto since_epoch = msg.time.time_since_epoch();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  const auto seconds = std::chrono::system_clock::to_time_t(msg.time);
  const std::string_view message(msg.payload.data(), msg.payload.size());
  const auto level = spdlog::level::to_string_view(msg.level);
  boost::json::object line{
      {"time", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(seconds), ms)},
      {"level", std::string_view(level.data(), level.size())},
      {"message", message},
  };
  add_fields(message, line);
  const auto text = boost::json::serialize(line);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

}  // namespace rekey
