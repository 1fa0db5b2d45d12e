#include "format/wire.hh"

#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "format/data_reader.hh"
#include "format/data_writer.hh"

namespace broker::format {

namespace {

// -- fixed-width big-endian fields --------------------------------------------
//
// The peer protocol writes its fixed-width fields in network order like the
// frame header, so a hex dump of a frame reads naturally left to right.

void put_be(writer& w, uint64_t x, size_t width) {
  uint8_t buf[8];
  for (size_t i = 0; i < width; ++i)
    buf[i] = static_cast<uint8_t>(x >> (8 * (width - 1 - i)));
  w.put_bytes(buf, width);
}

bool read_be(reader& r, size_t width, uint64_t& x) {
  uint8_t buf[8];
  if (!r.read_bytes(buf, width))
    return false;
  x = 0;
  for (size_t i = 0; i < width; ++i)
    x = (x << 8) | buf[i];
  return true;
}

bool read_be16(reader& r, uint16_t& x) {
  uint64_t tmp;
  if (!read_be(r, 2, tmp))
    return false;
  x = static_cast<uint16_t>(tmp);
  return true;
}

bool read_be64(reader& r, uint64_t& x) {
  return read_be(r, 8, x);
}

// -- composite fields ---------------------------------------------------------

void put_node_id(writer& w, const node_id& id) {
  w.put_bytes(id.bytes().data(), id.bytes().size());
  put_be(w, id.process_id(), 4);
}

/// Rejects the all-zero id: every frame that carries an id names a real
/// endpoint, and the zero id would collide with "no endpoint" in the engine.
bool read_node_id(reader& r, node_id& id) {
  auto at = r.offset();
  node_id::bytes_type raw;
  uint64_t pid;
  if (!r.read_bytes(raw.data(), raw.size()) || !read_be(r, 4, pid))
    return false;
  id = node_id{raw, static_cast<uint32_t>(pid)};
  if (!id.valid())
    return r.fail(at, "invalid (all-zero) node id");
  return true;
}

/// A varint length, at most `limit` and at most the remaining input, then the
/// bytes. Both checks come before the string grows, so a hostile length
/// never allocates.
bool read_bounded_string(reader& r, const char* what, uint64_t limit,
                         std::string& out) {
  auto at = r.offset();
  uint64_t n;
  if (!r.read_varint(n))
    return false;
  if (n > limit)
    return r.fail(at, "%s length %llu exceeds the limit of %llu", what,
                  static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(limit));
  if (n > r.remaining())
    return r.fail(at, "%s length %llu exceeds the %zu remaining bytes", what,
                  static_cast<unsigned long long>(n), r.remaining());
  out.resize(static_cast<size_t>(n));
  return r.read_bytes(out.data(), out.size());
}

/// Reads into the string `t` holds already, keeping its buffer.
bool read_topic(reader& r, topic& t) {
  auto str = std::move(t).move_string();
  auto ok = read_bounded_string(r, "topic", max_wire_topic_size, str);
  t = topic{std::move(str)};
  return ok;
}

bool valid_filter(const std::vector<topic>& filter) noexcept {
  if (filter.size() > max_wire_filter_size)
    return false;
  for (auto& t : filter)
    if (t.string().size() > max_wire_topic_size)
      return false;
  return true;
}

void put_filter(writer& w, const std::vector<topic>& filter) {
  w.put_varint(filter.size());
  for (auto& t : filter)
    w.put_string(t.string());
}

bool read_filter(reader& r, std::vector<topic>& filter) {
  auto at = r.offset();
  uint64_t n;
  if (!r.read_varint(n))
    return false;
  if (n > max_wire_filter_size)
    return r.fail(at, "filter of %llu entries exceeds the limit of %llu",
                  static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(max_wire_filter_size));
  // Every entry takes at least its one-byte length, so this bounds the
  // reservation by the input size.
  if (n > r.remaining())
    return r.fail(at, "filter of %llu entries exceeds the %zu remaining bytes",
                  static_cast<unsigned long long>(n), r.remaining());
  filter.clear();
  filter.reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n; ++i)
    if (!read_topic(r, filter.emplace_back()))
      return false;
  return true;
}

// -- frame plumbing -----------------------------------------------------------

/// Appends a frame of type `type` whose payload `body` writes. On any
/// failure `out` is truncated back to where it was.
template <class Body>
bool write_frame(std::vector<uint8_t>& out, frame_type type, Body&& body) {
  auto start = begin_frame(out, type);
  writer w{out};
  if (!body(w)) {
    out.resize(start);
    return false;
  }
  return finish_frame(out, start);
}

/// Turns the reader's error into one that names the frame type, so a status
/// message tells which frame of the conversation was broken.
broker::error frame_error(const char* frame, const reader& r) {
  std::string msg = frame;
  msg += " frame: ";
  msg += r.error().message();
  return broker::error{ec::invalid_data, std::move(msg)};
}

/// Runs `body` on a reader over the payload and requires it to consume every
/// byte.
template <class T, class Body>
expected<T> read_frame(const char* frame, const uint8_t* payload, size_t size,
                       Body&& body) {
  reader r{payload, size};
  T result;
  if (body(r, result) && r.expect_end())
    return result;
  return frame_error(frame, r);
}

} // namespace

// -- goodbye reasons and equality ---------------------------------------------

const char* to_string(goodbye_reason reason) noexcept {
  switch (reason) {
    case goodbye_reason::shutdown:
      return "shutdown";
    case goodbye_reason::duplicate:
      return "duplicate";
    case goodbye_reason::protocol_error:
      return "protocol_error";
    case goodbye_reason::incompatible:
      return "incompatible";
    case goodbye_reason::timeout:
      return "timeout";
    case goodbye_reason::in_process:
      return "in_process";
    case goodbye_reason::self:
      return "self";
  }
  return "unknown";
}

bool operator==(const hello& x, const hello& y) {
  return x.version == y.version && x.id == y.id
         && x.process_token == y.process_token && x.filter == y.filter;
}

bool operator==(const filter_update& x, const filter_update& y) {
  return x.filter == y.filter;
}

bool operator==(const data_frame& x, const data_frame& y) {
  return x.origin == y.origin && x.seq == y.seq && x.ttl == y.ttl
         && x.targeted == y.targeted && x.dst == y.dst
         && x.payload == y.payload;
}

bool operator==(const heartbeat& x, const heartbeat& y) {
  return x.counter == y.counter;
}

bool operator==(const goodbye& x, const goodbye& y) {
  return x.reason == y.reason && x.message == y.message;
}

// -- hello --------------------------------------------------------------------

bool write_hello(const hello& x, std::vector<uint8_t>& out) {
  if (!x.id.valid() || !valid_filter(x.filter))
    return false;
  return write_frame(out, frame_type::hello, [&](writer& w) {
    w.put_bytes(peer_magic.data(), peer_magic.size());
    // Always our own version: a hello is a statement about this endpoint.
    put_be(w, peer_protocol_version, 2);
    put_node_id(w, x.id);
    put_be(w, x.process_token, 8);
    put_filter(w, x.filter);
    return true;
  });
}

expected<hello> read_hello(const uint8_t* payload, size_t size) {
  // Magic and version come first and stay at these offsets in every future
  // version, so that any peer can tell "not Broker" from "other Broker
  // version" before it interprets anything else.
  if (size < peer_magic.size()
      || std::memcmp(payload, peer_magic.data(), peer_magic.size()) != 0)
    return broker::error{ec::invalid_data,
                         "hello frame: not a broker peer (bad magic)"};
  if (size < peer_magic.size() + 2)
    return broker::error{ec::invalid_data,
                         "hello frame: offset 4: input ends inside the "
                         "protocol version"};
  auto version = static_cast<uint16_t>((payload[4] << 8) | payload[5]);
  if (version != peer_protocol_version) {
    char msg[160];
    std::snprintf(msg, sizeof(msg),
                  "hello frame: peer speaks protocol version %u, this "
                  "endpoint speaks version %u",
                  static_cast<unsigned>(version),
                  static_cast<unsigned>(peer_protocol_version));
    return broker::error{ec::peer_incompatible, msg};
  }
  return read_frame<hello>("hello", payload, size, [](reader& r, hello& x) {
    uint8_t skip[6]; // magic and version, checked above
    return r.read_bytes(skip, sizeof(skip)) && read_node_id(r, x.id)
           && read_be64(r, x.process_token) && read_filter(r, x.filter);
  });
}

// -- filter_update ------------------------------------------------------------

bool write_filter_update(const filter_update& x, std::vector<uint8_t>& out) {
  if (!valid_filter(x.filter))
    return false;
  return write_frame(out, frame_type::filter_update, [&](writer& w) {
    put_filter(w, x.filter);
    return true;
  });
}

expected<filter_update> read_filter_update(const uint8_t* payload,
                                           size_t size) {
  return read_frame<filter_update>(
    "filter_update", payload, size,
    [](reader& r, filter_update& x) { return read_filter(r, x.filter); });
}

// -- data ---------------------------------------------------------------------

namespace {

/// Writes `x` as `width` big-endian bytes and returns the end.
uint8_t* raw_be(uint8_t* out, uint64_t x, size_t width) noexcept {
  for (size_t i = 0; i < width; ++i)
    out[i] = static_cast<uint8_t>(x >> (8 * (width - 1 - i)));
  return out + width;
}

/// Origin, sequence number, TTL and flags.
constexpr size_t data_fixed_size = 16 + 4 + 8 + 2 + 1;

} // namespace

// The hot path of every publication to a TCP peer: sized first, then written
// with one resize of `out` (see data_writer.cc for why).
bool write_data_frame(const node_id& origin, uint64_t seq, uint16_t ttl,
                      bool targeted, const topic& dst, const data& payload,
                      std::vector<uint8_t>& out) {
  const auto& name = dst.string();
  if (!origin.valid() || name.size() > max_wire_topic_size)
    return false;
  auto value_size = encoded_size(payload);
  if (value_size == writer::npos)
    return false;
  auto size = data_fixed_size + varint_size(name.size()) + name.size()
              + value_size;
  if (size > max_frame_payload)
    return false;
  auto start = out.size();
  out.resize(start + frame_header_size + size);
  auto p = out.data() + start;
  write_frame_header(p, frame_type::data, static_cast<uint32_t>(size));
  p += frame_header_size;
  std::memcpy(p, origin.bytes().data(), 16);
  p = raw_be(p + 16, origin.process_id(), 4);
  p = raw_be(p, seq, 8);
  p = raw_be(p, ttl, 2);
  *p++ = targeted ? data_flag_targeted : 0;
  p += write_varint(p, name.size());
  if (!name.empty())
    std::memcpy(p, name.data(), name.size());
  // The value runs to the end of the payload: the frame length delimits
  // it, so it needs no length prefix of its own.
  encode_to(p + name.size(), payload);
  return true;
}

bool write_data_frame(const data_frame& x, std::vector<uint8_t>& out) {
  return write_data_frame(x.origin, x.seq, x.ttl, x.targeted, x.dst,
                          x.payload, out);
}

namespace {

bool read_data_fields(reader& r, data_routing& x, topic& dst, data& value) {
  if (!read_node_id(r, x.origin) || !read_be64(r, x.seq)
      || !read_be16(r, x.ttl))
    return false;
  auto at = r.offset();
  uint8_t flags;
  if (!r.read_u8(flags))
    return false;
  // Unknown bits are an error rather than ignored: a later version that
  // needs a flag bumps the protocol version instead.
  if ((flags & ~data_flag_targeted) != 0)
    return r.fail(at, "unknown data flags 0x%02x", static_cast<unsigned>(flags));
  x.targeted = (flags & data_flag_targeted) != 0;
  return read_topic(r, dst) && r.read(value);
}

} // namespace

expected<data_frame> read_data_frame(const uint8_t* payload, size_t size) {
  data_frame result;
  data_routing routing;
  if (auto err = read_data_frame(payload, size, routing, result.dst,
                                 result.payload))
    return err;
  result.origin = routing.origin;
  result.seq = routing.seq;
  result.ttl = routing.ttl;
  result.targeted = routing.targeted;
  return result;
}

broker::error read_data_frame(const uint8_t* payload, size_t size,
                              data_routing& routing, topic& dst, data& value) {
  reader r{payload, size};
  if (read_data_fields(r, routing, dst, value) && r.expect_end())
    return {};
  return frame_error("data", r);
}

// -- heartbeat ----------------------------------------------------------------

bool write_heartbeat(const heartbeat& x, std::vector<uint8_t>& out) {
  return write_frame(out, frame_type::heartbeat, [&](writer& w) {
    put_be(w, x.counter, 8);
    return true;
  });
}

expected<heartbeat> read_heartbeat(const uint8_t* payload, size_t size) {
  return read_frame<heartbeat>(
    "heartbeat", payload, size,
    [](reader& r, heartbeat& x) { return read_be64(r, x.counter); });
}

// -- goodbye ------------------------------------------------------------------

bool write_goodbye(const goodbye& x, std::vector<uint8_t>& out) {
  if (static_cast<uint8_t>(x.reason) > max_goodbye_reason
      || x.message.size() > max_goodbye_message_size)
    return false;
  return write_frame(out, frame_type::goodbye, [&](writer& w) {
    w.put_u8(static_cast<uint8_t>(x.reason));
    w.put_string(x.message);
    return true;
  });
}

expected<goodbye> read_goodbye(const uint8_t* payload, size_t size) {
  return read_frame<goodbye>(
    "goodbye", payload, size, [](reader& r, goodbye& x) {
      auto at = r.offset();
      uint8_t reason;
      if (!r.read_u8(reason))
        return false;
      if (reason > max_goodbye_reason)
        return r.fail(at, "invalid goodbye reason %u (valid: 0..%u)",
                      static_cast<unsigned>(reason),
                      static_cast<unsigned>(max_goodbye_reason));
      x.reason = static_cast<goodbye_reason>(reason);
      return read_bounded_string(r, "goodbye message",
                                 max_goodbye_message_size, x.message);
    });
}

} // namespace broker::format
