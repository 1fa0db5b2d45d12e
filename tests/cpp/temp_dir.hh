#pragma once

// A fresh directory under testing::TempDir(), removed with its contents when
// the object goes away.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

namespace broker::test {

class temp_dir {
public:
  temp_dir() {
    auto pattern = ::testing::TempDir() + "broker-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr)
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    else
      path_ = buf.data();
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  ~temp_dir() {
    if (path_.empty())
      return;
    std::error_code err;
    // Tests may have made parts read-only; make them removable again.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, err);
    for (auto& entry :
         std::filesystem::recursive_directory_iterator(path_, err))
      std::filesystem::permissions(entry.path(),
                                   std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, err);
    std::filesystem::remove_all(path_, err);
  }

  const std::string& path() const noexcept {
    return path_;
  }

  /// `path() + "/" + name`.
  std::string file(const std::string& name) const {
    return path_ + "/" + name;
  }

private:
  std::string path_;
};

} // namespace broker::test
