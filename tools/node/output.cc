#include "output.hh"

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "broker/data.hh"
#include "broker/endpoint_info.hh"
#include "broker/error.hh"

namespace broker::node {

namespace {

/// The context of a status or error as two fields: node and network, `-`
/// for what is unknown, so that the message always starts at field 5.
std::string context_fields(const endpoint_info* ctx) {
  std::string result;
  result += ctx && ctx->node.valid() ? to_string(ctx->node) : "-";
  result += ' ';
  result += ctx && ctx->network ? to_string(*ctx->network) : "-";
  return result;
}

} // namespace

void print_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void print_event(const status_variant& event) {
  if (auto st = get_if<status>(&event)) {
    print_line(std::string{"status "} + to_string(st->code()) + ' '
               + context_fields(st->context()) + ' ' + *st->message());
  } else if (auto err = get_if<error>(&event)) {
    print_line(std::string{"error "} + to_string(err->code()) + ' '
               + context_fields(err->context()) + ' ' + err->message());
  }
}

void print_stdin_eof() {
  print_line("stdin_eof");
}

void print_message(const data_message& msg) {
  print_line("message " + get_topic(msg).string() + ' '
             + to_string(get_data(msg)));
}

long peak_rss_kib() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields{line.substr(6)};
      long kib = -1;
      fields >> kib;
      return kib;
    }
  }
  return -1;
}

std::string cpu_seconds_line() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
  };
  char buf[96];
  std::snprintf(buf, sizeof(buf), "cpu_seconds user=%.3f sys=%.3f",
                secs(usage.ru_utime), secs(usage.ru_stime));
  return buf;
}

} // namespace broker::node
