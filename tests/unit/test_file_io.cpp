// SPDX-License-Identifier: GPL-2.0-or-later
// model/file_io.h: every input is read with one size limit and fails with the OS's reason.
#include "model/file_io.h"
#include "model/scenario_format.h"

#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace hmmspec {
namespace {

namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("hmmspec-file-io-" + std::to_string(::getpid()) + name);
}

TEST(FileIo, ReadsAWholeFile) {
  fs::path p = temp_path("-a");
  std::string reason;
  ASSERT_TRUE(write_file(p.string(), std::string("ab\0c", 4), reason)) << reason;
  auto got = read_file(p.string(), reason);
  ASSERT_TRUE(got) << reason;
  EXPECT_EQ(*got, std::string("ab\0c", 4));
  fs::remove(p);
}

TEST(FileIo, MissingFileAndDirectoryGiveTheOsReason) {
  std::string reason;
  EXPECT_FALSE(read_file("/nonexistent/x", reason));
  EXPECT_EQ(reason, "No such file or directory");
  EXPECT_FALSE(read_file(fs::temp_directory_path().string(), reason));
  EXPECT_EQ(reason, "Is a directory");
}

TEST(FileIo, TheSizeLimitHoldsForFilesAndDevices) {
  fs::path p = temp_path("-b");
  std::string reason;
  ASSERT_TRUE(write_file(p.string(), std::string(100, 'x'), reason)) << reason;
  EXPECT_TRUE(read_file(p.string(), reason, 100));
  EXPECT_FALSE(read_file(p.string(), reason, 99));
  EXPECT_EQ(reason, "larger than 99 bytes (the limit of an input file)");
  fs::remove(p);
  // a device that never ends is cut at the limit, not read until memory runs out
  EXPECT_FALSE(read_file("/dev/zero", reason, 1 << 20));
  EXPECT_EQ(reason, "larger than 1 MiB (the limit of an input file)");
  // a /proc file has size 0 and is read all the same
  auto status = read_file("/proc/self/status", reason);
  ASSERT_TRUE(status) << reason;
  EXPECT_NE(status->find("Pid:"), std::string::npos);
}

TEST(FileIo, WriteFailuresAreSeen) {
  std::string reason;
  EXPECT_FALSE(write_file("/nonexistent/dir/x", "x", reason));
  EXPECT_EQ(reason, "No such file or directory");
  EXPECT_FALSE(write_file("/dev/full", "x", reason)); // seen at write or at close
  EXPECT_EQ(reason, "No space left on device");
}

TEST(FileIo, LoadScenarioSaysWhyAFileIsUnreadable) {
  ParseResult dir = load_scenario(fs::temp_directory_path().string());
  ASSERT_TRUE(std::holds_alternative<ParseError>(dir));
  EXPECT_EQ(std::get<ParseError>(dir).str(),
            fs::temp_directory_path().string() + ": Is a directory");
  ParseResult zero = load_scenario("/dev/zero");
  ASSERT_TRUE(std::holds_alternative<ParseError>(zero));
  EXPECT_EQ(std::get<ParseError>(zero).str(),
            "/dev/zero: larger than 64 MiB (the limit of an input file)");
}

} // namespace
} // namespace hmmspec
