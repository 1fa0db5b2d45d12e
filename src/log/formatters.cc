#include "log/formatters.hh"

#include <spdlog/pattern_formatter.h>

#include <pthread.h>

#include <string>

namespace broker::log {

namespace {

constexpr const char* file_pattern
  = "%Y-%m-%dT%H:%M:%S.%f %l [%t %N] %Q:%# %W: %v";

void append(spdlog::memory_buf_t& dest, std::string_view str) {
  dest.append(str.data(), str.data() + str.size());
}

/// %N: the thread's name (broker-core, broker-store, the program's name for
/// the main thread), read once per thread: our threads name themselves
/// before they log.
class thread_name_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    thread_local std::string name = [] {
      char buf[16] = {};
      if (pthread_getname_np(pthread_self(), buf, sizeof(buf)) != 0)
        return std::string{"?"};
      return std::string{buf};
    }();
    append(dest, name);
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<thread_name_flag>();
  }
};

/// %Q: the source file, from the layer folder on.
class file_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    if (msg.source.filename)
      append(dest, short_file(msg.source.filename));
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<file_flag>();
  }
};

/// %W: class::function.
class function_flag final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    if (msg.source.funcname)
      append(dest, short_function(msg.source.funcname));
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<function_flag>();
  }
};

} // namespace

std::unique_ptr<spdlog::formatter> make_file_formatter() {
  auto result = std::make_unique<spdlog::pattern_formatter>();
  result->add_flag<thread_name_flag>('N');
  result->add_flag<file_flag>('Q');
  result->add_flag<function_flag>('W');
  result->set_pattern(file_pattern);
  return result;
}

std::string_view short_file(std::string_view path) noexcept {
  if (auto pos = path.rfind("/src/"); pos != std::string_view::npos)
    return path.substr(pos + 5);
  if (auto pos = path.rfind("/layers/"); pos != std::string_view::npos) {
    // Skip the layer whose root it is: the next component.
    auto rest = path.substr(pos + 8);
    if (auto slash = rest.find('/'); slash != std::string_view::npos)
      return rest.substr(slash + 1);
  }
  if (auto slash = path.rfind('/'); slash != std::string_view::npos)
    return path.substr(slash + 1);
  return path;
}

std::string_view short_function(std::string_view pretty) noexcept {
  // The name ends at the parameter list: the first '(' that does not
  // belong to "(anonymous namespace)".
  size_t end = 0;
  for (;;) {
    end = pretty.find('(', end);
    if (end == std::string_view::npos)
      return pretty;
    if (pretty.compare(end, 21, "(anonymous namespace)") != 0)
      break;
    end += 21;
  }
  auto name = pretty.substr(0, end);
  // Drop the return type: what precedes the last space, or, for clang's
  // "(anonymous namespace)::f", everything up to that namespace.
  if (auto anon = name.rfind(")::"); anon != std::string_view::npos)
    name.remove_prefix(anon + 3);
  else if (auto space = name.rfind(' '); space != std::string_view::npos)
    name.remove_prefix(space + 1);
  // Keep class::function.
  auto last = name.rfind("::");
  if (last == std::string_view::npos || last == 0)
    return name;
  auto before = name.rfind("::", last - 1);
  return before == std::string_view::npos ? name : name.substr(before + 2);
}

} // namespace broker::log
