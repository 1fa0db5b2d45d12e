#include "progress.hh"

#include <unistd.h>

#include <cstdio>

namespace broker::tools {

progress_line::progress_line() : enabled_(isatty(STDERR_FILENO) == 1) {}

void progress_line::update(const std::function<std::string()>& text) {
  using namespace std::chrono_literals;
  if (!enabled_)
    return;
  auto now = clock::now();
  if (drawn_ && now - last_ < 250ms)
    return;
  last_ = now;
  drawn_ = true;
  // Carriage return, the text, then erase the rest of the old line.
  std::fprintf(stderr, "\r%s\x1b[K", text().c_str());
  std::fflush(stderr);
}

void progress_line::clear() {
  if (!drawn_)
    return;
  drawn_ = false;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                       - start)
    .count();
}

double per_second(double n, double secs) {
  return secs > 0 ? n / secs : 0.0;
}

std::string compact(double x) {
  const char* suffix = "";
  for (auto s : {"k", "M", "G"}) {
    if (x < 1000)
      break;
    x /= 1000;
    suffix = s;
  }
  char buf[32];
  if (*suffix == '\0')
    std::snprintf(buf, sizeof(buf), "%.0f", x);
  else
    std::snprintf(buf, sizeof(buf), "%.3g%s", x, suffix);
  return buf;
}

} // namespace broker::tools
