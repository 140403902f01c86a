#include "codec/http/http.h"

#include <gtest/gtest.h>

#include <string>

namespace anshin::codec::http {
namespace {

TEST(HttpParse, SimpleContentLength) {
  std::string msg = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Length: 5\r\n\r\nhelloEXTRA";
  Parsed p = parse_response(msg);
  ASSERT_EQ(p.state, ParseState::kComplete);
  EXPECT_EQ(p.consumed, msg.size() - 5);
  EXPECT_EQ(p.response.status, 200);
  EXPECT_EQ(p.response.reason, "OK");
  EXPECT_EQ(p.response.protocol, "HTTP");
  EXPECT_EQ(p.response.version_minor, 1);
  EXPECT_EQ(p.response.header("server"), "App-webs/");
  EXPECT_EQ(p.response.body, "hello");
}

TEST(HttpParse, NeedMoreThenComplete) {
  std::string msg = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nabcd";
  for (size_t n = 0; n < msg.size(); ++n) {
    Parsed p = parse_response(std::string_view(msg).substr(0, n));
    EXPECT_EQ(p.state, ParseState::kNeedMore) << n;
  }
  EXPECT_EQ(parse_response(msg).state, ParseState::kComplete);
  // Truncated at EOF is invalid, not need-more.
  ParseOptions eof;
  eof.at_eof = true;
  EXPECT_EQ(parse_response(std::string_view(msg).substr(0, msg.size() - 1), {}, eof).state, ParseState::kInvalid);
}

TEST(HttpParse, NotHttpIsInvalidImmediately) {
  EXPECT_EQ(parse_response("SSH-2.0-dropbear\r\n").state, ParseState::kInvalid);
  EXPECT_EQ(parse_response("HT").state, ParseState::kNeedMore);
  EXPECT_EQ(parse_response("lollipop").state, ParseState::kInvalid);
}

TEST(HttpParse, MultipleWwwAuthenticateAndFolding) {
  std::string msg =
      "HTTP/1.1 401 Unauthorized\r\n"
      "WWW-Authenticate: Digest realm=\"Hikvision\",\r\n"
      "  nonce=\"abc\"\r\n"
      "www-authenticate: Basic realm=\"/\"\r\n"
      "Content-Length: 0\r\n\r\n";
  auto r = parse_complete_response(msg);
  ASSERT_TRUE(r);
  auto v = r->header_values("WWW-Authenticate");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "Digest realm=\"Hikvision\", nonce=\"abc\"");
  EXPECT_EQ(v[1], "Basic realm=\"/\"");
}

TEST(HttpParse, Chunked) {
  std::string msg =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";
  Parsed p = parse_response(msg);
  ASSERT_EQ(p.state, ParseState::kComplete);
  EXPECT_EQ(p.response.body, "hello world");
  EXPECT_TRUE(p.response.chunked);
  EXPECT_EQ(p.consumed, msg.size());
  EXPECT_EQ(parse_response(msg.substr(0, msg.size() - 2)).state, ParseState::kNeedMore);
  EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").state,
            ParseState::kInvalid);
  EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\n").state,
            ParseState::kInvalid);
}

TEST(HttpParse, BodyToEof) {
  std::string msg = "HTTP/1.0 503 Service Unavailable\r\nServer: GStreamer RTSP Server\r\nConnection: close\r\n\r\nbye";
  EXPECT_EQ(parse_response(msg).state, ParseState::kNeedMore);
  auto r = parse_complete_response(msg);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->version_minor, 0);
  EXPECT_EQ(r->body, "bye");
}

TEST(HttpParse, HostileInputs) {
  // 10,000 headers.
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 10000; ++i) many += "X-A: b\r\n";
  many += "\r\n";
  Parsed p = parse_response(many);
  EXPECT_EQ(p.state, ParseState::kInvalid);
  // A huge line without a newline must not be "need more" forever.
  std::string longline = "HTTP/1.1 200 OK\r\nX: " + std::string(100000, 'a');
  EXPECT_EQ(parse_response(longline).state, ParseState::kInvalid);
  // Lying / conflicting Content-Length.
  EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!").state,
            ParseState::kInvalid);
  EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").state, ParseState::kInvalid);
  EXPECT_EQ(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n").state, ParseState::kInvalid);
  // NUL bytes and invalid UTF-8 in headers are carried, not choked on.
  static const char kNul[] = "HTTP/1.1 200 OK\r\nServer: a\0b\xff\r\nContent-Length: 0\r\n\r\n";
  std::string nul(kNul, sizeof kNul - 1);
  auto r = parse_complete_response(nul);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Server").size(), 4u);
  EXPECT_FALSE(parse_complete_response("HTTP/1.1 2x0 OK\r\n\r\n"));
  EXPECT_FALSE(parse_complete_response(""));
}

TEST(HttpParse, BareLfAndNoBodyStatuses) {
  auto r = parse_complete_response("HTTP/1.1 204 No Content\nServer: x\n\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Server"), "x");
  Parsed p = parse_response("HTTP/1.1 304 Not Modified\r\n\r\n");
  EXPECT_EQ(p.state, ParseState::kComplete);
}

TEST(HttpBuild, GetAndPost) {
  EXPECT_EQ(build_get("127.0.0.1:8080", "/", "anshin/0.1"),
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: anshin/0.1\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n");
  std::string post = build_post("h", "/RPC2_Login", "application/json", "{}", "ua");
  EXPECT_NE(post.find("POST /RPC2_Login HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(post.find("Content-Length: 2\r\n\r\n{}"), std::string::npos);
  // Header injection is impossible.
  std::string inj = build_get("h\r\nX-Evil: 1", "/a\r\nb");
  EXPECT_EQ(inj.find("\r\nX-Evil"), std::string::npos);
}

}  // namespace
}  // namespace anshin::codec::http
