// libFuzzer target: one store command payload (src/format/internal_command.hh,
// ZEEK-WIRE.md §6.2), as a type-2 node message carries it.
//
// Checks: no crash, no read outside the input; a failure is `invalid_data`
// with a message naming the offset; a decoded command re-encodes, the
// encoding decodes to the same command (any NaN matching any NaN: the wire
// has one) and encodes to the same bytes again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "format/identical.hh"
#include "format/internal_command.hh"

using namespace broker;
using namespace broker::format;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_internal_command: %s\n", what);
  std::abort();
}

// Field-wise sameness; declared up front so the template below sees them.
bool same(const data& x, const data& y);
bool same(const snapshot_entries& x, const snapshot_entries& y);
bool same(const command_content& x, const command_content& y);

template <class T, class = void>
struct has_fields : std::false_type {};

template <class T>
struct has_fields<T, std::void_t<decltype(std::declval<const T&>().fields())>>
  : std::true_type {};

template <class T>
bool same(const T& x, const T& y) {
  if constexpr (has_fields<T>::value) {
    return std::apply(
      [&](const auto&... xs) {
        return std::apply(
          [&](const auto&... ys) { return (same(xs, ys) && ...); },
          y.fields());
      },
      x.fields());
  } else {
    return x == y;
  }
}

bool same(const data& x, const data& y) {
  return same_on_wire(x, y);
}

bool same(const snapshot_entries& x, const snapshot_entries& y) {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!same(x[i].first, y[i].first) || !same(x[i].second, y[i].second))
      return false;
  return true;
}

bool same(const command_content& x, const command_content& y) {
  if (x.index() != y.index())
    return false;
  return std::visit(
    [&](const auto& lhs) {
      return same(lhs, std::get<std::decay_t<decltype(lhs)>>(y));
    },
    x);
}

void check_failure(const broker::error& err) {
  if (err.code() != ec::invalid_data)
    die("a failure that is not invalid_data");
  if (err.message().rfind("offset ", 0) != 0)
    die("a failure message without an offset");
}

void check_roundtrip(const internal_command& first) {
  std::vector<uint8_t> bytes;
  // Whatever the decoder accepts is within what the encoder can write.
  if (!write_internal_command(first, bytes))
    die("a decoded command does not encode");
  internal_command second;
  if (read_internal_command(bytes.data(), bytes.size(), second))
    die("a re-encoded command does not decode");
  if (!same(first, second))
    die("a re-encoded command decodes to a different command");
  std::vector<uint8_t> again;
  if (!write_internal_command(second, again) || again != bytes)
    die("encoding is not stable");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  internal_command cmd;
  if (auto err = read_internal_command(data, size, cmd))
    check_failure(err);
  else
    check_roundtrip(cmd);
  return 0;
}
