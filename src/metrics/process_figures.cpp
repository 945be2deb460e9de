#include "metrics/process_figures.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace rekey::metrics {
namespace {

prometheus::MetricFamily family_of(std::string name, std::string help, prometheus::MetricType type, double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter)
    metric.counter.value = value;
  else
    metric.gauge.value = value;
  return {std::move(name), std::move(help), type, {metric}};
}

// The machine's boot time, seconds since the epoch (/proc/stat's btime).
std::int64_t boot_time() {
  std::ifstream in("/proc/stat");
  std::string key;
  std::int64_t value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

}  // namespace

std::vector<prometheus::MetricFamily> read_process_figures() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  // The command name (field 2) is in parentheses and may hold spaces: fields after its last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;  // f[0] is field 3 (state)
  for (std::string v; fields >> v;) f.push_back(v);
  if (f.size() < 22) return {};
  const auto field = [&](int number) { return std::stod(f[static_cast<std::size_t>(number - 3)]); };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));

  std::size_t open_fds = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::end(it);
       it.increment(ec))
    ++open_fds;
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);

  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  out.push_back(family_of("process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
                          MetricType::Counter, (field(14) + field(15)) / ticks));
  out.push_back(family_of("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
                          field(24) * page));
  out.push_back(
      family_of("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge, field(23)));
  out.push_back(family_of("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                          static_cast<double>(open_fds > 0 ? open_fds - 1 : 0)));  // less the iterator's own
  out.push_back(family_of("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
                          static_cast<double>(files.rlim_cur)));
  out.push_back(family_of("process_start_time_seconds", "Start time of the process since the epoch, in seconds.",
                          MetricType::Gauge, static_cast<double>(boot_time()) + field(22) / ticks));
  out.push_back(family_of("process_threads", "Number of OS threads in the process.", MetricType::Gauge, field(20)));
  return out;
}

}  // namespace rekey::metrics
