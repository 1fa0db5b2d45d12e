#pragma once

// Helpers for the configuration tests: environment variables, the working
// directory and the warning handler, each restored when the helper goes
// away.

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "broker/configuration.hh"
#include "config/key_table.hh"

namespace broker::test {

/// Sets and unsets environment variables; restores every variable it
/// touched. Starts by unsetting all BROKER_* variables the key table knows,
/// so that the caller's environment does not leak into a test.
class env_guard {
public:
  env_guard() {
    for (auto& spec : detail::config::keys())
      if (!spec.env.empty())
        unset(std::string{spec.env});
  }

  env_guard(const env_guard&) = delete;
  env_guard& operator=(const env_guard&) = delete;

  ~env_guard() {
    for (auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

  void set(const std::string& name, const std::string& value) {
    save(name);
    ::setenv(name.c_str(), value.c_str(), 1);
  }

  void unset(const std::string& name) {
    save(name);
    ::unsetenv(name.c_str());
  }

private:
  void save(const std::string& name) {
    if (saved_.count(name) > 0)
      return;
    auto value = std::getenv(name.c_str());
    saved_[name] = value ? std::optional<std::string>{value} : std::nullopt;
  }

  std::map<std::string, std::optional<std::string>> saved_;
};

/// Changes the working directory; changes it back on destruction.
class cwd_guard {
public:
  explicit cwd_guard(const std::string& dir) {
    char buf[4096];
    if (::getcwd(buf, sizeof(buf)) != nullptr)
      old_ = buf;
    if (::chdir(dir.c_str()) != 0)
      ADD_FAILURE() << "chdir failed: " << dir;
  }

  cwd_guard(const cwd_guard&) = delete;
  cwd_guard& operator=(const cwd_guard&) = delete;

  ~cwd_guard() {
    if (!old_.empty() && ::chdir(old_.c_str()) != 0)
      ADD_FAILURE() << "chdir back failed: " << old_;
  }

private:
  std::string old_;
};

/// Collects configuration warnings instead of printing them.
class warning_capture {
public:
  warning_capture() {
    previous_ = configuration::set_warning_handler(
      [this](const std::string& msg) { messages.push_back(msg); });
  }

  warning_capture(const warning_capture&) = delete;
  warning_capture& operator=(const warning_capture&) = delete;

  ~warning_capture() {
    configuration::set_warning_handler(std::move(previous_));
  }

  std::vector<std::string> messages;

private:
  configuration::warning_handler previous_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

/// The message of the exception `fn` throws as `E`, or "no error".
template <class E, class F>
inline std::string error_of(F fn) {
  try {
    fn();
  } catch (const E& err) {
    return err.what();
  }
  return "no error";
}

/// A configuration from arguments (argv[0] added).
inline configuration from_args(std::vector<std::string> args) {
  std::vector<char*> argv{const_cast<char*>("test")};
  for (auto& arg : args)
    argv.push_back(arg.data());
  return configuration{static_cast<int>(argv.size()), argv.data()};
}

} // namespace broker::test
