// Validation and metadata lookup for the Zeek message shim, checking the
// layouts of broker/zeek.hh (docs/zeek.md, "Events"). These messages arrive from the
// network, so every path must tolerate any malformed shape.

#include "broker/zeek.hh"

namespace broker::zeek {

namespace {

constexpr count network_timestamp_key
  = static_cast<count>(MetadataType::NetworkTimestamp);

/// The key of a metadata entry [count key, value], or nullopt if the
/// entry has another shape.
std::optional<count> entry_key(const data& entry) {
  auto xs = get_if<vector>(entry);
  if (!xs || xs->size() != 2)
    return std::nullopt;
  if (auto key = get_if<count>((*xs)[0]))
    return *key;
  return std::nullopt;
}

/// Zeek 6+ drops events whose metadata has a malformed entry or a network
/// timestamp of another type; reserved and user keys are otherwise free.
bool valid_metadata_entry(const data& entry) {
  auto key = entry_key(entry);
  if (!key)
    return false;
  return *key != network_timestamp_key
         || is<timestamp>(get<vector>(entry)[1]);
}

bool valid_metadata(const data& md) {
  auto xs = get_if<vector>(md);
  if (!xs)
    return false;
  for (auto& entry : *xs)
    if (!valid_metadata_entry(entry))
      return false;
  return true;
}

/// The content of `msg` if its shape is exactly [version, tag, vector]
/// (the shape every Zeek sends) and its tag is `expected`, else nullptr.
const vector* content_of(const data& msg, Message::Type expected) {
  auto xs = get_if<vector>(msg);
  if (!xs || xs->size() != 3 || Message::type(msg) != expected)
    return nullptr;
  return get_if<vector>((*xs)[2]);
}

bool valid_event(const data& msg) {
  auto xs = content_of(msg, Message::Event);
  if (!xs || xs->size() < 2 || xs->size() > 3)
    return false;
  if (!is<std::string>((*xs)[0]) || !is<vector>((*xs)[1]))
    return false;
  return xs->size() == 2 || valid_metadata((*xs)[2]);
}

bool valid_batch(const data& msg) {
  auto xs = content_of(msg, Message::Batch);
  if (!xs)
    return false;
  for (auto& x : *xs)
    if (!Message::valid(x))
      return false;
  return true;
}

/// Log messages and identifier updates tolerate trailing fields, as
/// upstream: only the leading ones are checked.
bool valid_log_create(const data& msg) {
  auto xs = content_of(msg, Message::LogCreate);
  return xs && xs->size() >= 4 && is<enum_value>((*xs)[0])
         && is<enum_value>((*xs)[1]);
}

bool valid_log_write(const data& msg) {
  auto xs = content_of(msg, Message::LogWrite);
  return xs && xs->size() >= 4 && is<enum_value>((*xs)[0])
         && is<enum_value>((*xs)[1]) && is<std::string>((*xs)[2])
         && is<std::string>((*xs)[3]);
}

bool valid_identifier_update(const data& msg) {
  auto xs = content_of(msg, Message::IdentifierUpdate);
  return xs && xs->size() >= 2 && is<std::string>((*xs)[0]);
}

} // namespace

// -- Message ------------------------------------------------------------------

bool Message::valid(const data& msg) {
  switch (type(msg)) {
    case Event:
      return valid_event(msg);
    case LogCreate:
      return valid_log_create(msg);
    case LogWrite:
      return valid_log_write(msg);
    case IdentifierUpdate:
      return valid_identifier_update(msg);
    case Batch:
      return valid_batch(msg);
    default:
      return false;
  }
}

const vector* Message::content() const {
  auto xs = get_if<vector>(data_);
  if (!xs || xs->size() < 3)
    return nullptr;
  return get_if<vector>((*xs)[2]);
}

const data* Message::field(size_t i) const {
  auto xs = content();
  return xs && i < xs->size() ? &(*xs)[i] : nullptr;
}

const data& Message::field_or_none(size_t i) const {
  static const data empty;
  auto x = field(i);
  return x ? *x : empty;
}

// -- Event --------------------------------------------------------------------

Event::Event(std::string name, vector args, timestamp ts)
  : Event(std::move(name), std::move(args),
          vector{vector{network_timestamp_key, ts}}) {}

const data* Event::metadata_value(count key) const {
  for (auto& entry : metadata())
    if (entry_key(entry) == key)
      return &get<vector>(entry)[1];
  return nullptr;
}

std::optional<timestamp> Event::ts() const {
  if (auto x = metadata_value(MetadataType::NetworkTimestamp))
    if (auto t = get_if<timestamp>(*x))
      return *t;
  return std::nullopt;
}

bool Event::valid() const { return valid_event(data_); }

// -- Batch --------------------------------------------------------------------

const vector& Batch::batch() const {
  static const vector empty;
  auto xs = content();
  return xs ? *xs : empty;
}

bool Batch::valid() const { return valid_batch(data_); }

bool LogCreate::valid() const { return valid_log_create(data_); }

bool LogWrite::valid() const { return valid_log_write(data_); }

bool IdentifierUpdate::valid() const {
  return valid_identifier_update(data_);
}

} // namespace broker::zeek
