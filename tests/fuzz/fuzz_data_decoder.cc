// libFuzzer target: the data decoder on arbitrary bytes.
//
// Properties checked on every input:
// - decoding never crashes, leaks or trips a sanitizer;
// - a failed decode reports ec::invalid_data with a message;
// - if the input decodes to x, then x survives a round trip:
//   decode(encode(x)) is the same value (reals bit for bit, except that
//   every NaN comes back as the quiet NaN), and encoding that reproduces
//   encode(x). The input itself need not be canonical: overlong varbytes,
//   unsorted sets, booleans other than 01 and unmasked subnets decode.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/identical.hh"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_data_decoder: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  using namespace broker;
  data x;
  auto err = format::decode(bytes, size, x);
  if (err) {
    if (err.code() != ec::invalid_data || err.message().empty())
      die("decode failed without an invalid_data message");
    return 0;
  }
  std::vector<uint8_t> buf;
  if (!format::encode(x, buf))
    die("encode refused a decoded value");
  auto y = format::decode(buf);
  if (!y)
    die("decode(encode(x)) failed");
  if (!format::same_on_wire(x, *y))
    die("decode(encode(x)) != x");
  std::vector<uint8_t> again;
  if (!format::encode(*y, again) || again != buf)
    die("encode(decode(encode(x))) != encode(x)");
  return 0;
}
