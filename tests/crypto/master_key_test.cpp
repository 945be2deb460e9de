#include "crypto/master_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/identifiers.hpp"
#include "support/counting_random.hpp"
#include "support/temp_dir.hpp"

namespace rekey {
namespace {

// With no key given, one is generated in the data directory with mode 0600, and read back the
// same on the next start.
TEST(MasterKey, GeneratesOnceWithMode0600) {
  testing::temp_dir dir;
  testing::counting_random random;
  std::string why;
  const master_key_source source{"", "", dir.file("master.key")};
  const auto first = load_master_key(source, random, why);
  ASSERT_TRUE(first) << why;
  EXPECT_TRUE(first->generated);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const auto second = load_master_key(source, random, why);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->generated);
  EXPECT_EQ(second->key, first->key);
}

// The environment wins over files; malformed keys are refused with a reason.
TEST(MasterKey, EnvironmentWinsAndBadKeysAreRefused) {
  testing::temp_dir dir;
  testing::counting_random random;
  std::string why;
  const std::string hex(64, 'a');
  const auto from_env = load_master_key({hex, "/nonexistent", dir.file("m")}, random, why);
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->origin, "environment");
  EXPECT_EQ(to_hex(from_env->key), hex);
  EXPECT_FALSE(load_master_key({"abc", "", dir.file("m")}, random, why));
  EXPECT_FALSE(why.empty());
  std::ofstream(dir.file("short")) << "abcd\n";
  EXPECT_FALSE(load_master_key({"", dir.file("short"), dir.file("m")}, random, why));
  EXPECT_FALSE(load_master_key({"", dir.file("missing"), dir.file("m")}, random, why));
}

}  // namespace
}  // namespace rekey
