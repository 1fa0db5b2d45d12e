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

void check_data(const node_view& msg) {
  auto payload = msg.payload;
  auto size = msg.payload_size;
  ext_data_prefix prefix;
  if (msg.type == ext_data_type) {
    if (!read_ext_data_prefix(msg, prefix))
      return;
    payload += ext_data_prefix_size;
    size -= ext_data_prefix_size;
  }
  auto value = decode(payload, size);
  if (!value || msg.topic.empty())
    return;
  std::vector<uint8_t> out;
  if (!write_data_message(out, msg.sender, msg.receiver, msg.ttl,
                          topic{std::string{msg.topic}}, *value,
                          prefix.origin, prefix.seq))
    return; // Nested too deeply or too large to re-send: fine.
  node_view again;
  if (!read_node_message(out.data() + frame_prefix_size,
                         out.size() - frame_prefix_size, again))
    die("a re-encoded data message does not parse");
  auto skip = msg.type == ext_data_type ? ext_data_prefix_size : 0;
  auto value2 = decode(again.payload + skip, again.payload_size - skip);
  if (!value2 || !same_on_wire(*value, *value2))
    die("a re-encoded value differs");
}

void check_message(const uint8_t* body, size_t size) {
  node_view msg;
  if (!read_node_message(body, size, msg))
    return;
  filter_type filter;
  peer_extensions ext;
  switch (msg.type) {
    case 1:
    case ext_data_type:
      check_data(msg);
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t pos = 0;
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
      check_message(data + pos + frame_prefix_size, body);
    pos += frame_prefix_size + body;
  }
  return 0;
}
