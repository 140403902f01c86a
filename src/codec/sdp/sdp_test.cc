#include "codec/sdp/sdp.h"

#include <gtest/gtest.h>

namespace anshin::codec::sdp {
namespace {

TEST(Sdp, HikvisionAndVlc) {
  auto h = parse("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=HIK Media Server V3.1.3\n"
                 "i=HIK Media Server Session Description : standard\ne=NONE\nt=0 0\n"
                 "m=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\nm=audio 0 RTP/AVP 8\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->session_name, "HIK Media Server V3.1.3");
  EXPECT_EQ(h->session_info, "HIK Media Server Session Description : standard");
  EXPECT_EQ(h->media_count(), 2u);
  EXPECT_EQ(h->media[0].attributes.size(), 1u);
  auto v = parse("v=0\r\no=- 1 1 IN IP4 host\r\ns=Unnamed\r\na=tool:vlc 3.0.24\r\nm=video 0 RTP/AVP 96\r\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->tool, "vlc 3.0.24");
}

TEST(Sdp, Hostile) {
  EXPECT_FALSE(parse(""));
  EXPECT_FALSE(parse("<html>nope</html>"));
  EXPECT_FALSE(parse(std::string(100000, 'x')));
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "a=x\n";
  EXPECT_FALSE(parse(many));
  static const char kNul[] = "v=0\0\ns=a\0b\xff\nm=video\n";
  auto nul = parse(std::string(kNul, sizeof kNul - 1));
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->media_count(), 1u);
}

}  // namespace
}  // namespace anshin::codec::sdp
