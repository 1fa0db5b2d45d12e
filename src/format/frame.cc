#include "format/frame.hh"

#include <string>

namespace broker::format {

namespace {

uint32_t load_prefix(const uint8_t* in) noexcept {
  return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16)
         | (uint32_t{in[2]} << 8) | uint32_t{in[3]};
}

void store_prefix(uint8_t* out, uint32_t x) noexcept {
  out[0] = static_cast<uint8_t>(x >> 24);
  out[1] = static_cast<uint8_t>(x >> 16);
  out[2] = static_cast<uint8_t>(x >> 8);
  out[3] = static_cast<uint8_t>(x);
}

} // namespace

frame_status parse_frame(const uint8_t* bytes, size_t size, frame_phase phase,
                         uint32_t& body_size, broker::error* err) {
  if (size < frame_prefix_size)
    return frame_status::incomplete;
  body_size = load_prefix(bytes);
  if (body_size == 0) {
    if (phase == frame_phase::node)
      return frame_status::skip;
    if (err)
      *err = broker::error{ec::invalid_data, "empty handshake frame"};
    return frame_status::invalid;
  }
  if (body_size > max_frame_size) {
    if (err)
      *err = broker::error{ec::invalid_data,
                           "frame of " + std::to_string(body_size)
                             + " bytes exceeds the limit of "
                             + std::to_string(max_frame_size)};
    return frame_status::invalid;
  }
  if (size - frame_prefix_size < body_size)
    return frame_status::incomplete;
  return frame_status::ok;
}

size_t begin_frame(std::vector<uint8_t>& out) {
  auto start = out.size();
  out.resize(start + frame_prefix_size);
  return start;
}

bool finish_frame(std::vector<uint8_t>& out, size_t start) noexcept {
  auto body = out.size() - start - frame_prefix_size;
  if (body == 0 || body > max_frame_size) {
    out.resize(start);
    return false;
  }
  store_prefix(out.data() + start, static_cast<uint32_t>(body));
  return true;
}

} // namespace broker::format
