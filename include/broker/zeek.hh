#pragma once

// The Zeek message shim: the data layouts Zeek expects for events, log
// streams, identifier updates and batches. Pure data layout, no I/O.
//
// Wire form of every message: vector{count ProtocolVersion, count type,
// content}. The version is carried but never checked (as upstream).
//
// Accessors never throw and never crash on a malformed message: a field
// that is missing or has the wrong type reads as an empty value (empty
// string, empty vector, empty enum_value, none). Call valid() first to tell
// an empty field from a malformed one. Only as_vector() throws (as upstream,
// std::bad_variant_access when the message is not a vector at all).

#include <optional>
#include <string>
#include <utility>

#include "broker/data.hh"

namespace broker::zeek {

/// The version stamped into every message.
inline constexpr count ProtocolVersion = 1;

/// Keys of event metadata entries (Zeek 6+ / Broker 2.6+). Keys below
/// UserMetadataStart are reserved for Zeek; only NetworkTimestamp is
/// defined so far.
enum class MetadataType : count {
  /// The sender's network time; its value must be a timestamp.
  NetworkTimestamp = 1,
  /// The first key available to applications.
  UserMetadataStart = 200,
};

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

  /// Whether `msg` is a well-formed message of the type its tag names (a
  /// Batch: whether each of its messages is).
  static bool valid(const data& msg);

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
  const vector* content() const;


  /// Element `i` of the content vector, or nullptr.
  const data* field(size_t i) const;

  /// Element `i` of the content vector if it is a T, else an empty T.
  template <class T>
  const T& field_as(size_t i) const {
    static const T empty{};
    if (auto x = field(i))
      if (auto y = get_if<T>(*x))
        return *y;
    return empty;
  }

  /// Element `i` of the content vector, or none.
  const data& field_or_none(size_t i) const;

  data data_;
};

/// A Zeek event: content is [string name, vector args] or, since Zeek 6,
/// [string name, vector args, vector metadata] with metadata entries
/// [count key, value].
class Event : public Message {
public:
  /// The 2-field form, which every Zeek since 5.0 accepts.
  Event(std::string name, vector args)
    : Message(Message::Type::Event, {std::move(name), std::move(args)}) {}

  /// The 3-field form, even for empty metadata (what Zeek 8 sends).
  Event(std::string name, vector args, vector metadata)
    : Message(Message::Type::Event,
              {std::move(name), std::move(args), std::move(metadata)}) {}

  /// The 3-field form with metadata [[NetworkTimestamp, ts]] (what Zeek 6
  /// and 7 send).
  Event(std::string name, vector args, timestamp ts);

  Event(data msg) : Message(std::move(msg)) {} // NOLINT: implicit, as upstream

  /// The name, or "" if missing.
  const std::string& name() const { return field_as<std::string>(0); }

  /// The arguments, or an empty vector if missing.
  const vector& args() const { return field_as<vector>(1); }

  /// The raw metadata entries; empty for the 2-field form or if malformed.
  const vector& metadata() const { return field_as<vector>(2); }

  /// The value of the first metadata entry with `key`, or nullptr (also for
  /// malformed entries, which are skipped).
  const data* metadata_value(count key) const;

  const data* metadata_value(MetadataType key) const {
    return metadata_value(static_cast<count>(key));
  }

  /// The NetworkTimestamp metadata, if present and a timestamp.
  std::optional<timestamp> ts() const;

  /// Tag Event, content exactly [string, vector] or [string, vector,
  /// vector of [count, value]] with a timestamp for key 1 (as Zeek 6+).
  bool valid() const;
};

/// Several complete messages in one: content is a vector of messages.
class Batch : public Message {
public:
  explicit Batch(vector msgs) : Message(Message::Type::Batch, std::move(msgs)) {}

  Batch(data msg) : Message(std::move(msg)) {} // NOLINT

  /// The messages, or an empty vector if the content is not a vector.
  const vector& batch() const;

  /// Tag Batch, content a vector, and each element a valid message.
  bool valid() const;
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

  /// The fields, or an empty enum_value / none if missing.
  const enum_value& stream_id() const { return field_as<enum_value>(0); }
  const enum_value& writer_id() const { return field_as<enum_value>(1); }
  const data& writer_info() const { return field_or_none(2); }
  const data& fields_data() const { return field_or_none(3); }

  /// Tag LogCreate, at least 4 fields (extra ones ignored, as upstream),
  /// [0] and [1] enums.
  bool valid() const;
};

/// Writes to a log stream: [enum stream_id, enum writer_id, string path,
/// string serial_data].
class LogWrite : public Message {
public:
  LogWrite(enum_value stream_id, enum_value writer_id, data path,
           data serial_data)
    : Message(Message::Type::LogWrite,
              {std::move(stream_id), std::move(writer_id), std::move(path),
               std::move(serial_data)}) {}

  LogWrite(data msg) : Message(std::move(msg)) {} // NOLINT

  /// The fields, or an empty enum_value / none if missing.
  const enum_value& stream_id() const { return field_as<enum_value>(0); }
  const enum_value& writer_id() const { return field_as<enum_value>(1); }
  const data& path() const { return field_or_none(2); }
  const data& serial_data() const { return field_or_none(3); }

  /// Tag LogWrite, at least 4 fields (extra ones ignored), [0] and [1]
  /// enums, [2] and [3] strings (Zeek's path and serialized record).
  bool valid() const;
};

/// Updates a global identifier: [string id_name, data id_value].
class IdentifierUpdate : public Message {
public:
  IdentifierUpdate(std::string id_name, data id_value)
    : Message(Message::Type::IdentifierUpdate,
              {std::move(id_name), std::move(id_value)}) {}

  IdentifierUpdate(data msg) : Message(std::move(msg)) {} // NOLINT

  /// The fields, or "" / none if missing.
  const std::string& id_name() const { return field_as<std::string>(0); }
  const data& id_value() const { return field_or_none(1); }

  /// Tag IdentifierUpdate, at least 2 fields (extra ones ignored), [0] a
  /// string.
  bool valid() const;
};

} // namespace broker::zeek
