#include "format/data_writer.hh"

#include <cstring>
#include <variant>

#include "format/limits.hh"
#include "format/wire_tag.hh"

namespace broker::format {

namespace {

template <size_t I>
const auto& alt(const data::variant_type& v) noexcept {
  return *std::get_if<I>(&v);
}

} // namespace

bool writer::put(const data& x) {
  auto mark = out_.size();
  if (put_value(x, max_nesting_depth))
    return true;
  out_.resize(mark);
  return false;
}

template <class Sequence>
bool writer::put_sequence(uint8_t tag, const Sequence& xs, size_t depth_left) {
  if (depth_left == 0)
    return false;
  out_.push_back(tag);
  put_varint(xs.size());
  for (const auto& elem : xs)
    if (!put_value(elem, depth_left - 1))
      return false;
  return true;
}

bool writer::put_value(const data& x, size_t depth_left) {
  const auto& v = x.get_data();
  auto index = static_cast<uint8_t>(v.index());
  switch (static_cast<wire_tag>(index)) {
    case wire_tag::none:
      out_.push_back(index);
      return true;
    case wire_tag::boolean: {
      uint8_t buf[2] = {index, static_cast<uint8_t>(alt<1>(v) ? 1 : 0)};
      out_.insert(out_.end(), buf, buf + 2);
      return true;
    }
    case wire_tag::count: {
      uint8_t buf[1 + max_varint_size];
      buf[0] = index;
      auto n = write_varint(buf + 1, alt<2>(v));
      out_.insert(out_.end(), buf, buf + 1 + n);
      return true;
    }
    case wire_tag::integer: {
      uint8_t buf[1 + max_varint_size];
      buf[0] = index;
      auto n = write_varint(buf + 1, zigzag_encode(alt<3>(v)));
      out_.insert(out_.end(), buf, buf + 1 + n);
      return true;
    }
    case wire_tag::real: {
      uint64_t bits;
      double d = alt<4>(v);
      std::memcpy(&bits, &d, sizeof(bits));
      uint8_t buf[9];
      buf[0] = index;
      store_le64(buf + 1, bits);
      out_.insert(out_.end(), buf, buf + 9);
      return true;
    }
    case wire_tag::string:
      out_.push_back(index);
      put_string(alt<5>(v));
      return true;
    case wire_tag::address: {
      const auto& bytes = alt<6>(v).bytes();
      uint8_t buf[17];
      buf[0] = index;
      std::memcpy(buf + 1, bytes.data(), 16);
      out_.insert(out_.end(), buf, buf + 17);
      return true;
    }
    case wire_tag::subnet: {
      const auto& sn = alt<7>(v);
      uint8_t buf[18];
      buf[0] = index;
      std::memcpy(buf + 1, sn.network().bytes().data(), 16);
      buf[17] = sn.raw_len();
      out_.insert(out_.end(), buf, buf + 18);
      return true;
    }
    case wire_tag::port: {
      const auto& p = alt<8>(v);
      uint8_t buf[4] = {index, static_cast<uint8_t>(p.number() >> 8),
                        static_cast<uint8_t>(p.number()),
                        static_cast<uint8_t>(p.type())};
      out_.insert(out_.end(), buf, buf + 4);
      return true;
    }
    case wire_tag::timestamp: {
      uint8_t buf[9];
      buf[0] = index;
      auto ns = alt<9>(v).time_since_epoch().count();
      store_le64(buf + 1, static_cast<uint64_t>(ns));
      out_.insert(out_.end(), buf, buf + 9);
      return true;
    }
    case wire_tag::timespan: {
      uint8_t buf[1 + max_varint_size];
      buf[0] = index;
      auto n = write_varint(buf + 1, zigzag_encode(alt<10>(v).count()));
      out_.insert(out_.end(), buf, buf + 1 + n);
      return true;
    }
    case wire_tag::enum_value:
      out_.push_back(index);
      put_string(alt<11>(v).name);
      return true;
    case wire_tag::set:
      return put_sequence(index, alt<12>(v), depth_left);
    case wire_tag::table: {
      if (depth_left == 0)
        return false;
      const auto& xs = alt<13>(v);
      out_.push_back(index);
      put_varint(xs.size());
      for (const auto& [key, val] : xs)
        if (!put_value(key, depth_left - 1) || !put_value(val, depth_left - 1))
          return false;
      return true;
    }
    case wire_tag::vector:
      return put_sequence(index, alt<14>(v), depth_left);
  }
  return false; // unreachable: the variant has exactly 15 alternatives
}

bool encode(const data& x, std::vector<uint8_t>& out) {
  writer w{out};
  return w.put(x);
}

} // namespace broker::format
