#include "core/amazon_hosts.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace rekey {
namespace {

// The commercial AWS regions with SQS (AWS General Reference, "Amazon SQS endpoints").
constexpr std::array<std::string_view, 33> sqs_regions{
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "af-south-1",     "ap-east-1",
    "ap-east-2",      "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1",   "ca-west-1",      "eu-central-1",   "eu-central-2",   "eu-west-1",      "eu-west-2",
    "eu-west-3",      "eu-south-1",     "eu-south-2",     "eu-north-1",     "il-central-1",   "me-south-1",
    "me-central-1",   "mx-central-1",   "sa-east-1"};

std::vector<std::string> all_names() {
  std::vector<std::string> names{"api.amazon.com"};
  for (const char* region : {"na", "eu", "fe"}) {
    names.push_back(std::string("sellingpartnerapi-") + region + ".amazon.com");
    names.push_back(std::string("sandbox.sellingpartnerapi-") + region + ".amazon.com");
  }
  for (const auto region : sqs_regions) names.push_back("sqs." + std::string(region) + ".amazonaws.com");
  return names;
}

std::string lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

const std::vector<std::string>& amazon_host_names() {
  static const std::vector<std::string> names = all_names();
  return names;
}

bool is_amazon_host(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  const auto name = lowered(host);
  const auto& names = amazon_host_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_sandbox_host(std::string_view host_header) {
  // On the rotate call's path: most hosts fail this at once, before any copy or lookup.
  constexpr std::string_view prefix = "sandbox.";
  if (host_header.size() < prefix.size() ||
      !std::equal(prefix.begin(), prefix.end(), host_header.begin(),
                  [](char p, char c) { return p == std::tolower(static_cast<unsigned char>(c)); }))
    return false;
  const auto colon = host_header.rfind(':');
  if (colon != std::string_view::npos && host_header.find(']') == std::string_view::npos)
    host_header = host_header.substr(0, colon);
  return is_amazon_host(host_header) && lowered(host_header).starts_with("sandbox.");
}

}  // namespace rekey
