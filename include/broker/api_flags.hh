#pragma once

namespace broker {

/// Legacy flags of the store API. Upstream 2.1 keeps them for source
/// compatibility only; no call changes its behaviour because of them.
enum class api_flags : int {
  no_flags = 0x00,
  blocking_flag = 0x01,
  nonblocking_flag = 0x02,
};

constexpr api_flags no_api_flags = api_flags::no_flags;
constexpr api_flags blocking = api_flags::blocking_flag;
constexpr api_flags nonblocking = api_flags::nonblocking_flag;

} // namespace broker
