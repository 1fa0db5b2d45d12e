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

/// Encodes a decoded message again; false for the failure alternative.
bool reencode(const handshake_msg& msg, std::vector<uint8_t>& out) {
  if (auto x = std::get_if<hello_msg>(&msg))
    write_hello(*x, out);
  else if (std::holds_alternative<probe_msg>(msg))
    write_probe(out);
  else if (auto x = std::get_if<version_select_msg>(&msg))
    write_version_select(*x, out);
  else if (auto x = std::get_if<drop_conn_msg>(&msg))
    write_drop_conn(*x, out);
  else if (auto x = std::get_if<originator_syn_msg>(&msg))
    return write_originator_syn(x->filter, out);
  else if (auto x = std::get_if<responder_syn_ack_msg>(&msg))
    return write_responder_syn_ack(x->filter, out);
  else if (std::holds_alternative<originator_ack_msg>(msg))
    write_originator_ack(out);
  else
    return false;
  return true;
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
  if (!reencode(msg, again))
    return 0; // A filter too large for a frame: nothing to compare.
  handshake_failure second;
  auto msg2 = read_handshake(again.data() + frame_prefix_size,
                             again.size() - frame_prefix_size, second);
  if (!same(msg, msg2))
    die("re-encoding does not decode to the same message");
  return 0;
}
