// Encoder, names and store topics of internal_command.hh; the decoder is in
// internal_command_reader.cc.
#include "format/internal_command.hh"

#include <algorithm>

#include "format/byte_io.hh"
#include "format/data_writer.hh"
#include "format/varint.hh"

namespace broker::format {

namespace {

/// True if two entries of `xs` share a key. The wire allows any order, so
/// this sorts pointers instead of assuming sorted input.
bool has_duplicate_key(const snapshot_entries& xs) {
  std::vector<const data*> keys;
  keys.reserve(xs.size());
  for (auto& [key, value] : xs)
    keys.push_back(&key);
  auto less = [](const data* x, const data* y) { return *x < *y; };
  std::sort(keys.begin(), keys.end(), less);
  auto equal = [](const data* x, const data* y) { return *x == *y; };
  return std::adjacent_find(keys.begin(), keys.end(), equal) != keys.end();
}

/// Appends one field of any command type (the overload set mirrors the
/// field types the command structs use).
class field_writer {
public:
  explicit field_writer(std::vector<uint8_t>& out) : out_(out) {}

  bool operator()(const data& x) { return encode(x, out_); }

  bool operator()(uint64_t x) {
    put_be(out_, x, 8);
    return true;
  }

  bool operator()(uint16_t x) {
    put_be(out_, x, 2);
    return true;
  }

  bool operator()(bool x) {
    out_.push_back(x ? 1 : 0);
    return true;
  }

  bool operator()(wire_tag x) {
    // The enum can hold any byte; only the data tags mean something.
    if (static_cast<uint8_t>(x) > max_wire_tag)
      return false;
    out_.push_back(static_cast<uint8_t>(x));
    return true;
  }

  bool operator()(const std::optional<timespan>& x) {
    out_.push_back(x ? 1 : 0);
    if (x)
      put_be(out_, static_cast<uint64_t>(x->count()), 8);
    return true;
  }

  bool operator()(const entity_id& x) {
    auto& id = x.endpoint.bytes();
    out_.insert(out_.end(), id.begin(), id.end());
    put_be(out_, x.object, 8);
    return true;
  }

  bool operator()(const std::vector<uint64_t>& xs) {
    if (!count(xs.size()))
      return false;
    for (auto x : xs)
      put_be(out_, x, 8);
    return true;
  }

  bool operator()(const snapshot_entries& xs) {
    if (!count(xs.size()) || has_duplicate_key(xs))
      return false;
    for (auto& [key, value] : xs)
      if (!encode(key, out_) || !encode(value, out_))
        return false;
    return true;
  }

  bool operator()(const command_content& x) {
    if (x.valueless_by_exception())
      return false;
    out_.push_back(static_cast<uint8_t>(x.index()));
    return std::visit([this](const auto& cmd) { return all(cmd); }, x);
  }

  /// Writes every field of `x` in order.
  template <class T>
  bool all(const T& x) {
    auto each = [this](const auto&... field) { return ((*this)(field) && ...); };
    return std::apply(each, x.fields());
  }

private:
  /// A varbyte count; a larger list would need a longer varbyte than the
  /// wire has.
  bool count(size_t n) {
    if (n > max_varbyte_value)
      return false;
    put_varbyte(out_, static_cast<uint32_t>(n));
    return true;
  }

  std::vector<uint8_t>& out_;
};

// Every alternative must sit at the index it names.
template <size_t... Is>
constexpr bool indices_match(std::index_sequence<Is...>) {
  return ((std::variant_alternative_t<Is, command_content>::wire_index == Is)
          && ...);
}

static_assert(std::variant_size_v<command_content> == max_command_index + 1);
static_assert(indices_match(
  std::make_index_sequence<std::variant_size_v<command_content>>{}));

/// Joins the store name and a suffix the way upstream builds these topics.
topic store_topic(std::string_view name, std::string_view suffix) {
  return topic{std::string{name}} / topic{std::string{suffix}};
}

} // namespace

std::string to_string(const entity_id& x) {
  if (x.is_nil())
    return "nil";
  auto node = x.endpoint ? to_string(x.endpoint) : std::string{"nil"};
  return std::to_string(x.object) + '@' + node;
}

const char* content_name(const command_content& x) noexcept {
  static constexpr const char* names[] = {
    "put",           "put_unique",  "put_unique_result", "erase",
    "expire",        "add",         "subtract",          "clear",
    "attach_writer", "keepalive",   "cumulative_ack",    "nack",
    "ack_clone",     "retransmit_failed",
  };
  return x.valueless_by_exception() ? "valueless" : names[x.index()];
}

bool write_internal_command(const internal_command& x,
                            std::vector<uint8_t>& out) {
  auto start = out.size();
  if (field_writer{out}.all(x))
    return true;
  out.resize(start);
  return false;
}

topic store_master_topic(std::string_view store_name) {
  return store_topic(store_name, topic::master_suffix_str);
}

topic store_clone_topic(std::string_view store_name) {
  return store_topic(store_name, topic::clone_suffix_str);
}

store_topic_kind classify_store_topic(std::string_view str,
                                      std::string_view* name) noexcept {
  auto match = [&](std::string_view suffix) {
    if (str.size() < suffix.size()
        || str.substr(str.size() - suffix.size()) != suffix)
      return false;
    auto prefix = str.substr(0, str.size() - suffix.size());
    // The suffix must be a whole component: `x<$>/data/master` is no store
    // topic. An empty name yields the bare suffix, as the join does.
    if (!prefix.empty() && prefix.back() != topic::sep)
      return false;
    if (name != nullptr)
      *name = prefix.empty() ? prefix : prefix.substr(0, prefix.size() - 1);
    return true;
  };
  if (match(topic::master_suffix_str))
    return store_topic_kind::master;
  if (match(topic::clone_suffix_str))
    return store_topic_kind::clone;
  return store_topic_kind::none;
}

} // namespace broker::format
