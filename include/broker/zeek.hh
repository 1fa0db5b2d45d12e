#pragma once

// The Zeek message shim: the data layouts Zeek expects for events, log
// streams, identifier updates and batches. Pure data layout, no I/O.
//
// Wire form of every message: vector{count ProtocolVersion, count type,
// content}. The version is carried but never checked (as upstream).

#include <string>
#include <utility>

#include "broker/data.hh"

namespace broker::zeek {

/// The version stamped into every message.
inline constexpr count ProtocolVersion = 1;

class Message {
public:
  enum Type {
    Invalid = 0,
    Event = 1,
    LogCreate = 2,
    LogWrite = 3,
    IdentifierUpdate = 4,
    Batch = 5,
    MAX = Batch,
  };

  /// The message type of `msg`: Invalid unless `msg` is a vector of at
  /// least two elements whose second is a count no larger than MAX.
  static Type type(const data& msg) {
    auto xs = get_if<vector>(msg);
    if (!xs || xs->size() < 2)
      return Invalid;
    auto tag = get_if<count>((*xs)[1]);
    if (!tag || *tag > static_cast<count>(MAX))
      return Invalid;
    return static_cast<Type>(*tag);
  }

  Type type() const { return type(data_); }

  data&& move_data() { return std::move(data_); }

  const data& as_data() const { return data_; }

  data& as_data() { return data_; }

  /// Throws `std::bad_variant_access` if the message is not a vector.
  const vector& as_vector() const { return get<vector>(data_); }

  vector& as_vector() { return get<vector>(data_); }

  operator data() const { return data_; }

protected:
  Message(Type type, vector content)
    : data_(vector{ProtocolVersion, count{static_cast<count>(type)},
                   std::move(content)}) {}

  explicit Message(data msg) : data_(std::move(msg)) {}

  /// The content vector ([2]) if the message has one, else nullptr.
  const vector* content() const {
    auto xs = get_if<vector>(data_);
    if (!xs || xs->size() < 3)
      return nullptr;
    return get_if<vector>((*xs)[2]);
  }

  /// Element `i` of the content vector; throws on a malformed message.
  const data& field(size_t i) const { return get<vector>(as_vector().at(2)).at(i); }

  data data_;
};

/// A Zeek event: content is [string name, vector args].
class Event : public Message {
public:
  Event(std::string name, vector args)
    : Message(Message::Type::Event, {std::move(name), std::move(args)}) {}

  Event(data msg) : Message(std::move(msg)) {} // NOLINT: implicit, as upstream

  const std::string& name() const { return get<std::string>(field(0)); }

  const vector& args() const { return get<vector>(field(1)); }

  bool valid() const {
    auto xs = content();
    return xs && xs->size() >= 2 && is<std::string>((*xs)[0])
           && is<vector>((*xs)[1]);
  }
};

/// Several complete messages in one: content is a vector of messages.
class Batch : public Message {
public:
  explicit Batch(vector msgs) : Message(Message::Type::Batch, std::move(msgs)) {}

  Batch(data msg) : Message(std::move(msg)) {} // NOLINT

  const vector& batch() const { return get<vector>(as_vector().at(2)); }

  bool valid() const { return content() != nullptr; }
};

/// Creates a log stream: [enum stream_id, enum writer_id, writer_info,
/// fields_data].
class LogCreate : public Message {
public:
  LogCreate(enum_value stream_id, enum_value writer_id, data writer_info,
            data fields_data)
    : Message(Message::Type::LogCreate,
              {std::move(stream_id), std::move(writer_id),
               std::move(writer_info), std::move(fields_data)}) {}

  LogCreate(data msg) : Message(std::move(msg)) {} // NOLINT

  const enum_value& stream_id() const { return get<enum_value>(field(0)); }
  const enum_value& writer_id() const { return get<enum_value>(field(1)); }
  const data& writer_info() const { return field(2); }
  const data& fields_data() const { return field(3); }

  bool valid() const {
    auto xs = content();
    return xs && xs->size() >= 4 && is<enum_value>((*xs)[0])
           && is<enum_value>((*xs)[1]);
  }
};

/// Writes to a log stream: [enum stream_id, enum writer_id, path,
/// serial_data].
class LogWrite : public Message {
public:
  LogWrite(enum_value stream_id, enum_value writer_id, data path,
           data serial_data)
    : Message(Message::Type::LogWrite,
              {std::move(stream_id), std::move(writer_id), std::move(path),
               std::move(serial_data)}) {}

  LogWrite(data msg) : Message(std::move(msg)) {} // NOLINT

  const enum_value& stream_id() const { return get<enum_value>(field(0)); }
  const enum_value& writer_id() const { return get<enum_value>(field(1)); }
  const data& path() const { return field(2); }
  const data& serial_data() const { return field(3); }

  bool valid() const {
    auto xs = content();
    return xs && xs->size() >= 4 && is<enum_value>((*xs)[0])
           && is<enum_value>((*xs)[1]);
  }
};

/// Updates a global identifier: [string id_name, data id_value].
class IdentifierUpdate : public Message {
public:
  IdentifierUpdate(std::string id_name, data id_value)
    : Message(Message::Type::IdentifierUpdate,
              {std::move(id_name), std::move(id_value)}) {}

  IdentifierUpdate(data msg) : Message(std::move(msg)) {} // NOLINT

  const std::string& id_name() const { return get<std::string>(field(0)); }
  const data& id_value() const { return field(1); }

  bool valid() const {
    auto xs = content();
    return xs && xs->size() >= 2 && is<std::string>((*xs)[0]);
  }
};

} // namespace broker::zeek
