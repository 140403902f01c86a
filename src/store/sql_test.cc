#include "store/sql.h"

#include <gtest/gtest.h>

namespace anshin::store::sql {
namespace {

using namespace std::string_literals;

TEST(SqlPlaceholders, NumberedBareAndQuotedAreTranslatedLikeSqlite) {
  int params = 0;
  EXPECT_EQ(to_postgres_placeholders("SELECT a FROM t WHERE b = ? AND c = ?", &params),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(params, 2);
  // ?N keeps its number; a bare ? after it is one more than the highest so far (SQLite's rule).
  EXPECT_EQ(to_postgres_placeholders("VALUES (?1, ?3, ?3, ?)", &params), "VALUES ($1, $3, $3, $4)");
  EXPECT_EQ(params, 4);
  // Literals, quoted identifiers and comments are left alone.
  EXPECT_EQ(to_postgres_placeholders("SELECT '?', 'it''s ?', \"a?\" -- ?\n, ?", &params),
            "SELECT '?', 'it''s ?', \"a?\" -- ?\n, $1");
  EXPECT_EQ(params, 1);
  EXPECT_EQ(to_postgres_placeholders("SELECT json_extract(x, '$.severity')", &params),
            "SELECT json_extract(x, '$.severity')");
  EXPECT_EQ(params, 0);
}

TEST(SqlUri, PostgresUrisAreRecognisedAndTheirPasswordsRedacted) {
  EXPECT_TRUE(is_postgres_uri("postgresql://h/db"));
  EXPECT_TRUE(is_postgres_uri("postgres://h/db"));
  EXPECT_FALSE(is_postgres_uri("anshin.db"));
  EXPECT_FALSE(is_postgres_uri("./postgresql://x"));
  EXPECT_EQ(redact("postgresql://anshin:pw@127.0.0.1:5432/inv"), "postgresql://anshin:***@127.0.0.1:5432/inv");
  EXPECT_EQ(redact("postgresql://anshin@127.0.0.1/inv"), "postgresql://anshin@127.0.0.1/inv");
  EXPECT_EQ(redact("postgresql://u:p%40ss:w@h/inv?sslmode=require&password=x&y=1"),
            "postgresql://u:***@h/inv?sslmode=require&password=***&y=1");
  EXPECT_EQ(redact("postgresql:///inv?host=/tmp/x&password=secret"), "postgresql:///inv?host=/tmp/x&password=***");
  EXPECT_EQ(redact("anshin.db"), "anshin.db");
}

TEST(SqlText, AnyBytesRoundTripAndCleanTextIsKeptAsIs) {
  const std::vector<std::string> values = {"",
                                           "plain",
                                           "日本語のカメラ",
                                           "bad utf8 \xff\xfe\xc0\x80 \xed\xa0\x80 end",
                                           "nul\0inside"s,
                                           "\0"s,
                                           "\x01" "starts with the marker",
                                           "\x01",
                                           "\x1b]0;owned\x07"};
  for (const auto& v : values) {
    const std::string stored = encode_text(v);
    EXPECT_TRUE(is_clean_text(stored)) << v;
    EXPECT_EQ(decode_text(stored), v);
    if (is_clean_text(v) && (v.empty() || v[0] != '\x01')) {
      EXPECT_EQ(stored, v);
    }
  }
  EXPECT_NE(encode_text("\xff"), encode_text("\xfe"));
  EXPECT_EQ(decode_text("\x01" "zz"), "\x01" "zz");  // not an encoding of ours: as stored
}

}  // namespace
}  // namespace anshin::store::sql
