#include "format/frame.hh"

#include <cstdio>

#include "format/varint.hh"

namespace broker::format {

bool is_valid(frame_type type) noexcept {
  switch (type) {
    case frame_type::hello:
    case frame_type::data:
    case frame_type::filter_update:
    case frame_type::heartbeat:
    case frame_type::goodbye:
      return true;
  }
  return false;
}

const char* to_string(frame_type type) noexcept {
  switch (type) {
    case frame_type::hello:
      return "hello";
    case frame_type::data:
      return "data";
    case frame_type::filter_update:
      return "filter_update";
    case frame_type::heartbeat:
      return "heartbeat";
    case frame_type::goodbye:
      return "goodbye";
  }
  return "unknown";
}

void write_frame_header(uint8_t* out, frame_type type,
                        uint32_t payload_size) noexcept {
  store_be32(out, payload_size);
  out[4] = wire_version;
  out[5] = static_cast<uint8_t>(type);
}

void write_frame_header(std::vector<uint8_t>& out, frame_type type,
                        uint32_t payload_size) {
  uint8_t buf[frame_header_size];
  write_frame_header(buf, type, payload_size);
  out.insert(out.end(), buf, buf + frame_header_size);
}

size_t begin_frame(std::vector<uint8_t>& out, frame_type type) {
  auto start = out.size();
  write_frame_header(out, type, 0);
  return start;
}

bool finish_frame(std::vector<uint8_t>& out, size_t start) noexcept {
  auto payload = out.size() - start - frame_header_size;
  if (payload > max_frame_payload) {
    out.resize(start);
    return false;
  }
  store_be32(out.data() + start, static_cast<uint32_t>(payload));
  return true;
}

namespace {

header_status invalid(broker::error* err, ec code, const char* fmt,
                      unsigned long long arg) {
  if (err) {
    char msg[160];
    std::snprintf(msg, sizeof(msg), fmt, arg);
    *err = broker::error{code, msg};
  }
  return header_status::invalid;
}

} // namespace

header_status parse_frame_header(const uint8_t* bytes, size_t size,
                                 frame_header& hdr, broker::error* err) {
  if (size < frame_header_size)
    return header_status::incomplete;
  auto len = load_be32(bytes);
  auto version = bytes[4];
  auto type = static_cast<frame_type>(bytes[5]);
  if (version != wire_version)
    return invalid(err, ec::peer_incompatible,
                   "frame header: unsupported wire version %llu",
                   static_cast<unsigned long long>(version));
  if (!is_valid(type))
    return invalid(err, ec::invalid_data,
                   "frame header: invalid frame type %llu",
                   static_cast<unsigned long long>(bytes[5]));
  if (len > max_frame_payload)
    return invalid(err, ec::invalid_data,
                   "frame header: payload length %llu exceeds the maximum of "
                   "16777216 bytes",
                   static_cast<unsigned long long>(len));
  hdr.payload_size = len;
  hdr.version = version;
  hdr.type = type;
  return header_status::ok;
}

} // namespace broker::format
