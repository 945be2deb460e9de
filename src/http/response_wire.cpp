#include "http/response_wire.hpp"

namespace rekey::http {

void serialize(const response& res, std::string& wire) {
  constexpr std::string_view crlf = "\r\n";
  constexpr std::string_view separator = ": ";
  const auto reason = res.reason();
  const auto& body = res.body();
  std::size_t size = 13 + reason.size() + 2 * crlf.size() + body.size();
  for (const auto& field : res)
    size += field.name_string().size() + separator.size() + field.value().size() + crlf.size();

  // "HTTP/1.1 200 " as Beast writes it: one digit each side of the version's dot, three of status.
  const unsigned version = res.version();
  const unsigned code = res.result_int();
  const char status_line[13] = {'H',
                                'T',
                                'T',
                                'P',
                                '/',
                                static_cast<char>('0' + version / 10 % 10),
                                '.',
                                static_cast<char>('0' + version % 10),
                                ' ',
                                static_cast<char>('0' + code / 100 % 10),
                                static_cast<char>('0' + code / 10 % 10),
                                static_cast<char>('0' + code % 10),
                                ' '};
  wire.clear();
  wire.reserve(size);
  wire.append(status_line, sizeof status_line);
  wire.append(reason.data(), reason.size());
  wire.append(crlf);
  for (const auto& field : res) {
    const auto name = field.name_string();
    const auto value = field.value();
    wire.append(name.data(), name.size());
    wire.append(separator);
    wire.append(value.data(), value.size());
    wire.append(crlf);
  }
  wire.append(crlf);
  wire.append(body);
}

}  // namespace rekey::http
