#include "format/data_reader.hh"

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <iterator>
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

/// Sets `v` to the string `str` of `size` bytes, in the string `v` holds
/// already if it holds one (keeping its buffer).
void assign_string(data::variant_type& v, const char* str, size_t size) {
  if (auto* s = std::get_if<std::string>(&v))
    s->assign(str, size);
  else
    v.emplace<std::string>(str, size);
}

} // namespace

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

bool reader::varint_failed(size_t at, int status) {
  switch (static_cast<varint_status>(status)) {
    case varint_status::truncated:
      return fail(at, "input ends inside a varint");
    case varint_status::overlong:
      return fail(at, "overlong varint (non-canonical encoding)");
    case varint_status::overflow:
      return fail(at, "varint exceeds 64 bits");
    default:
      return fail(at, "malformed varint");
  }
}

bool reader::read_u8(uint8_t& x) {
  if (pos_ == end_)
    return fail(offset(), "unexpected end of input (need 1 byte)");
  x = *pos_++;
  return true;
}

bool reader::read_varint(uint64_t& x) {
  auto at = offset();
  auto st = format::read_varint(pos_, end_, x);
  if (st == varint_status::ok)
    return true;
  return varint_failed(at, static_cast<int>(st));
}

bool reader::read_zigzag(int64_t& x) {
  uint64_t u;
  if (!read_varint(u))
    return false;
  x = zigzag_decode(u);
  return true;
}

bool reader::read_le64(uint64_t& x) {
  if (remaining() < 8)
    return fail(offset(), "unexpected end of input (need 8 bytes, have %zu)",
                remaining());
  x = load_le64(pos_);
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
                         uint64_t min_element_size, uint64_t& n) {
  if (!read_varint(n))
    return false;
  if (n > limit)
    return fail(at, "%s length %llu exceeds the limit of %llu", what,
                static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(limit));
  // Each element occupies at least `min_element_size` bytes, so a count the
  // input cannot hold is rejected before anything gets allocated.
  if (n > remaining() / min_element_size)
    return fail(at, "%s length %llu exceeds the %zu remaining bytes", what,
                static_cast<unsigned long long>(n), remaining());
  return true;
}

bool reader::read_string(std::string& x) {
  auto at = offset();
  uint64_t n;
  if (!read_length(at, "string", limits_.max_string_size, 1, n))
    return false;
  x.assign(reinterpret_cast<const char*>(pos_), static_cast<size_t>(n));
  pos_ += n;
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

bool reader::read_value(data& x, size_t depth_left) {
  auto at = offset();
  if (pos_ == end_)
    return fail(at, "unexpected end of input (expected a type tag)");
  auto tag = *pos_++;
  auto& v = x.get_data();
  switch (tag) {
    case static_cast<uint8_t>(wire_tag::none):
      v.emplace<none>();
      return true;
    case static_cast<uint8_t>(wire_tag::boolean): {
      if (pos_ == end_)
        return fail(at, "input ends inside a boolean");
      auto b = *pos_++;
      if (b > 1)
        return fail(at + 1, "invalid boolean byte 0x%02x", b);
      v.emplace<boolean>(b == 1);
      return true;
    }
    case static_cast<uint8_t>(wire_tag::count): {
      uint64_t n;
      if (!read_varint(n))
        return false;
      v.emplace<count>(n);
      return true;
    }
    case static_cast<uint8_t>(wire_tag::integer): {
      int64_t n;
      if (!read_zigzag(n))
        return false;
      v.emplace<integer>(n);
      return true;
    }
    case static_cast<uint8_t>(wire_tag::real): {
      uint64_t bits;
      if (!read_le64(bits))
        return false;
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      v.emplace<real>(d);
      return true;
    }
    case static_cast<uint8_t>(wire_tag::string): {
      uint64_t n;
      if (!read_length(at, "string", limits_.max_string_size, 1, n))
        return false;
      assign_string(v, reinterpret_cast<const char*>(pos_),
                    static_cast<size_t>(n));
      pos_ += n;
      return true;
    }
    case static_cast<uint8_t>(wire_tag::address): {
      if (remaining() < 16)
        return fail(at, "input ends inside an address (need 16 bytes, have "
                        "%zu)", remaining());
      std::array<uint8_t, 16> bytes;
      std::memcpy(bytes.data(), pos_, 16);
      pos_ += 16;
      v.emplace<address>(bytes);
      return true;
    }
    case static_cast<uint8_t>(wire_tag::subnet): {
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
      address net{bytes};
      auto masked = net;
      masked.mask(len);
      if (masked != net)
        return fail(at + 1, "subnet network has bits set beyond its prefix "
                            "length %u", static_cast<unsigned>(len));
      // A masked v4-mapped network always has len >= 96 (a shorter prefix
      // clears part of the ::ffff marker). The constructor counts v4 lengths
      // in v4 terms.
      auto& sn = net.is_v4()
                   ? v.emplace<subnet>(net, static_cast<uint8_t>(len - 96))
                   : v.emplace<subnet>(net, len);
      if (sn.raw_len() != len || sn.network() != net)
        return fail(at, "subnet cannot be represented");
      return true;
    }
    case static_cast<uint8_t>(wire_tag::port): {
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
    case static_cast<uint8_t>(wire_tag::timestamp): {
      uint64_t bits;
      if (!read_le64(bits))
        return false;
      v.emplace<timestamp>(timespan{static_cast<int64_t>(bits)});
      return true;
    }
    case static_cast<uint8_t>(wire_tag::timespan): {
      int64_t n;
      if (!read_zigzag(n))
        return false;
      v.emplace<timespan>(n);
      return true;
    }
    case static_cast<uint8_t>(wire_tag::enum_value): {
      uint64_t n;
      if (!read_length(at, "enum name", limits_.max_string_size, 1, n))
        return false;
      auto* e = std::get_if<enum_value>(&v);
      if (e == nullptr)
        e = &v.emplace<enum_value>();
      e->name.assign(reinterpret_cast<const char*>(pos_),
                     static_cast<size_t>(n));
      pos_ += n;
      return true;
    }
    case static_cast<uint8_t>(wire_tag::set): {
      if (depth_left == 0)
        return fail(at, "%s nested deeper than %zu containers", tag_name(tag),
                    limits_.max_depth);
      uint64_t n;
      if (!read_length(at, "set", limits_.max_container_size, 1, n))
        return false;
      auto& xs = v.emplace<set>();
      for (uint64_t i = 0; i < n; ++i) {
        auto elem_at = offset();
        data elem;
        if (!read_value(elem, depth_left - 1))
          return false;
        if (!xs.empty() && !(*std::prev(xs.end()) < elem))
          return fail(elem_at, "set element %llu is not greater than its "
                               "predecessor (duplicate or unsorted)",
                      static_cast<unsigned long long>(i));
        xs.emplace_hint(xs.end(), std::move(elem));
      }
      return true;
    }
    case static_cast<uint8_t>(wire_tag::table): {
      if (depth_left == 0)
        return fail(at, "%s nested deeper than %zu containers", tag_name(tag),
                    limits_.max_depth);
      uint64_t n;
      if (!read_length(at, "table", limits_.max_container_size, 2, n))
        return false;
      auto& xs = v.emplace<table>();
      for (uint64_t i = 0; i < n; ++i) {
        auto key_at = offset();
        data key;
        if (!read_value(key, depth_left - 1))
          return false;
        if (!xs.empty() && !(std::prev(xs.end())->first < key))
          return fail(key_at, "table key %llu is not greater than its "
                              "predecessor (duplicate or unsorted)",
                      static_cast<unsigned long long>(i));
        auto it = xs.emplace_hint(xs.end(), std::move(key), data{});
        if (!read_value(it->second, depth_left - 1))
          return false;
      }
      return true;
    }
    case static_cast<uint8_t>(wire_tag::vector): {
      if (depth_left == 0)
        return fail(at, "%s nested deeper than %zu containers", tag_name(tag),
                    limits_.max_depth);
      uint64_t n;
      if (!read_length(at, "vector", limits_.max_container_size, 1, n))
        return false;
      // Reading into a vector that is already there keeps its buffer and
      // lets each element keep its own (see `read`).
      auto* xs = std::get_if<vector>(&v);
      if (xs == nullptr)
        xs = &v.emplace<vector>();
      xs->resize(static_cast<size_t>(n));
      for (auto& elem : *xs)
        if (!read_value(elem, depth_left - 1))
          return false;
      return true;
    }
    default:
      return fail(at, "invalid type tag %u (valid: 0..%u)",
                  static_cast<unsigned>(tag),
                  static_cast<unsigned>(max_wire_tag));
  }
}

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
