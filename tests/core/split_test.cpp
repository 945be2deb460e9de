#include "core/split.hpp"

#include <gtest/gtest.h>

#include <array>

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

// split_into cuts as split does, into the caller's room, and says so when the room is too small.
TEST(Split, IntoRoomCutsAsSplitDoes) {
  for (const std::string_view text : {"a.b.c", "a..b", ".a.", "abc", ""}) {
    std::array<std::string_view, 3> room;
    const auto count = split_into(text, '.', room);
    ASSERT_TRUE(count) << text;
    EXPECT_EQ(parts(room.begin(), room.begin() + static_cast<std::ptrdiff_t>(*count)), split(text, '.')) << text;
  }
  std::array<std::string_view, 2> small;
  EXPECT_EQ(split_into("a.b.c", '.', small), std::nullopt);
  EXPECT_EQ(split_into("a.b", '.', small), std::optional<std::size_t>(2));
  EXPECT_EQ(split_into("a", '.', std::span<std::string_view>()), std::nullopt);
}

}  // namespace
}  // namespace rekey
