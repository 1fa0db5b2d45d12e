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
  // Accessors on malformed messages throw instead of crashing.
  EXPECT_THROW(zeek::Event(data{}).name(), std::exception);
  EXPECT_THROW(zeek::Event(vector{count{1}, count{1}}).args(),
               std::exception);
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
