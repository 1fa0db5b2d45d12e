// libFuzzer target: a byte stream parsed as a sequence of frames.
//
// Walks the input frame by frame the way a connection would: parse a
// header, skip its payload (decoding data-frame payloads as one value), stop
// at the first incomplete or invalid header. Checks that a valid header
// re-serialises to the same six bytes and that nothing crashes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/frame.hh"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_frame_header: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  using namespace broker::format;
  size_t pos = 0;
  while (pos < size) {
    frame_header hdr;
    broker::error err;
    auto st = parse_frame_header(bytes + pos, size - pos, hdr, &err);
    if (st == header_status::incomplete) {
      if (size - pos >= frame_header_size)
        die("incomplete despite a full header");
      return 0;
    }
    if (st == header_status::invalid) {
      if (!err || err.message().empty())
        die("invalid header without an error message");
      return 0;
    }
    if (hdr.payload_size > max_frame_payload || !is_valid(hdr.type))
      die("accepted an out-of-range header");
    uint8_t again[frame_header_size];
    write_frame_header(again, hdr.type, hdr.payload_size);
    if (!std::equal(again, again + frame_header_size, bytes + pos))
      die("header does not re-serialise to its input");
    pos += frame_header_size;
    auto avail = std::min<size_t>(hdr.payload_size, size - pos);
    if (hdr.type == frame_type::data && avail == hdr.payload_size) {
      broker::data x;
      (void) decode(bytes + pos, avail, x);
    }
    pos += avail;
  }
  return 0;
}
