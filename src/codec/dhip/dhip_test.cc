#include "codec/dhip/dhip.h"

#include <gtest/gtest.h>

namespace anshin::codec::dhip {
namespace {

// A VTO2000A door station's reply, hex-dumped in https://github.com/wue-iot-note/wue-iot-note.github.io
// (docs/device-broadcast-discovery/index.md; MAC and serial redacted there, placeholders here).
const std::string kBody =
    "{\"mac\":\"3c:ef:8c:01:02:03\",\"method\":\"client.notifyDevInfo\",\"params\":{\"deviceInfo\":{"
    "\"AlarmInputChannels\":8,\"AlarmOutputChannels\":0,\"DeviceClass\":\"VTO\",\"DeviceType\":\"VTO2000A-2\","
    "\"Find\":\"BC\",\"HttpPort\":80,\"IPv4Address\":{\"DefaultGateway\":\"192.168.1.1\",\"DhcpEnable\":false,"
    "\"IPAddress\":\"192.168.1.202\",\"SubnetMask\":\"255.255.255.0\"},\"IPv6Address\":{\"IPAddress\":\"::\"},"
    "\"Init\":3222,\"MachineName\":\"5F04690PAZF0934\",\"Manufacturer\":\"General\",\"Port\":37777,"
    "\"RemoteVideoInputChannels\":0,\"SerialNo\":\"5F04690PAZF0934\",\"Vendor\":\"General\","
    "\"Version\":\"4.300.0000000.1.R\",\"VideoInputChannels\":1,\"VideoOutputChannels\":16}}}\n" +
    std::string(1, '\0');

TEST(Dhip, SearchDatagramIsExact) {
  std::string d = build_search();
  ASSERT_EQ(d.size(), 106u);
  const unsigned char expected[32] = {0x20, 0, 0, 0, 0x44, 0x48, 0x49, 0x50, 0, 0, 0, 0, 0, 0, 0, 0,
                                      0x4a, 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(d.substr(0, 32), std::string(reinterpret_cast<const char*>(expected), 32));
  EXPECT_EQ(d.substr(32), "{ \"method\" : \"DHDiscover.search\", \"params\" : { \"mac\" : \"\", \"uni\" : 1 } }\r\n");
  auto h = parse_header(d);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->body_len, 74u);
}

TEST(Dhip, Vto2000aReply) {
  auto r = parse_reply(frame(kBody));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->method, "client.notifyDevInfo");
  EXPECT_EQ(r->mac, "3c:ef:8c:01:02:03");
  EXPECT_EQ(r->device_class, "VTO");
  EXPECT_EQ(r->device_type, "VTO2000A-2");
  EXPECT_EQ(r->serial_no, "5F04690PAZF0934");
  EXPECT_EQ(r->version, "4.300.0000000.1.R");
  EXPECT_EQ(r->vendor, "General");
  EXPECT_EQ(r->manufacturer, "General");
  EXPECT_EQ(r->machine_name, "5F04690PAZF0934");
  EXPECT_EQ(r->ipv4_address, "192.168.1.202");
  EXPECT_EQ(r->init.value_or(0), 3222);
  EXPECT_EQ(r->http_port.value_or(0), 80);
  EXPECT_EQ(r->port.value_or(0), 37777);
}

TEST(Dhip, LyingHeaders) {
  std::string good = frame(kBody);
  EXPECT_FALSE(parse_reply(good.substr(0, good.size() - 1)));  // truncated
  EXPECT_FALSE(parse_reply(good + "x"));                        // trailing junk
  std::string bad_len = good;
  bad_len[16] = static_cast<char>(bad_len[16] + 1);  // first length lies
  EXPECT_FALSE(parse_reply(bad_len));
  std::string both = good;
  both[16] = both[24] = static_cast<char>(0xff);
  both[17] = both[25] = static_cast<char>(0xff);
  EXPECT_FALSE(parse_reply(both));  // both lengths equal but huge
  std::string magic = good;
  magic[4] = 'X';
  EXPECT_FALSE(parse_reply(magic));
  std::string hlen = good;
  hlen[0] = 0x21;
  EXPECT_FALSE(parse_reply(hlen));
  EXPECT_FALSE(parse_reply(std::string(1, '\xff')));  // a single 0xff
  EXPECT_FALSE(parse_reply(""));
}

TEST(Dhip, HostileJson) {
  EXPECT_FALSE(parse_reply(frame("{\"params\":")));
  EXPECT_FALSE(parse_reply(frame("{\"params\":{\"deviceInfo\":[]}}")));
  EXPECT_FALSE(parse_reply(frame(std::string(10000, '[') + std::string(10000, ']'))));
  EXPECT_FALSE(parse_reply(frame(std::string(70000, ' '))));
  EXPECT_FALSE(parse_reply(frame("{\"params\":{\"deviceInfo\":{\"DeviceType\":\"\xff\xfe\"}}}")));  // invalid UTF-8
  auto weird = parse_reply(frame("{\"params\":{\"deviceInfo\":{\"HttpPort\":\"99999\",\"Port\":-1,\"Init\":\"x\","
                                 "\"DeviceType\":{\"nested\":1},\"SerialNo\":12345}}}"));
  ASSERT_TRUE(weird);
  EXPECT_FALSE(weird->http_port);
  EXPECT_FALSE(weird->port);
  EXPECT_FALSE(weird->init);
  EXPECT_EQ(weird->device_type, "");
  EXPECT_EQ(weird->serial_no, "12345");
}

}  // namespace
}  // namespace anshin::codec::dhip
