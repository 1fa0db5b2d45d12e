// libFuzzer target: the data decoder on arbitrary bytes.
//
// Properties checked on every input:
// - decoding never crashes, leaks or trips a sanitizer;
// - a failed decode reports ec::invalid_data with a message;
// - the encoding is canonical: if the input decodes to x, then encode(x)
//   reproduces the input byte for byte, and decode(encode(x)) is identical
//   to x (reals compared bit for bit, so NaN is handled).

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
  if (buf.size() != size
      || (size > 0 && !std::equal(buf.begin(), buf.end(), bytes)))
    die("encode(decode(input)) != input: encoding not canonical");
  auto y = format::decode(buf);
  if (!y)
    die("decode(encode(x)) failed");
  if (!format::identical(x, *y))
    die("decode(encode(x)) != x");
  return 0;
}
