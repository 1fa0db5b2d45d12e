#include "format/node_message.hh"

#include <cstring>

#include "format/byte_io.hh"
#include "format/data_writer.hh"
#include "format/frame.hh"

namespace broker::format {

namespace {

constexpr size_t max_topic_size = 65535;

uint8_t* put_raw_be(uint8_t* out, uint64_t x, size_t width) noexcept {
  for (size_t i = 0; i < width; ++i)
    out[i] = static_cast<uint8_t>(x >> (8 * (width - 1 - i)));
  return out + width;
}

uint8_t* put_raw_id(uint8_t* out, const node_id& id) noexcept {
  std::memcpy(out, id.bytes().data(), id.bytes().size());
  return out + id.bytes().size();
}

/// Writes prefix and envelope for a body of `body_size` bytes (envelope
/// included) at `out`; returns where the payload goes.
uint8_t* put_envelope(uint8_t* out, size_t body_size, const node_id& sender,
                      const node_id& receiver, uint8_t type, uint16_t ttl,
                      std::string_view topic) noexcept {
  out = put_raw_be(out, body_size, frame_prefix_size);
  out = put_raw_id(out, sender);
  out = put_raw_id(out, receiver);
  *out++ = type;
  out = put_raw_be(out, ttl, 2);
  out = put_raw_be(out, topic.size(), 2);
  std::memcpy(out, topic.data(), topic.size());
  return out + topic.size();
}

/// Grows `out` by a whole frame of `payload_size` payload bytes, writes the
/// envelope and returns where the payload goes, or null if the frame would
/// be invalid.
uint8_t* reserve_frame(std::vector<uint8_t>& out, const node_id& sender,
                       const node_id& receiver, uint8_t type, uint16_t ttl,
                       std::string_view topic, size_t payload_size) {
  if (topic.empty() || topic.size() > max_topic_size || payload_size == 0)
    return nullptr;
  auto body = node_header_size + topic.size() + payload_size;
  if (body > max_frame_size)
    return nullptr;
  auto start = out.size();
  out.resize(start + frame_prefix_size + body);
  return put_envelope(out.data() + start, body, sender, receiver, type, ttl,
                      topic);
}

} // namespace

bool read_node_message(const uint8_t* body, size_t size, node_view& out) {
  if (size < node_header_size)
    return false;
  node_id::bytes_type raw;
  std::memcpy(raw.data(), body, 16);
  out.sender = node_id{raw};
  std::memcpy(raw.data(), body + 16, 16);
  out.receiver = node_id{raw};
  out.type = body[32];
  out.ttl = static_cast<uint16_t>((body[33] << 8) | body[34]);
  size_t topic_len = (size_t{body[35]} << 8) | body[36];
  if (size - node_header_size < topic_len)
    return false;
  out.topic = std::string_view{
    reinterpret_cast<const char*>(body + node_header_size), topic_len};
  out.payload = body + node_header_size + topic_len;
  out.payload_size = size - node_header_size - topic_len;
  return true;
}

bool write_node_message(std::vector<uint8_t>& out, const node_id& sender,
                        const node_id& receiver, uint8_t type, uint16_t ttl,
                        std::string_view topic, const uint8_t* payload,
                        size_t payload_size) {
  auto pos = reserve_frame(out, sender, receiver, type, ttl, topic,
                           payload_size);
  if (pos == nullptr)
    return false;
  std::memcpy(pos, payload, payload_size);
  return true;
}

bool write_data_message(std::vector<uint8_t>& out, const node_id& sender,
                        const node_id& receiver, uint16_t ttl,
                        const topic& dst, const data& value) {
  auto value_size = encoded_size(value);
  if (value_size == writer::npos)
    return false;
  auto pos = reserve_frame(out, sender, receiver,
                           static_cast<uint8_t>(msg_type::data), ttl,
                           dst.string(), value_size);
  if (pos == nullptr)
    return false;
  encode_to(pos, value);
  return true;
}

bool write_routing_update(std::vector<uint8_t>& out, const node_id& sender,
                          const node_id& receiver, const filter_type& filter) {
  std::vector<uint8_t> payload;
  put_filter(filter, payload);
  return write_node_message(out, sender, receiver,
                            static_cast<uint8_t>(msg_type::routing_update),
                            upstream_ttl, control_topic, payload.data(),
                            payload.size());
}

bool write_ping(std::vector<uint8_t>& out, msg_type type,
                const node_id& sender, const node_id& receiver,
                const uint8_t* payload, size_t size) {
  return write_node_message(out, sender, receiver, static_cast<uint8_t>(type),
                            upstream_ttl, control_topic, payload, size);
}

bool read_routing_update(const node_view& msg, filter_type& filter) {
  auto pos = msg.payload;
  auto end = msg.payload + msg.payload_size;
  return get_filter(pos, end, filter) && pos == end;
}

} // namespace broker::format
