#include "format/data_writer.hh"

#include <cstring>
#include <variant>

#include "format/limits.hh"
#include "format/wire_tag.hh"

namespace broker::format {

// Encoding runs in two passes: one sizes the value (and checks its depth),
// one writes it through a raw pointer into room made with a single resize.
// Appending field by field to the vector cost a capacity check and often an
// out-of-line insert per field, which dominated encoding small messages.

namespace {

constexpr size_t npos = writer::npos;

template <size_t I>
const auto& alt(const data::variant_type& v) noexcept {
  return *std::get_if<I>(&v);
}

/// Bytes of a length prefix plus `len` bytes, or npos if `len` does not fit
/// a varbyte.
size_t string_size(size_t len) noexcept {
  if (len > max_varbyte_value)
    return npos;
  return 1 + varbyte_size(static_cast<uint32_t>(len)) + len;
}

/// Tag and count prefix of a container, or npos if it cannot be encoded at
/// `depth_left`.
size_t container_head(size_t count, size_t depth_left) noexcept {
  if (depth_left == 0 || count > max_varbyte_value)
    return npos;
  return 1 + varbyte_size(static_cast<uint32_t>(count));
}

/// Bytes of `x`'s encoding, or `npos` if it cannot be encoded (nests deeper
/// than `depth_left` containers or holds an oversized length).
size_t size_of(const data& x, size_t depth_left) noexcept;

/// Adds the sizes of `xs` to `total`; npos is sticky.
template <class Sequence>
size_t sequence_size(const Sequence& xs, size_t depth_left) noexcept {
  auto total = container_head(xs.size(), depth_left);
  for (auto i = xs.begin(); i != xs.end() && total != npos; ++i) {
    auto n = size_of(*i, depth_left - 1);
    total = n == npos ? npos : total + n;
  }
  return total;
}

size_t table_size(const table& xs, size_t depth_left) noexcept {
  auto total = container_head(xs.size(), depth_left);
  for (auto i = xs.begin(); i != xs.end() && total != npos; ++i) {
    auto k = size_of(i->first, depth_left - 1);
    auto v = size_of(i->second, depth_left - 1);
    total = k == npos || v == npos ? npos : total + k + v;
  }
  return total;
}

size_t size_of(const data& x, size_t depth_left) noexcept {
  const auto& v = x.get_data();
  switch (static_cast<wire_tag>(v.index())) {
    case wire_tag::none:
      return 1;
    case wire_tag::boolean:
      return 2;
    case wire_tag::count:
    case wire_tag::integer:
    case wire_tag::real:
    case wire_tag::timestamp:
    case wire_tag::timespan:
      return 9;
    case wire_tag::string:
      return string_size(alt<5>(v).size());
    case wire_tag::address:
      return 17;
    case wire_tag::subnet:
      return 18;
    case wire_tag::port:
      return 4;
    case wire_tag::enum_value:
      return string_size(alt<11>(v).name.size());
    case wire_tag::set:
      return sequence_size(alt<12>(v), depth_left);
    case wire_tag::table:
      return table_size(alt<13>(v), depth_left);
    case wire_tag::vector:
      return sequence_size(alt<14>(v), depth_left);
  }
  return npos; // unreachable: the variant has exactly 15 alternatives
}

// The raw writers below run after size_of accepted the value, so every
// length fits a varbyte and the casts to uint32_t are exact.

uint8_t* raw_varbyte(uint8_t* out, size_t n) noexcept {
  return out + write_varbyte(out, static_cast<uint32_t>(n));
}

uint8_t* raw_string(uint8_t* out, std::string_view str) noexcept {
  out = raw_varbyte(out, str.size());
  if (!str.empty())
    std::memcpy(out, str.data(), str.size());
  return out + str.size();
}

uint8_t* raw_be64(uint8_t* out, uint64_t x) noexcept {
  store_be64(out, x);
  return out + 8;
}

uint8_t* raw_subnet(uint8_t* out, const subnet& sn) noexcept {
  std::memcpy(out, sn.network().bytes().data(), 16);
  out[16] = sn.raw_len();
  return out + 17;
}

uint8_t* raw_port(uint8_t* out, const port& p) noexcept {
  out[0] = static_cast<uint8_t>(p.number() >> 8);
  out[1] = static_cast<uint8_t>(p.number());
  out[2] = static_cast<uint8_t>(p.type());
  return out + 3;
}

uint8_t* raw_value(uint8_t* out, const data& x) noexcept;

template <class Sequence>
uint8_t* raw_sequence(uint8_t* out, const Sequence& xs) noexcept {
  out = raw_varbyte(out, xs.size());
  for (const auto& elem : xs)
    out = raw_value(out, elem);
  return out;
}

uint8_t* raw_table(uint8_t* out, const table& xs) noexcept {
  out = raw_varbyte(out, xs.size());
  for (const auto& [key, val] : xs)
    out = raw_value(raw_value(out, key), val);
  return out;
}

int64_t ns(timespan x) noexcept {
  return x.count();
}

uint8_t* raw_value(uint8_t* out, const data& x) noexcept {
  const auto& v = x.get_data();
  auto index = static_cast<uint8_t>(v.index());
  *out++ = index;
  switch (static_cast<wire_tag>(index)) {
    case wire_tag::none:
      return out;
    case wire_tag::boolean:
      *out = alt<1>(v) ? 1 : 0;
      return out + 1;
    case wire_tag::count:
      return raw_be64(out, alt<2>(v));
    case wire_tag::integer:
      return raw_be64(out, static_cast<uint64_t>(alt<3>(v)));
    case wire_tag::real:
      return raw_be64(out, real_to_wire(alt<4>(v)));
    case wire_tag::string:
      return raw_string(out, alt<5>(v));
    case wire_tag::address:
      std::memcpy(out, alt<6>(v).bytes().data(), 16);
      return out + 16;
    case wire_tag::subnet:
      return raw_subnet(out, alt<7>(v));
    case wire_tag::port:
      return raw_port(out, alt<8>(v));
    case wire_tag::timestamp:
      return raw_be64(out, static_cast<uint64_t>(
                             ns(alt<9>(v).time_since_epoch())));
    case wire_tag::timespan:
      return raw_be64(out, static_cast<uint64_t>(ns(alt<10>(v))));
    case wire_tag::enum_value:
      return raw_string(out, alt<11>(v).name);
    case wire_tag::set:
      return raw_sequence(out, alt<12>(v));
    case wire_tag::table:
      return raw_table(out, alt<13>(v));
    case wire_tag::vector:
      return raw_sequence(out, alt<14>(v));
  }
  return out; // unreachable: the variant has exactly 15 alternatives
}

} // namespace

size_t encoded_size(const data& x) noexcept {
  return size_of(x, max_nesting_depth);
}

uint8_t* encode_to(uint8_t* out, const data& x) noexcept {
  return raw_value(out, x);
}

bool writer::put(const data& x) {
  auto n = encoded_size(x);
  if (n == npos)
    return false;
  auto mark = out_.size();
  out_.resize(mark + n);
  encode_to(out_.data() + mark, x);
  return true;
}

bool encode(const data& x, std::vector<uint8_t>& out) {
  writer w{out};
  return w.put(x);
}

} // namespace broker::format
