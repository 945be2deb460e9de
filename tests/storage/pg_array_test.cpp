// pg_array: arrays in PostgreSQL's binary format, read back by a real server as the values they
// were built from (NULLs, the integer types' extremes, bytes that are not text, text that needs
// quoting in a literal); an array of another element type than the SQL's cast is refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/postgres/pg_array.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/store_backends.hpp"

namespace rekey {
namespace {

using type = pg_array::element;

// The server's text for `sql` with one array parameter.
std::string server_text(pg_connection& db, const char* sql, const pg_array& array) {
  auto rows = db.run(sql, pg_params().array(array));
  if (!rows) return "error: " + rows.error().message();
  return rows->text(0, 0);
}

class PgArray : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::postgres_backend::server() == nullptr) GTEST_SKIP() << "REKEY_TEST_POSTGRES is not set";
    backend_ = std::make_unique<testing::postgres_backend>();
    db_ = std::make_unique<pg_connection>(backend_->url());
  }
  std::unique_ptr<testing::postgres_backend> backend_;
  std::unique_ptr<pg_connection> db_;
};

TEST_F(PgArray, BigintsWithTheirExtremesAndNulls) {
  pg_array a(type::int8);
  a.add(std::int64_t{1})
      .add_null()
      .add(std::numeric_limits<std::int64_t>::min())
      .add(std::numeric_limits<std::int64_t>::max())
      .add(std::optional<std::int64_t>{-42})
      .add(std::optional<std::int64_t>{});
  EXPECT_EQ(server_text(*db_, "SELECT $1::bigint[]::text", a),
            "{1,NULL,-9223372036854775808,9223372036854775807,-42,NULL}");
}

TEST_F(PgArray, IntegersInRangeAndOutOfRangeRefusedBeforeSending) {
  pg_array a(type::int4);
  a.add(std::int64_t{std::numeric_limits<std::int32_t>::min()})
      .add(std::int64_t{std::numeric_limits<std::int32_t>::max()});
  EXPECT_EQ(server_text(*db_, "SELECT $1::integer[]::text", a), "{-2147483648,2147483647}");
  EXPECT_THROW(a.add(std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1), std::logic_error);
}

TEST_F(PgArray, DoublesAsTheSameValues) {
  pg_array a(type::float8);
  a.add(0.1).add(-2.5).add(1e308).add(0.0);
  EXPECT_EQ(server_text(*db_, "SELECT $1::double precision[]::text", a), "{0.1,-2.5,1e+308,0}");
}

TEST_F(PgArray, BytesThatAreNotText) {
  pg_array a(type::bytea);
  const std::vector<std::uint8_t> zero_and_high{0x00, 0xff, 0x22, 0x5c};
  a.add(std::span<const std::uint8_t>(zero_and_high)).add(std::span<const std::uint8_t>()).add_null();
  EXPECT_EQ(server_text(*db_,
                        "SELECT array_to_string(ARRAY(SELECT coalesce(encode(b, 'hex'), 'null')"
                        " FROM unnest($1::bytea[]) AS b), ',')",
                        a),
            "00ff225c,,null");
}

TEST_F(PgArray, TextAsWrittenWithoutQuoting) {
  pg_array a(type::text);
  a.add("plain").add("with \"quotes\", a \\ and {braces}").add("").add("naïve ✓").add_null();
  EXPECT_EQ(server_text(*db_,
                        "SELECT array_to_string(ARRAY(SELECT coalesce(t, '<null>') FROM unnest($1::text[]) AS t),"
                        " '|')",
                        a),
            "plain|with \"quotes\", a \\ and {braces}||naïve ✓|<null>");
}

TEST_F(PgArray, TextArrayParametersAreTextArrays) {
  auto rows = db_->run("SELECT array_to_string($1::text[], '|')", pg_params().text_array({"a\"b", "", "{c}"}));
  ASSERT_TRUE(rows) << rows.error().message();
  EXPECT_EQ(rows->text(0, 0), "a\"b||{c}");
}

TEST_F(PgArray, AnEmptyArray) {
  EXPECT_EQ(server_text(*db_, "SELECT cardinality($1::text[])::text", pg_array(type::text)), "0");
  EXPECT_EQ(pg_array(type::int8).bytes(), std::string("\0\0\0\0\0\0\0\0\0\0\0\x14", 12));
}

TEST_F(PgArray, AnArrayOfAnotherElementTypeIsRefusedByTheServer) {
  pg_array a(type::int8);
  a.add(std::int64_t{7});
  EXPECT_EQ(server_text(*db_, "SELECT $1::integer[]::text", a).rfind("error: ", 0), 0u);
}

TEST(PgArrayBuild, AValueOfAnotherTypeThanTheArraysIsALogicError) {
  pg_array texts(type::text);
  EXPECT_THROW(texts.add(std::int64_t{1}), std::logic_error);
  pg_array numbers(type::int8);
  EXPECT_THROW(numbers.add("1"), std::logic_error);
  EXPECT_THROW(numbers.add(1.5), std::logic_error);
  EXPECT_EQ(numbers.size(), 0u);
}

TEST(PgArrayBuild, TheHeaderSaysOneDimensionItsLengthAndWhetherNullsAreIn) {
  pg_array a(type::int4);
  a.add(std::int64_t{5}).add_null();
  const auto bytes = a.bytes();
  // dimensions 1, has NULLs 1, element OID 23, length 2, lower bound 1; then 4+4 and 4 bytes.
  const std::string header("\0\0\0\1\0\0\0\1\0\0\0\x17\0\0\0\2\0\0\0\1", 20);
  EXPECT_EQ(bytes.substr(0, 20), header);
  EXPECT_EQ(bytes.size(), 20u + 8u + 4u);
  EXPECT_EQ(bytes.substr(20), std::string("\0\0\0\4\0\0\0\5\xff\xff\xff\xff", 12));
}

}  // namespace
}  // namespace rekey
