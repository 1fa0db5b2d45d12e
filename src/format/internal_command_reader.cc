// Decoder of internal_command.hh. Built on the data reader, so offsets and
// messages of errors look alike whether a data value or a command field is
// malformed.
#include <array>
#include <cstring>
#include <set>

#include "format/data_reader.hh"
#include "format/internal_command.hh"

namespace broker::format {

namespace {

/// Reads one field of any command type (the overloads mirror the
/// encoder's). Every read checks the remaining input first.
class field_reader {
public:
  explicit field_reader(reader& in) : in_(in) {}

  bool operator()(data& x) { return in_.read(x); }

  bool operator()(uint64_t& x) { return in_.read_be64(x); }

  bool operator()(uint16_t& x) {
    uint8_t raw[2];
    if (!in_.read_bytes(raw, sizeof(raw)))
      return false;
    x = static_cast<uint16_t>(raw[0] << 8 | raw[1]);
    return true;
  }

  bool operator()(bool& x) {
    uint8_t raw;
    if (!in_.read_u8(raw))
      return false;
    x = raw != 0; // any non-zero byte is true (docs/protocol.md §9)
    return true;
  }

  bool operator()(wire_tag& x) {
    auto at = in_.offset();
    uint8_t raw;
    if (!in_.read_u8(raw))
      return false;
    if (raw > max_wire_tag)
      return in_.fail(at, "init_type %u is no data type", raw);
    x = static_cast<wire_tag>(raw);
    return true;
  }

  bool operator()(std::optional<timespan>& x) {
    bool present;
    if (!(*this)(present))
      return false;
    x.reset();
    if (!present)
      return true;
    uint64_t ns;
    if (!in_.read_be64(ns))
      return false;
    x = timespan{static_cast<int64_t>(ns)};
    return true;
  }

  bool operator()(entity_id& x) {
    node_id::bytes_type raw;
    if (!in_.read_bytes(raw.data(), raw.size()) || !in_.read_be64(x.object))
      return false;
    x.endpoint = node_id{raw};
    return true;
  }

  bool operator()(std::vector<uint64_t>& xs) {
    uint32_t n;
    if (!count("sequence list", 8, n))
      return false;
    xs.resize(n);
    for (auto& x : xs)
      in_.read_be64(x); // cannot fail: `count` checked the room
    return true;
  }

  bool operator()(snapshot_entries& xs);

  bool operator()(command_content& x);

  /// Reads every field of `x` in order.
  template <class T>
  bool all(T& x) {
    auto each = [this](auto&... field) { return ((*this)(field) && ...); };
    return std::apply(each, x.fields());
  }

private:
  /// A varbyte count of entries taking at least `min_size` bytes each;
  /// refuses counts the rest of the input cannot hold, before anything
  /// gets allocated.
  bool count(const char* what, size_t min_size, uint32_t& n) {
    auto at = in_.offset();
    if (!in_.read_varbyte(n))
      return false;
    if (n > in_.remaining() / min_size)
      return in_.fail(at, "%s of %u entries exceeds the %zu remaining bytes",
                      what, static_cast<unsigned>(n), in_.remaining());
    return true;
  }

  reader& in_;
};

bool field_reader::operator()(snapshot_entries& xs) {
  uint32_t n;
  // A key and a value take at least one byte each.
  if (!count("snapshot", 2, n))
    return false;
  // No reserve: a count that lies fails when the input runs out, before
  // memory for all of it was taken.
  xs.clear();
  std::set<data> keys; // upstream's decoder refuses a repeated key too
  for (uint32_t i = 0; i < n; ++i) {
    auto at = in_.offset();
    auto& [key, value] = xs.emplace_back();
    if (!in_.read(key) || !in_.read(value))
      return false;
    if (!keys.insert(key).second)
      return in_.fail(at, "snapshot entry %u repeats a key",
                      static_cast<unsigned>(i));
  }
  return true;
}

/// Reads the fields of alternative `I` into `x`.
template <size_t I>
bool read_alternative(field_reader& in, command_content& x) {
  return in.all(x.emplace<I>());
}

using alternative_reader = bool (*)(field_reader&, command_content&);

template <size_t... Is>
constexpr auto make_alternative_readers(std::index_sequence<Is...>) {
  return std::array<alternative_reader, sizeof...(Is)>{
    &read_alternative<Is>...};
}

constexpr auto alternative_readers = make_alternative_readers(
  std::make_index_sequence<std::variant_size_v<command_content>>{});

bool field_reader::operator()(command_content& x) {
  auto at = in_.offset();
  uint8_t index;
  if (!in_.read_u8(index))
    return false;
  if (index > max_command_index)
    return in_.fail(at, "unknown command type %u", index);
  return alternative_readers[index](*this, x);
}

} // namespace

broker::error read_internal_command(const uint8_t* bytes, size_t size,
                                    internal_command& out,
                                    const decode_limits& limits) {
  reader in{bytes, size, limits};
  if (field_reader{in}.all(out) && in.expect_end())
    return {};
  return in.error();
}

expected<internal_command>
read_internal_command(const uint8_t* bytes, size_t size,
                      const decode_limits& limits) {
  internal_command result;
  if (auto err = read_internal_command(bytes, size, result, limits))
    return err;
  return result;
}

} // namespace broker::format
