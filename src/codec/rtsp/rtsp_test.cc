#include "codec/rtsp/rtsp.h"

#include <gtest/gtest.h>

#include "codec/auth/auth.h"
#include "codec/sdp/sdp.h"

namespace anshin::codec::rtsp {
namespace {

// gst-rtsp-server 1.22 (GStreamer's RTSP server, https://gitlab.freedesktop.org/gstreamer/gstreamer, as Debian 12 ships it).
constexpr const char* kGstOptions =
    "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
    "Public: OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, PLAY, RECORD, SETUP, SET_PARAMETER, TEARDOWN\r\n"
    "Server: GStreamer RTSP server\r\nDate: Fri, 27 Nov 2026 16:24:45 GMT\r\n\r\n";

constexpr const char* kGstSdp =
    "v=0\r\no=- 1188340656180883 1 IN IP4 127.0.0.1\r\ns=Session streamed with GStreamer\r\ni=rtsp-server\r\n"
    "t=0 0\r\na=tool:GStreamer\r\na=type:broadcast\r\na=control:*\r\na=range:npt=now-\r\n"
    "m=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:2000\r\na=rtpmap:96 H264/90000\r\n"
    "a=fmtp:96 packetization-mode=1;profile-level-id=42c015\r\na=control:stream=0\r\n";

TEST(Rtsp, GstreamerOptions) {
  auto r = parse_reply(kGstOptions);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->response.status, 200);
  EXPECT_EQ(r->cseq.value_or(-99), 1);
  EXPECT_EQ(r->server, "GStreamer RTSP server");
  ASSERT_EQ(r->public_methods.size(), 10u);
  EXPECT_EQ(r->public_methods[1], "DESCRIBE");
  EXPECT_TRUE(r->response.body.empty());
}

TEST(Rtsp, GstreamerDescribeWithSdp) {
  std::string sdp = kGstSdp;
  std::string msg = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
                    "Content-Base: rtsp://127.0.0.1:8554/Streaming/Channels/101/\r\nServer: GStreamer RTSP server\r\n"
                    "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
  auto r = parse_reply(msg);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->content_base, "rtsp://127.0.0.1:8554/Streaming/Channels/101/");
  EXPECT_EQ(r->content_type, "application/sdp");
  auto s = sdp::parse(r->response.body);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->session_name, "Session streamed with GStreamer");
  EXPECT_EQ(s->session_info, "rtsp-server");
  EXPECT_EQ(s->tool, "GStreamer");
  EXPECT_EQ(s->media_count(), 1u);
  EXPECT_EQ(s->media[0].type, "video");
  // Incremental: each prefix is need-more.
  for (size_t n = 1; n < msg.size(); n += 37)
    EXPECT_EQ(parse_reply_incremental(std::string_view(msg).substr(0, n)).state, http::ParseState::kNeedMore);
}

TEST(Rtsp, VlcCseqSpellingAnd404WithoutCseq) {
  auto r = parse_reply("RTSP/1.0 200 OK\r\nServer: VLC/3.0.24\r\nContent-Length: 0\r\nCseq: 1\r\n"
                       "Public: DESCRIBE,SETUP,TEARDOWN,PLAY,PAUSE,GET_PARAMETER\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cseq.value_or(-1), 1);
  EXPECT_EQ(r->server, "VLC/3.0.24");
  EXPECT_EQ(r->public_methods.size(), 6u);
  std::string body = "<?xml version=\"1.0\"?><html><body>404 Not found (/nope)</body></html>";
  auto nf = parse_reply("RTSP/1.0 404 Not found\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nContent-Type: text/html\r\n\r\n" + body);
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->response.status, 404);
  EXPECT_FALSE(nf->cseq.has_value());
  EXPECT_EQ(nf->response.body, body);
}

TEST(Rtsp, PerlSessionAndVivotekNegativeCseq) {
  auto r = parse_reply("RTSP/1.0 200 OK\r\nPublic: OPTIONS, DESCRIBE, TEARDOWN, SETUP, PLAY, STOP\r\nCSeq: 1\r\n"
                       "Session: 2;timeout=60\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->session_id, "2");
  EXPECT_TRUE(r->server.empty());
  auto v = parse_reply("RTSP/1.0 200 OK\r\nCSeq: -1\r\n\r\n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->cseq.value_or(0), -1);
  auto h = parse_reply("RTSP/1.0 200 OK\r\nCSeq: 42 OPTIONS\r\n\r\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->cseq.value_or(0), 42);
}

TEST(Rtsp, Digest401) {
  auto r = parse_reply("RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\n"
                       "WWW-Authenticate: Digest realm=\"IP Camera(TEST)\", nonce=\"e5ed42629cc7dfd5\"\r\n\r\n");
  ASSERT_TRUE(r);
  auto ch = auth::parse_challenges(r->www_authenticate());
  ASSERT_EQ(ch.size(), 1u);
  EXPECT_EQ(ch[0].realm(), "IP Camera(TEST)");
  EXPECT_EQ(ch[0].param("nonce").value_or(""), "e5ed42629cc7dfd5");
}

TEST(Rtsp, HttpReplyOnRtspPortIsNotRtsp) {
  EXPECT_FALSE(parse_reply("HTTP/1.0 503 Service Unavailable\r\nServer: GStreamer RTSP Server\r\n\r\n"));
  EXPECT_FALSE(parse_reply("RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc"));  // truncated
}

TEST(Rtsp, Builders) {
  EXPECT_EQ(build_options("rtsp://127.0.0.1:554/Streaming/Channels/101", 1, "anshin/0.1"),
            "OPTIONS rtsp://127.0.0.1:554/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: anshin/0.1\r\n\r\n");
  EXPECT_EQ(build_describe("rtsp://h/x", 2, "ua"),
            "DESCRIBE rtsp://h/x RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\nUser-Agent: ua\r\n\r\n");
  std::string d = build_describe("rtsp://h/x\r\nEvil: 1", 3, "ua", "Digest x");
  EXPECT_NE(d.find("Authorization: Digest x\r\n"), std::string::npos);
  EXPECT_EQ(d.find("\r\nEvil"), std::string::npos);
}

}  // namespace
}  // namespace anshin::codec::rtsp
