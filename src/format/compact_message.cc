#include "format/compact_message.hh"

#include <cstring>

#include "format/byte_io.hh"
#include "format/data_writer.hh"
#include "format/frame.hh"

namespace broker::format {

namespace {

constexpr size_t max_topic_size = 65535;
constexpr uint8_t flag_targeted = 0x01;

uint8_t* put_raw_be(uint8_t* out, uint64_t x, size_t width) noexcept {
  for (size_t i = 0; i < width; ++i)
    out[i] = static_cast<uint8_t>(x >> (8 * (width - 1 - i)));
  return out + width;
}

uint64_t get_raw_be(const uint8_t* in, size_t width) noexcept {
  uint64_t x = 0;
  for (size_t i = 0; i < width; ++i)
    x = (x << 8) | in[i];
  return x;
}

} // namespace

bool write_compact_data(std::vector<uint8_t>& out, bool targeted, uint16_t ttl,
                        const topic& dst, const data& value,
                        const node_id& origin, uint64_t seq) {
  auto& name = dst.string();
  auto value_size = encoded_size(value);
  if (name.empty() || name.size() > max_topic_size
      || value_size == writer::npos)
    return false;
  bool relayed = origin.valid();
  auto body = compact_data_header_size + name.size() + 8 + (relayed ? 16 : 0)
              + value_size;
  if (body > max_frame_size)
    return false;
  auto start = out.size();
  out.resize(start + frame_prefix_size + body);
  auto pos = put_raw_be(out.data() + start, body, frame_prefix_size);
  *pos++ = static_cast<uint8_t>(relayed ? compact_kind::relayed_data
                                        : compact_kind::data);
  *pos++ = targeted ? flag_targeted : 0;
  pos = put_raw_be(pos, ttl, 2);
  pos = put_raw_be(pos, name.size(), 2);
  std::memcpy(pos, name.data(), name.size());
  pos = put_raw_be(pos + name.size(), seq, 8);
  if (relayed) {
    std::memcpy(pos, origin.bytes().data(), 16);
    pos += 16;
  }
  encode_to(pos, value);
  return true;
}

void wrap_compact_node(std::vector<uint8_t>& out, size_t start) {
  auto body = out.size() - start - frame_prefix_size;
  out.insert(out.begin() + static_cast<ptrdiff_t>(start + frame_prefix_size),
             static_cast<uint8_t>(compact_kind::node));
  put_raw_be(out.data() + start, body + 1, frame_prefix_size);
}

bool read_compact_data(const uint8_t* body, size_t size,
                       compact_data_view& out) {
  if (size < compact_data_header_size)
    return false;
  bool relayed = body[0] == static_cast<uint8_t>(compact_kind::relayed_data);
  out.targeted = (body[1] & flag_targeted) != 0;
  out.ttl = static_cast<uint16_t>(get_raw_be(body + 2, 2));
  auto topic_len = get_raw_be(body + 4, 2);
  auto fixed = compact_data_header_size + topic_len + 8 + (relayed ? 16 : 0);
  if (size < fixed)
    return false;
  auto pos = body + compact_data_header_size;
  out.topic = std::string_view{reinterpret_cast<const char*>(pos), topic_len};
  pos += topic_len;
  out.seq = get_raw_be(pos, 8);
  pos += 8;
  out.origin = node_id{};
  if (relayed) {
    node_id::bytes_type raw;
    std::memcpy(raw.data(), pos, raw.size());
    out.origin = node_id{raw};
    pos += raw.size();
    // The origin names a real endpoint: nil means "the sender".
    if (!out.origin.valid())
      return false;
  }
  out.payload = pos;
  out.payload_size = size - fixed;
  return true;
}

} // namespace broker::format
