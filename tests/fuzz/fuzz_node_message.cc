// libFuzzer target: a stream of node-phase frames as a connection reads
// them (src/format/frame.hh, node_message.hh, peer_extensions.hh and the
// data decoder), without sockets.
//
// Checks: no crash, no read outside the input; every frame is either
// skipped, parsed, or rejected with a message; a parsed data message's
// value re-encodes into a message that parses to the same value.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "format/compact_message.hh"
#include "format/data_reader.hh"
#include "format/frame.hh"
#include "format/identical.hh"
#include "format/node_message.hh"
#include "format/peer_extensions.hh"

using namespace broker;
using namespace broker::format;

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fuzz_node_message: %s\n", what);
  std::abort();
}

/// A decoded value re-sent must decode to the same value.
void check_roundtrip(const data& value, bool compact) {
  std::vector<uint8_t> out;
  bool ok = compact ? write_compact_data(out, false, 1, topic{"/t"}, value,
                                         node_id{}, 1)
                    : write_data_message(out, node_id{}, node_id{}, 1,
                                         topic{"/t"}, value);
  if (!ok)
    return; // Nested too deeply or too large to re-send: fine.
  const uint8_t* payload = nullptr;
  size_t size = 0;
  node_view v1;
  compact_data_view cv;
  auto body = out.data() + frame_prefix_size;
  auto body_size = out.size() - frame_prefix_size;
  if (compact ? !read_compact_data(body, body_size, cv)
              : !read_node_message(body, body_size, v1))
    die("a re-encoded data message does not parse");
  payload = compact ? cv.payload : v1.payload;
  size = compact ? cv.payload_size : v1.payload_size;
  auto again = decode(payload, size);
  if (!again || !same_on_wire(value, *again))
    die("a re-encoded value differs");
}

void check_payload(const uint8_t* payload, size_t size, bool compact) {
  if (auto value = decode(payload, size))
    check_roundtrip(*value, compact);
}

void check_node(const node_view& msg) {
  filter_type filter;
  peer_extensions ext;
  switch (msg.type) {
    case 1:
      check_payload(msg.payload, msg.payload_size, false);
      break;
    case 3:
      read_routing_update(msg, filter);
      break;
    case 4:
      read_extension_probe(msg.payload, msg.payload_size, ext);
      is_bye(msg.payload, msg.payload_size);
      break;
    default:
      break;
  }
}

/// One frame body; `compact` once the stream announced compact frames.
void check_message(const uint8_t* body, size_t size, bool& compact) {
  node_view msg;
  if (!compact) {
    if (read_node_message(body, size, msg)) {
      compact = msg.type == compact_switch_type;
      check_node(msg);
    }
    return;
  }
  compact_data_view cv;
  if (body[0] == 0 && read_node_message(body + 1, size - 1, msg))
    check_node(msg);
  else if (body[0] != 0 && read_compact_data(body, size, cv))
    check_payload(cv.payload, cv.payload_size, true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t pos = 0;
  bool compact = false;
  while (pos < size) {
    uint32_t body = 0;
    broker::error err;
    auto st = parse_frame(data + pos, size - pos, frame_phase::node, body,
                          &err);
    if (st == frame_status::incomplete)
      break;
    if (st == frame_status::invalid) {
      if (err.message().empty())
        die("an invalid frame without a message");
      break;
    }
    if (st == frame_status::ok)
      check_message(data + pos + frame_prefix_size, body, compact);
    pos += frame_prefix_size + body;
  }
  return 0;
}
