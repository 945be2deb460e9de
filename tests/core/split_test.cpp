#include "core/split.hpp"

#include <gtest/gtest.h>

namespace rekey {
namespace {

using parts = std::vector<std::string_view>;

// Every separator cuts, empty pieces included; no separator gives the whole text.
TEST(Split, KeepsEmptyPieces) {
  EXPECT_EQ(split("a.b.c", '.'), (parts{"a", "b", "c"}));
  EXPECT_EQ(split("a..b", '.'), (parts{"a", "", "b"}));
  EXPECT_EQ(split(".a.", '.'), (parts{"", "a", ""}));
  EXPECT_EQ(split("abc", '.'), (parts{"abc"}));
  EXPECT_EQ(split("", '.'), (parts{""}));
}

}  // namespace
}  // namespace rekey
