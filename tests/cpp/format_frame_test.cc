// The frame header of the wire protocol (src/format/frame.hh).

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/frame.hh"

using namespace broker;
using namespace broker::format;
using bytes = std::vector<uint8_t>;

TEST(FormatFrame, HeaderLayout) {
  EXPECT_EQ(frame_header_size, 6u);
  EXPECT_EQ(max_frame_payload, 16u * 1024 * 1024);
  bytes buf;
  write_frame_header(buf, frame_type::data, 0x01020304);
  EXPECT_EQ(buf, (bytes{0x01, 0x02, 0x03, 0x04, wire_version, 0x02}));
  buf.clear();
  write_frame_header(buf, frame_type::heartbeat, 0);
  EXPECT_EQ(buf, (bytes{0, 0, 0, 0, 0x01, 0x04}));
}

TEST(FormatFrame, TypeValues) {
  EXPECT_EQ(static_cast<int>(frame_type::hello), 1);
  EXPECT_EQ(static_cast<int>(frame_type::data), 2);
  EXPECT_EQ(static_cast<int>(frame_type::filter_update), 3);
  EXPECT_EQ(static_cast<int>(frame_type::heartbeat), 4);
  EXPECT_EQ(static_cast<int>(frame_type::goodbye), 5);
  EXPECT_STREQ(to_string(frame_type::filter_update), "filter_update");
  EXPECT_FALSE(is_valid(static_cast<frame_type>(0)));
  EXPECT_FALSE(is_valid(static_cast<frame_type>(6)));
  EXPECT_STREQ(to_string(static_cast<frame_type>(200)), "unknown");
}

TEST(FormatFrame, ParseRoundTrip) {
  for (auto type : {frame_type::hello, frame_type::data,
                    frame_type::filter_update, frame_type::heartbeat,
                    frame_type::goodbye}) {
    for (uint32_t len : {0u, 1u, 255u, 65536u, max_frame_payload}) {
      bytes buf;
      write_frame_header(buf, type, len);
      frame_header hdr;
      ASSERT_EQ(parse_frame_header(buf.data(), buf.size(), hdr),
                header_status::ok);
      EXPECT_EQ(hdr.type, type);
      EXPECT_EQ(hdr.payload_size, len);
      EXPECT_EQ(hdr.version, wire_version);
    }
  }
}

TEST(FormatFrame, IncompleteUntilSixBytes) {
  bytes buf;
  write_frame_header(buf, frame_type::data, 10);
  frame_header hdr;
  for (size_t n = 0; n < frame_header_size; ++n)
    EXPECT_EQ(parse_frame_header(buf.data(), n, hdr), header_status::incomplete)
      << n;
  // Extra bytes (the payload, the next frame) are not the header's business.
  buf.resize(100, 0xee);
  EXPECT_EQ(parse_frame_header(buf.data(), buf.size(), hdr), header_status::ok);
  EXPECT_EQ(hdr.payload_size, 10u);
}

TEST(FormatFrame, RejectsOversizedPayload) {
  bytes buf{0x01, 0x00, 0x00, 0x01, wire_version, 0x02}; // 16 MiB + 1
  frame_header hdr;
  broker::error err;
  EXPECT_EQ(parse_frame_header(buf.data(), buf.size(), hdr, &err),
            header_status::invalid);
  EXPECT_EQ(err, ec::invalid_data);
  EXPECT_NE(err.message().find("16777217"), std::string::npos)
    << err.message();
  buf = {0xff, 0xff, 0xff, 0xff, wire_version, 0x02};
  EXPECT_EQ(parse_frame_header(buf.data(), buf.size(), hdr),
            header_status::invalid);
}

TEST(FormatFrame, RejectsBadTypes) {
  for (int t : {0, 6, 7, 100, 255}) {
    bytes buf{0, 0, 0, 0, wire_version, static_cast<uint8_t>(t)};
    frame_header hdr;
    broker::error err;
    EXPECT_EQ(parse_frame_header(buf.data(), buf.size(), hdr, &err),
              header_status::invalid)
      << t;
    EXPECT_EQ(err, ec::invalid_data);
    EXPECT_NE(err.message().find("frame type"), std::string::npos);
  }
}

TEST(FormatFrame, RejectsForeignVersions) {
  for (int v : {0, 2, 255}) {
    bytes buf{0, 0, 0, 0, static_cast<uint8_t>(v), 0x01};
    frame_header hdr;
    broker::error err;
    EXPECT_EQ(parse_frame_header(buf.data(), buf.size(), hdr, &err),
              header_status::invalid);
    EXPECT_EQ(err, ec::peer_incompatible);
    EXPECT_NE(err.message().find("version"), std::string::npos);
  }
}

TEST(FormatFrame, BeginAndFinishFrame) {
  bytes buf{0xaa};
  auto start = begin_frame(buf, frame_type::data);
  EXPECT_EQ(start, 1u);
  const data msg = vector{count{1}, "abc", true}; // 18 bytes
  ASSERT_TRUE(encode(msg, buf));
  ASSERT_TRUE(finish_frame(buf, start));
  frame_header hdr;
  ASSERT_EQ(parse_frame_header(buf.data() + 1, buf.size() - 1, hdr),
            header_status::ok);
  EXPECT_EQ(hdr.type, frame_type::data);
  ASSERT_EQ(hdr.payload_size, 18u);
  ASSERT_EQ(buf.size(), 1 + frame_header_size + 18);
  auto y = decode(buf.data() + 1 + frame_header_size, hdr.payload_size);
  ASSERT_TRUE(y);
  EXPECT_EQ(*y, msg);
  // A second frame right behind the first.
  auto second = begin_frame(buf, frame_type::heartbeat);
  ASSERT_TRUE(finish_frame(buf, second));
  ASSERT_EQ(parse_frame_header(buf.data() + second, buf.size() - second, hdr),
            header_status::ok);
  EXPECT_EQ(hdr.type, frame_type::heartbeat);
  EXPECT_EQ(hdr.payload_size, 0u);
}

TEST(FormatFrame, FinishRejectsOversizedPayload) {
  bytes buf{0xaa};
  auto start = begin_frame(buf, frame_type::data);
  buf.resize(buf.size() + max_frame_payload + 1);
  EXPECT_FALSE(finish_frame(buf, start));
  EXPECT_EQ(buf, bytes{0xaa});
  start = begin_frame(buf, frame_type::data);
  buf.resize(buf.size() + max_frame_payload);
  EXPECT_TRUE(finish_frame(buf, start));
}
