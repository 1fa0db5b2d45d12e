// libFuzzer target: one handshake frame body decoded by the v1 handshake
// codec (src/format/handshake.hh).
//
// Checks: no crash; a failure names a drop_conn code and a text; a success
// re-encodes (as a whole frame) to bytes that decode to the same message.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "format/frame.hh"
#include "format/handshake.hh"

using namespace broker::format;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_handshake: %s\n", what);
  std::abort();
}

bool same(const handshake_msg& x, const handshake_msg& y) {
  if (x.index() != y.index())
    return false;
  if (auto a = std::get_if<hello_msg>(&x)) {
    auto b = std::get_if<hello_msg>(&y);
    return a->sender == b->sender && a->min_version == b->min_version
           && a->max_version == b->max_version;
  }
  if (auto a = std::get_if<originator_syn_msg>(&x))
    return a->filter == std::get<originator_syn_msg>(y).filter;
  if (auto a = std::get_if<responder_syn_ack_msg>(&x))
    return a->filter == std::get<responder_syn_ack_msg>(y).filter;
  if (auto a = std::get_if<drop_conn_msg>(&x)) {
    auto b = std::get_if<drop_conn_msg>(&y);
    return a->sender == b->sender && a->code == b->code
           && (a->description == b->description
               || a->description.size() > 4096);
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  handshake_failure failure;
  auto msg = read_handshake(data, size, failure);
  if (std::holds_alternative<std::monostate>(msg)) {
    if (failure.text.empty())
      die("decode failed without a text");
    return 0;
  }
  std::vector<uint8_t> again;
  if (!write_handshake(msg, again))
    return 0; // A filter too large for a frame: nothing to compare.
  handshake_failure second;
  auto msg2 = read_handshake(again.data() + frame_prefix_size,
                             again.size() - frame_prefix_size, second);
  if (!same(msg, msg2))
    die("re-encoding does not decode to the same message");
  return 0;
}
