// libFuzzer target: one frame, header and payload, decoded by the peer
// protocol codec (src/format/wire.hh).
//
// Parses the header, hands the payload to the decoder of its frame type and
// checks: no crash; a failure carries an error message (and peer_incompatible
// only for a hello); a success re-encodes to exactly the input bytes, except
// for data frames: their value need not be canonical (docs/protocol.md 3),
// so there the re-encoded frame must decode and re-encode to itself.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "format/frame.hh"
#include "format/wire.hh"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_wire: %s\n", what);
  std::abort();
}

// A re-encoded data frame must decode and then re-encode to itself.
void check_fixed_point(const std::vector<uint8_t>& frame) {
  using namespace broker::format;
  auto y = read_data_frame(frame.data() + frame_header_size,
                           frame.size() - frame_header_size);
  std::vector<uint8_t> again;
  if (!y || !write_data_frame(*y, again) || again != frame)
    die("a re-encoded data frame is not a fixed point");
}

// Checks one decode result against the frame it came from.
template <class T, class Write>
void check(const broker::expected<T>& res, broker::format::frame_type type,
           const uint8_t* frame, size_t frame_size, Write write) {
  using broker::ec;
  if (!res) {
    auto& err = res.error();
    if (err.message().empty())
      die("decode failed without a message");
    bool incompatible_ok = type == broker::format::frame_type::hello;
    if (err.code() != ec::invalid_data
        && !(incompatible_ok && err.code() == ec::peer_incompatible))
      die("decode failed with an unexpected error code");
    return;
  }
  std::vector<uint8_t> again;
  if (!write(*res, again))
    die("a decoded frame does not re-encode");
  if (type == broker::format::frame_type::data) {
    check_fixed_point(again);
    return;
  }
  if (again.size() != frame_size
      || !std::equal(again.begin(), again.end(), frame))
    die("re-encoding differs from the input");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  using namespace broker::format;
  frame_header hdr;
  if (parse_frame_header(bytes, size, hdr) != header_status::ok)
    return 0;
  // Only complete frames: the transport never hands a partial payload to a
  // decoder. Extra bytes after the frame are ignored (the next frame).
  if (size - frame_header_size < hdr.payload_size)
    return 0;
  auto payload = bytes + frame_header_size;
  auto n = static_cast<size_t>(hdr.payload_size);
  auto frame_size = frame_header_size + n;
  switch (hdr.type) {
    case frame_type::hello:
      check(read_hello(payload, n), hdr.type, bytes, frame_size,
            [](const hello& x, auto& out) { return write_hello(x, out); });
      break;
    case frame_type::data:
      check(read_data_frame(payload, n), hdr.type, bytes, frame_size,
            [](const data_frame& x, auto& out) {
              return write_data_frame(x, out);
            });
      break;
    case frame_type::filter_update:
      check(read_filter_update(payload, n), hdr.type, bytes, frame_size,
            [](const filter_update& x, auto& out) {
              return write_filter_update(x, out);
            });
      break;
    case frame_type::heartbeat:
      check(read_heartbeat(payload, n), hdr.type, bytes, frame_size,
            [](const heartbeat& x, auto& out) {
              return write_heartbeat(x, out);
            });
      break;
    case frame_type::goodbye:
      check(read_goodbye(payload, n), hdr.type, bytes, frame_size,
            [](const goodbye& x, auto& out) { return write_goodbye(x, out); });
      break;
  }
  return 0;
}
