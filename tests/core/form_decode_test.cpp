#include "core/form_decode.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

TEST(FormDecode, DecodesPlusAndPercentEscapesAndKeepsTheRest) {
  EXPECT_EQ(form_decode(""), "");
  EXPECT_EQ(form_decode("plain"), "plain");
  EXPECT_EQ(form_decode("a+b%20c%7Cd"), "a b c|d");
  EXPECT_EQ(form_decode("Atc%7Ck1.x-y_z"), "Atc|k1.x-y_z");
  EXPECT_EQ(form_decode("%41"), "A");
  EXPECT_EQ(form_decode("%4"), "%4");      // cut short: kept
  EXPECT_EQ(form_decode("%zz%"), "%zz%");  // not hex: kept
  EXPECT_EQ(form_decode("raw:|chars"), "raw:|chars");
  EXPECT_EQ(form_decode("%2B+%25"), "+ %");
}

}  // namespace
}  // namespace rekey
