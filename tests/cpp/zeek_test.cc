#include "broker/zeek.hh"

#include <gtest/gtest.h>

#include "broker/convert.hh"

using namespace broker;

TEST(Zeek, EventLayout) {
  zeek::Event ev("ping", {1});
  const data expected = vector{count{1}, count{1}, vector{"ping", vector{1}}};
  EXPECT_EQ(ev.as_data(), expected);
  EXPECT_EQ(ev.type(), zeek::Message::Type::Event);
  EXPECT_TRUE(ev.valid());
  EXPECT_EQ(ev.name(), "ping");
  EXPECT_EQ(ev.args(), (vector{1}));
  EXPECT_EQ(to_string(ev.as_data()), "(1, 1, (ping, (1)))");
}

TEST(Zeek, EventFromData) {
  data raw = vector{count{1}, count{1}, vector{"pong", vector{42, "x"}}};
  zeek::Event ev(raw);
  ASSERT_TRUE(ev.valid());
  EXPECT_EQ(ev.name(), "pong");
  EXPECT_EQ(ev.args().size(), 2u);
  data moved = ev.move_data();
  EXPECT_EQ(moved, raw);
}

TEST(Zeek, VersionIsNotChecked) {
  data raw = vector{count{99}, count{1}, vector{"x", vector{}}};
  EXPECT_EQ(zeek::Message::type(raw), zeek::Message::Event);
  EXPECT_TRUE(zeek::Event(raw).valid());
}

TEST(Zeek, TypeOfMalformedMessages) {
  EXPECT_EQ(zeek::Message::type(data{}), zeek::Message::Invalid);
  EXPECT_EQ(zeek::Message::type(vector{count{1}}), zeek::Message::Invalid);
  EXPECT_EQ(zeek::Message::type(vector{count{1}, integer{1}}),
            zeek::Message::Invalid);
  EXPECT_EQ(zeek::Message::type(vector{count{1}, count{6}}),
            zeek::Message::Invalid);
  EXPECT_EQ(zeek::Message::type(vector{count{1}, count{5}}),
            zeek::Message::Batch);
}

TEST(Zeek, InvalidEvents) {
  EXPECT_FALSE(zeek::Event(data{}).valid());
  EXPECT_FALSE(zeek::Event(vector{count{1}, count{1}}).valid());
  EXPECT_FALSE(zeek::Event(vector{count{1}, count{1}, vector{"x"}}).valid());
  EXPECT_FALSE(
    zeek::Event(vector{count{1}, count{1}, vector{1, vector{}}}).valid());
  EXPECT_FALSE(
    zeek::Event(vector{count{1}, count{1}, vector{"x", 1}}).valid());
  // Accessors on malformed messages read as empty values.
  EXPECT_EQ(zeek::Event(data{}).name(), "");
  EXPECT_TRUE(zeek::Event(vector{count{1}, count{1}}).args().empty());
}

TEST(Zeek, Batch) {
  zeek::Event a("a", {});
  zeek::Event b("b", {count{2}});
  zeek::Batch batch(vector{a, b});
  EXPECT_TRUE(batch.valid());
  EXPECT_EQ(batch.type(), zeek::Message::Batch);
  ASSERT_EQ(batch.batch().size(), 2u);
  EXPECT_EQ(zeek::Event(batch.batch()[1]).name(), "b");
  EXPECT_FALSE(zeek::Batch(data{vector{count{1}, count{5}, 3}}).valid());
}

TEST(Zeek, LogCreateAndWrite) {
  zeek::LogCreate create(enum_value{"Conn::LOG"}, enum_value{"Log::WRITER_ASCII"},
                         vector{"conn"}, vector{"ts", "uid"});
  EXPECT_TRUE(create.valid());
  EXPECT_EQ(create.type(), zeek::Message::LogCreate);
  EXPECT_EQ(create.stream_id().name, "Conn::LOG");
  EXPECT_EQ(create.writer_id().name, "Log::WRITER_ASCII");
  EXPECT_EQ(create.fields_data(), (vector{"ts", "uid"}));

  zeek::LogWrite write(enum_value{"Conn::LOG"}, enum_value{"Log::WRITER_ASCII"},
                       "conn", "serialized");
  EXPECT_TRUE(write.valid());
  EXPECT_EQ(write.type(), zeek::Message::LogWrite);
  EXPECT_EQ(write.path(), data{"conn"});
  EXPECT_EQ(write.serial_data(), data{"serialized"});
  // The stream and writer ids must be enums.
  EXPECT_FALSE(zeek::LogWrite(vector{count{1}, count{3},
                                     vector{"a", "b", "c", "d"}})
                 .valid());
}

TEST(Zeek, IdentifierUpdate) {
  zeek::IdentifierUpdate upd("Site::local_nets", set{});
  EXPECT_TRUE(upd.valid());
  EXPECT_EQ(upd.type(), zeek::Message::IdentifierUpdate);
  EXPECT_EQ(upd.id_name(), "Site::local_nets");
  EXPECT_EQ(upd.id_value(), data{set{}});
  EXPECT_FALSE(
    zeek::IdentifierUpdate(vector{count{1}, count{4}, vector{1, 2}}).valid());
}

// -- golden payloads of ZEEK-WIRE.md section 4.4 ------------------------------

// The event ping(1), decoded by hand from the spec's hex rather than with our
// codec, so that these tests pin the layout independently of it:
//   0e03                    vector of 3
//     020000000000000001    count 1 (ProtocolVersion)
//     020000000000000001    count 1 (Event)
//     0e02 / 0e03           content: vector of 2 (Zeek 5) or 3 (Zeek 6+)
//       050470696e67        "ping"
//       0e01 02..01         args [count 1]
//       [metadata]          Zeek 6-7: 0e01 0e02 020000000000000001
//                                          0917979cfe53f76500
//                           Zeek 8:   0e00
namespace {

const data ping_args = vector{count{1}};

data golden_ping(vector content) {
  return vector{count{1}, count{1}, std::move(content)};
}

// 0x17979cfe53f76500 ns = 1700000000.5 s.
const timestamp golden_ts{timespan{1700000000500000000}};

} // namespace

TEST(ZeekGolden, Zeek5FormIsTheDefault) {
  // 0e03 0200..01 0200..01 0e02 050470696e67 0e01020000000000000001
  const data expected = golden_ping(vector{"ping", ping_args});
  zeek::Event ev("ping", vector{count{1}});
  EXPECT_EQ(ev.as_data(), expected);
  EXPECT_TRUE(ev.valid());
  EXPECT_TRUE(ev.metadata().empty());
  EXPECT_FALSE(ev.ts());
}

TEST(ZeekGolden, Zeek6And7FormCarriesTheNetworkTime) {
  // ... 0e03 "ping" [1] 0e01 0e02 020000000000000001 0917979cfe53f76500
  const data expected = golden_ping(
    vector{"ping", ping_args, vector{vector{count{1}, golden_ts}}});
  EXPECT_EQ(golden_ts.time_since_epoch().count(), 0x17979cfe53f76500);
  zeek::Event by_ts("ping", vector{count{1}}, golden_ts);
  EXPECT_EQ(by_ts.as_data(), expected);
  zeek::Event by_vector("ping", vector{count{1}},
                        vector{vector{count{1}, golden_ts}});
  EXPECT_EQ(by_vector.as_data(), expected);
  zeek::Event received(expected);
  ASSERT_TRUE(received.valid());
  EXPECT_EQ(received.ts(), golden_ts);
  EXPECT_EQ(received.name(), "ping");
  EXPECT_EQ(received.args(), ping_args);
}

TEST(ZeekGolden, Zeek8FormHasEmptyMetadata) {
  // ... 0e03 050470696e67 0e01020000000000000001 0e00
  const data expected = golden_ping(vector{"ping", ping_args, vector{}});
  zeek::Event ev("ping", vector{count{1}}, vector{});
  EXPECT_EQ(ev.as_data(), expected);
  EXPECT_TRUE(ev.valid());
  EXPECT_TRUE(ev.metadata().empty());
  EXPECT_FALSE(ev.ts());
}

// -- metadata -----------------------------------------------------------------

TEST(ZeekMetadata, Constants) {
  EXPECT_EQ(static_cast<count>(zeek::MetadataType::NetworkTimestamp), 1u);
  EXPECT_EQ(static_cast<count>(zeek::MetadataType::UserMetadataStart), 200u);
}

TEST(ZeekMetadata, LookupByKey) {
  vector md{vector{count{1}, golden_ts}, vector{count{200}, "user"},
            vector{count{201}, vector{1, 2}}};
  zeek::Event ev("e", vector{}, md);
  ASSERT_TRUE(ev.valid());
  EXPECT_EQ(ev.metadata(), md);
  ASSERT_NE(ev.metadata_value(zeek::MetadataType::UserMetadataStart), nullptr);
  EXPECT_EQ(*ev.metadata_value(200), data{"user"});
  EXPECT_EQ(*ev.metadata_value(201), (data{vector{1, 2}}));
  EXPECT_EQ(ev.metadata_value(202), nullptr);
  EXPECT_EQ(ev.ts(), golden_ts);
}

TEST(ZeekMetadata, ReservedKeysAreAccepted) {
  zeek::Event ev("e", vector{}, vector{vector{count{2}, 42}});
  EXPECT_TRUE(ev.valid());
  EXPECT_EQ(*ev.metadata_value(2), data{42});
}

TEST(ZeekMetadata, MalformedMetadataInvalidatesTheEvent) {
  const data bad_entries[] = {
    5,                                   // not a vector
    vector{count{1}},                    // one element
    vector{count{200}, 1, 2},            // three elements
    vector{integer{200}, 1},             // key not a count
    vector{"200", 1},                    // key not a count
    vector{count{1}, 1700000000},        // network time not a timestamp
    vector{count{1}, timespan{5}},       // network time not a timestamp
  };
  for (auto& entry : bad_entries) {
    zeek::Event ev("e", vector{}, vector{vector{count{300}, 1}, entry});
    EXPECT_FALSE(ev.valid()) << to_string(entry);
    // Lookups skip what they cannot read.
    EXPECT_FALSE(ev.ts());
    EXPECT_EQ(*ev.metadata_value(300), data{1});
  }
  // Metadata that is not a vector at all.
  data raw = vector{count{1}, count{1}, vector{"e", vector{}, 7}};
  zeek::Event ev(raw);
  EXPECT_FALSE(ev.valid());
  EXPECT_TRUE(ev.metadata().empty());
  EXPECT_EQ(ev.metadata_value(1), nullptr);
}

TEST(ZeekMetadata, EventShapeIsExact) {
  auto with_content = [](vector content) {
    return zeek::Event{data{vector{count{1}, count{1}, std::move(content)}}};
  };
  EXPECT_FALSE(with_content(vector{"e", vector{}, vector{}, vector{}}).valid());
  EXPECT_FALSE(zeek::Event(data{vector{count{1}, count{1},
                                       vector{"e", vector{}}, 1}})
                 .valid());
  // The type tag must say Event.
  EXPECT_FALSE(zeek::Event(data{vector{count{1}, count{4},
                                       vector{"e", vector{}}}})
                 .valid());
  EXPECT_FALSE(zeek::Event(data{vector{count{1}, count{9},
                                       vector{"e", vector{}}}})
                 .valid());
}

// -- malformed messages of every kind -----------------------------------------

namespace {

/// Shapes that no message type accepts.
std::vector<data> malformed_messages(count tag) {
  return {
    data{},
    data{"x"},
    vector{},
    vector{count{1}},
    vector{count{1}, count{tag}},
    vector{count{1}, integer{1}, vector{}},
    vector{count{1}, count{tag}, 7},
    vector{count{1}, count{tag}, vector{}},
    vector{count{1}, count{tag}, vector{1, 2, 3, 4}},
    vector{count{1}, count{tag}, vector{none{}, none{}, none{}, none{}}},
  };
}

} // namespace

TEST(ZeekMalformed, EventAccessorsAreSafe) {
  for (auto& raw : malformed_messages(1)) {
    zeek::Event ev(raw);
    EXPECT_FALSE(ev.valid()) << to_string(raw);
    EXPECT_FALSE(zeek::Message::valid(raw));
    EXPECT_EQ(ev.name(), "");
    EXPECT_TRUE(ev.args().empty());
    EXPECT_TRUE(ev.metadata().empty());
    EXPECT_EQ(ev.metadata_value(1), nullptr);
    EXPECT_FALSE(ev.ts());
  }
}

namespace {

/// Field 3 of a message's content as the untyped accessors return it.
data fourth_field_or_none(const data& raw) {
  auto xs = get_if<vector>(raw);
  if (!xs || xs->size() < 3)
    return {};
  auto content = get_if<vector>((*xs)[2]);
  return content && content->size() > 3 ? (*content)[3] : data{};
}

} // namespace

TEST(ZeekMalformed, LogAccessorsAreSafe) {
  for (auto& raw : malformed_messages(2)) {
    zeek::LogCreate msg(raw);
    EXPECT_FALSE(msg.valid()) << to_string(raw);
    EXPECT_EQ(msg.stream_id().name, "");
    EXPECT_EQ(msg.writer_id().name, "");
    // Untyped fields come back as they are, or none if missing.
    EXPECT_EQ(msg.fields_data(), fourth_field_or_none(raw));
  }
  for (auto& raw : malformed_messages(3)) {
    zeek::LogWrite msg(raw);
    EXPECT_FALSE(msg.valid()) << to_string(raw);
    EXPECT_EQ(msg.stream_id().name, "");
    EXPECT_EQ(msg.serial_data(), fourth_field_or_none(raw));
    EXPECT_FALSE(zeek::Message::valid(raw));
  }
  EXPECT_EQ(zeek::LogWrite(data{}).path(), data{});
}

TEST(ZeekMalformed, IdentifierAndBatchAccessorsAreSafe) {
  for (auto& raw : malformed_messages(4)) {
    zeek::IdentifierUpdate msg(raw);
    EXPECT_FALSE(msg.valid()) << to_string(raw);
    EXPECT_EQ(msg.id_name(), "");
    EXPECT_FALSE(zeek::Message::valid(raw));
  }
  for (auto& raw : malformed_messages(5)) {
    zeek::Batch msg(raw);
    // An empty batch is valid; the other shapes are not.
    EXPECT_EQ(msg.valid(), msg.batch().empty() && zeek::Message::valid(raw))
      << to_string(raw);
  }
  EXPECT_TRUE(zeek::Batch(data{}).batch().empty());
  EXPECT_TRUE(zeek::Batch(data{vector{count{1}, count{5}, 7}}).batch().empty());
  EXPECT_EQ(zeek::Batch(data{vector{count{1}, count{5}, vector{1}}}).batch(),
            vector{1});
}

TEST(ZeekMalformed, LogWriteFieldTypes) {
  auto write = [](data path, data serial) {
    return zeek::LogWrite{enum_value{"Conn::LOG"},
                          enum_value{"Log::WRITER_ASCII"}, std::move(path),
                          std::move(serial)};
  };
  EXPECT_TRUE(write("conn", "bytes").valid());
  EXPECT_FALSE(write(1, "bytes").valid());
  EXPECT_FALSE(write("conn", vector{}).valid());
  // Trailing fields are tolerated, as upstream.
  auto raw = write("conn", "bytes").as_data();
  get<vector>(get<vector>(raw)[2]).emplace_back(1);
  EXPECT_TRUE(zeek::LogWrite(raw).valid());
}

TEST(ZeekBatch, ValidWhenEachMessageIs) {
  zeek::Event ev("a", vector{});
  zeek::IdentifierUpdate upd("x", 1);
  zeek::LogCreate create(enum_value{"A"}, enum_value{"B"}, 1, 2);
  EXPECT_TRUE(zeek::Batch(vector{ev, upd, create}).valid());
  EXPECT_TRUE(zeek::Batch(vector{}).valid());
  EXPECT_TRUE(zeek::Batch(vector{zeek::Batch(vector{ev})}).valid());
  EXPECT_FALSE(zeek::Batch(vector{ev, 5}).valid());
  EXPECT_FALSE(zeek::Batch(vector{ev, zeek::Event(data{vector{
                                        count{1}, count{1}, vector{"e"}}})})
                 .valid());
  EXPECT_FALSE(zeek::Batch(vector{zeek::Batch(vector{1})}).valid());
  // The tag of the outer message must say Batch.
  EXPECT_FALSE(zeek::Batch(data{vector{count{1}, count{1}, vector{}}}).valid());
}
