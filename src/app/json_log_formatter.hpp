// json_log_formatter: --log-format json. Each log line becomes one JSON object: "time" (UTC,
// RFC 3339 with milliseconds), "level", "message" (the line as the text format writes it), and
// each `key=value` word of the message as a field of its own ("request_id", "application", …),
// so that a log pipeline can filter on them without parsing text. A word whose key repeats keeps
// its first value. Hand-written as spdlog's formatter interface: spdlog has no JSON output.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace rekey {

class json_log_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_log_formatter>(); }
};

}  // namespace rekey
