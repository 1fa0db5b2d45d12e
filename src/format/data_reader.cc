#include "format/data_reader.hh"

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <type_traits>
#include <utility>

#include "format/varint.hh"
#include "format/wire_tag.hh"

namespace broker::format {

namespace {

const char* tag_name(uint8_t tag) noexcept {
  static constexpr const char* names[] = {
    "none",      "boolean",  "count",      "integer", "real",
    "string",    "address",  "subnet",     "port",    "timestamp",
    "timespan",  "enum",     "set",        "table",   "vector",
  };
  return tag <= max_wire_tag ? names[tag] : "?";
}

constexpr uint8_t tag_of(wire_tag t) noexcept {
  return static_cast<uint8_t>(t);
}

/// Sets `v` to `str`, in the string `v` holds already if it holds one
/// (keeping its buffer).
void assign_string(data::variant_type& v, std::string_view str) {
  if (auto* s = std::get_if<std::string>(&v))
    s->assign(str.data(), str.size());
  else
    v.emplace<std::string>(str);
}

/// Like `assign_string`, for the name of an enum value.
void assign_enum(data::variant_type& v, std::string_view str) {
  auto* e = std::get_if<enum_value>(&v);
  if (e == nullptr)
    e = &v.emplace<enum_value>();
  e->name.assign(str.data(), str.size());
}

/// The value of type `T` that 8 big-endian bytes `bits` carry.
template <class T>
T fixed_from_bits(uint64_t bits) noexcept {
  auto n = static_cast<int64_t>(bits);
  if constexpr (std::is_same_v<T, count>)
    return bits;
  else if constexpr (std::is_same_v<T, timestamp>)
    return T{timespan{n}};
  else
    return T{n};
}

// Peers should send sets and tables in ascending order, but need not; so
// the fast path appends and out-of-order input falls back to a search.
// Either way a duplicate is refused, as Zeek's peers refuse it.

/// Adds `elem` to `xs`; false if `xs` holds an equal element already.
bool insert_unique(set& xs, data&& elem) {
  if (xs.empty() || *std::prev(xs.end()) < elem) {
    xs.emplace_hint(xs.end(), std::move(elem));
    return true;
  }
  return xs.insert(std::move(elem)).second;
}

/// Adds `key` with an empty mapped value to `xs` and returns that value, or
/// nullptr if `xs` holds the key already.
data* insert_key(table& xs, data&& key) {
  if (xs.empty() || std::prev(xs.end())->first < key)
    return &xs.emplace_hint(xs.end(), std::move(key), data{})->second;
  auto [it, added] = xs.emplace(std::move(key), data{});
  return added ? &it->second : nullptr;
}

} // namespace

// -- errors -------------------------------------------------------------------

bool reader::fail(size_t at, const char* fmt, ...) {
  if (err_)
    return false;
  char what[256];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(what, sizeof(what), fmt, args);
  va_end(args);
  char msg[320];
  std::snprintf(msg, sizeof(msg), "offset %zu: %s", at, what);
  err_ = broker::error{ec::invalid_data, msg};
  return false;
}

bool reader::varbyte_failed(size_t at, int status) {
  switch (static_cast<varbyte_status>(status)) {
    case varbyte_status::truncated:
      return fail(at, "input ends inside a varbyte");
    case varbyte_status::too_long:
      return fail(at, "varbyte longer than 5 bytes");
    case varbyte_status::overflow:
      return fail(at, "varbyte exceeds 32 bits");
    default:
      return fail(at, "malformed varbyte");
  }
}

// -- primitives ---------------------------------------------------------------

bool reader::read_u8(uint8_t& x) {
  if (pos_ == end_)
    return fail(offset(), "unexpected end of input (need 1 byte)");
  x = *pos_++;
  return true;
}

bool reader::read_varbyte(uint32_t& x) {
  if (pos_ != end_ && *pos_ < 0x80) { // fast path: one byte
    x = *pos_++;
    return true;
  }
  auto at = offset();
  auto st = format::read_varbyte(pos_, end_, x);
  if (st == varbyte_status::ok)
    return true;
  return varbyte_failed(at, static_cast<int>(st));
}

bool reader::read_be64(uint64_t& x) {
  if (remaining() < 8)
    return fail(offset(), "unexpected end of input (need 8 bytes, have %zu)",
                remaining());
  x = load_be64(pos_);
  pos_ += 8;
  return true;
}

bool reader::read_bytes(void* out, size_t size) {
  if (remaining() < size)
    return fail(offset(), "unexpected end of input (need %zu bytes, have %zu)",
                size, remaining());
  if (size > 0)
    std::memcpy(out, pos_, size);
  pos_ += size;
  return true;
}

bool reader::read_length(size_t at, const char* what, uint64_t limit,
                         uint64_t min_element_size, uint32_t& n) {
  if (!read_varbyte(n))
    return false;
  if (n > limit)
    return fail(at, "%s length %u exceeds the limit of %llu", what,
                static_cast<unsigned>(n),
                static_cast<unsigned long long>(limit));
  // Each element occupies at least `min_element_size` bytes, so a count the
  // input cannot hold is rejected before anything gets allocated.
  if (n > remaining() / min_element_size)
    return fail(at, "%s length %u exceeds the %zu remaining bytes", what,
                static_cast<unsigned>(n), remaining());
  return true;
}

bool reader::read_text(size_t at, const char* what, std::string_view& str) {
  uint32_t n;
  if (!read_length(at, what, limits_.max_string_size, 1, n))
    return false;
  str = std::string_view{reinterpret_cast<const char*>(pos_), n};
  pos_ += n;
  return true;
}

bool reader::read_string(std::string& x) {
  std::string_view str;
  if (!read_text(offset(), "string", str))
    return false;
  x.assign(str.data(), str.size());
  return true;
}

bool reader::read(data& x) {
  return read_value(x, limits_.max_depth);
}

bool reader::expect_end() {
  if (pos_ != end_)
    return fail(offset(), "%zu trailing bytes after the value", remaining());
  return true;
}

// -- values -------------------------------------------------------------------

bool reader::read_value(data& x, size_t depth_left) {
  auto at = offset();
  if (pos_ == end_)
    return fail(at, "unexpected end of input (expected a type tag)");
  auto tag = *pos_++;
  if (tag > max_wire_tag)
    return fail(at, "invalid type tag %u (valid: 0..%u)",
                static_cast<unsigned>(tag),
                static_cast<unsigned>(max_wire_tag));
  if (tag >= tag_of(wire_tag::set))
    return read_container(tag, at, x.get_data(), depth_left);
  return read_scalar(tag, at, x.get_data());
}

bool reader::read_scalar(uint8_t tag, size_t at, variant& v) {
  switch (static_cast<wire_tag>(tag)) {
    case wire_tag::none:
      v.emplace<none>();
      return true;
    case wire_tag::boolean:
      return read_boolean(at, v);
    case wire_tag::count:
      return read_fixed64<count>(v);
    case wire_tag::integer:
      return read_fixed64<integer>(v);
    case wire_tag::real:
      return read_real(v);
    case wire_tag::string:
      return read_string_value(at, v);
    case wire_tag::address:
      return read_address(at, v);
    case wire_tag::subnet:
      return read_subnet(at, v);
    case wire_tag::port:
      return read_port(at, v);
    case wire_tag::timestamp:
      return read_fixed64<timestamp>(v);
    case wire_tag::timespan:
      return read_fixed64<timespan>(v);
    case wire_tag::enum_value:
      return read_enum_value(at, v);
    default:
      return fail(at, "%s is not a scalar", tag_name(tag)); // unreachable
  }
}

template <class T>
bool reader::read_fixed64(variant& v) {
  uint64_t bits;
  if (!read_be64(bits))
    return false;
  v.emplace<T>(fixed_from_bits<T>(bits));
  return true;
}

bool reader::read_string_value(size_t at, variant& v) {
  std::string_view str;
  if (!read_text(at, "string", str))
    return false;
  assign_string(v, str);
  return true;
}

bool reader::read_enum_value(size_t at, variant& v) {
  std::string_view str;
  if (!read_text(at, "enum name", str))
    return false;
  assign_enum(v, str);
  return true;
}

bool reader::read_boolean(size_t at, variant& v) {
  if (pos_ == end_)
    return fail(at, "input ends inside a boolean");
  // Any non-zero byte means true (docs/protocol.md §2.1).
  v.emplace<boolean>(*pos_++ != 0);
  return true;
}

bool reader::read_real(variant& v) {
  uint64_t bits;
  if (!read_be64(bits))
    return false;
  v.emplace<real>(real_from_wire(bits));
  return true;
}

bool reader::read_address(size_t at, variant& v) {
  if (remaining() < 16)
    return fail(at, "input ends inside an address (need 16 bytes, have %zu)",
                remaining());
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), pos_, 16);
  pos_ += 16;
  v.emplace<address>(bytes);
  return true;
}

bool reader::read_subnet(size_t at, variant& v) {
  if (remaining() < 17)
    return fail(at, "input ends inside a subnet (need 17 bytes, have %zu)",
                remaining());
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), pos_, 16);
  auto len = pos_[16];
  pos_ += 17;
  if (len > 128)
    return fail(at + 17, "subnet prefix length %u exceeds 128",
                static_cast<unsigned>(len));
  // Senders should mask the network; like Zeek's own subnet type, we mask
  // it rather than refuse a value that has an obvious meaning. A masked
  // v4-mapped network implies len >= 96 (a shorter prefix clears part of
  // the ::ffff marker), and the constructor counts v4 lengths from there.
  address net{bytes};
  net.mask(len);
  auto& sn = net.is_v4()
               ? v.emplace<subnet>(net, static_cast<uint8_t>(len - 96))
               : v.emplace<subnet>(net, len);
  if (sn.raw_len() != len || sn.network() != net)
    return fail(at, "subnet cannot be represented");
  return true;
}

bool reader::read_port(size_t at, variant& v) {
  if (remaining() < 3)
    return fail(at, "input ends inside a port (need 3 bytes, have %zu)",
                remaining());
  auto num = static_cast<uint16_t>((pos_[0] << 8) | pos_[1]);
  auto proto = pos_[2];
  pos_ += 3;
  if (proto > static_cast<uint8_t>(port::protocol::icmp))
    return fail(at + 3, "invalid port protocol %u",
                static_cast<unsigned>(proto));
  v.emplace<port>(num, static_cast<port::protocol>(proto));
  return true;
}

bool reader::read_container(uint8_t tag, size_t at, variant& v,
                            size_t depth_left) {
  if (depth_left == 0)
    return fail(at, "%s nested deeper than %zu containers", tag_name(tag),
                limits_.max_depth);
  if (tag == tag_of(wire_tag::set))
    return read_set(at, v, depth_left);
  if (tag == tag_of(wire_tag::table))
    return read_table(at, v, depth_left);
  return read_vector(at, v, depth_left);
}

bool reader::read_set(size_t at, variant& v, size_t depth_left) {
  uint32_t n;
  if (!read_length(at, "set", limits_.max_container_size, 1, n))
    return false;
  auto& xs = v.emplace<set>();
  for (uint32_t i = 0; i < n; ++i) {
    auto elem_at = offset();
    data elem;
    if (!read_value(elem, depth_left - 1))
      return false;
    if (!insert_unique(xs, std::move(elem)))
      return fail(elem_at, "set element %u duplicates an earlier element",
                  static_cast<unsigned>(i));
  }
  return true;
}

bool reader::read_table(size_t at, variant& v, size_t depth_left) {
  uint32_t n;
  if (!read_length(at, "table", limits_.max_container_size, 2, n))
    return false;
  auto& xs = v.emplace<table>();
  for (uint32_t i = 0; i < n; ++i) {
    auto key_at = offset();
    data key;
    if (!read_value(key, depth_left - 1))
      return false;
    auto* mapped = insert_key(xs, std::move(key));
    if (mapped == nullptr)
      return fail(key_at, "table key %u duplicates an earlier key",
                  static_cast<unsigned>(i));
    if (!read_value(*mapped, depth_left - 1))
      return false;
  }
  return true;
}

bool reader::read_vector(size_t at, variant& v, size_t depth_left) {
  uint32_t n;
  if (!read_length(at, "vector", limits_.max_container_size, 1, n))
    return false;
  // Reading into a vector that is already there keeps its buffer and lets
  // each element keep its own (see `read`).
  auto* xs = std::get_if<vector>(&v);
  if (xs == nullptr)
    xs = &v.emplace<vector>();
  xs->resize(n);
  for (auto& elem : *xs)
    if (!read_value(elem, depth_left - 1))
      return false;
  return true;
}

// -- whole buffers ------------------------------------------------------------

expected<data> decode(const uint8_t* bytes, size_t size,
                      const decode_limits& limits) {
  data result;
  if (auto err = decode(bytes, size, result, limits))
    return err;
  return result;
}

broker::error decode(const uint8_t* bytes, size_t size, data& out,
                     const decode_limits& limits) {
  reader r{bytes, size, limits};
  if (r.read(out) && r.expect_end())
    return {};
  return r.error();
}

} // namespace broker::format
