// SPDX-License-Identifier: GPL-2.0-or-later
// Every file in tests/malformed/ must fail to parse at exactly the position its first line
// names: `# error: LINE:COL: SUBSTRING-OF-MESSAGE`.
#include "model/scenario_format.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace hmmspec {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> malformed_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(HMMSPEC_SOURCE_DIR) / "tests" / "malformed"))
    if (e.path().extension() == ".hmm") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

struct Expected {
  unsigned line = 0, col = 0;
  std::string substring;
};

// Reads `# error: LINE:COL: SUBSTRING` from the first line of a file.
bool read_expected(const fs::path& p, Expected& out) {
  std::ifstream in(p, std::ios::binary);
  std::string first;
  if (!std::getline(in, first)) return false;
  const std::string prefix = "# error: ";
  if (first.rfind(prefix, 0) != 0) return false;
  std::string rest = first.substr(prefix.size());
  size_t c1 = rest.find(':'), c2 = rest.find(':', c1 + 1);
  if (c1 == std::string::npos || c2 == std::string::npos || c2 + 2 > rest.size()) return false;
  out.line = unsigned(std::stoul(rest.substr(0, c1)));
  out.col = unsigned(std::stoul(rest.substr(c1 + 1, c2 - c1 - 1)));
  out.substring = rest.substr(c2 + 2);
  return !out.substring.empty();
}

TEST(Malformed, CorpusIsLarge) {
  EXPECT_GE(malformed_files().size(), 30u);
}

TEST(Malformed, EachFileFailsWhereItSays) {
  for (const fs::path& p : malformed_files()) {
    SCOPED_TRACE(p.string());
    Expected want;
    ASSERT_TRUE(read_expected(p, want)) << "first line is not '# error: LINE:COL: MESSAGE'";
    ParseResult r = load_scenario(p.string());
    ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << "parsed without an error";
    const ParseError& e = std::get<ParseError>(r);
    EXPECT_EQ(e.loc.file, p.string());
    EXPECT_EQ(e.loc.line, want.line) << e.str();
    EXPECT_EQ(e.loc.col, want.col) << e.str();
    EXPECT_NE(e.message.find(want.substring), std::string::npos)
        << "message: " << e.message << "\nwanted: " << want.substring;
    std::string prefix =
        p.string() + ":" + std::to_string(want.line) + ":" + std::to_string(want.col) + ": ";
    EXPECT_EQ(e.str().rfind(prefix, 0), 0u) << e.str();
  }
}

// The corpus files without their first two lines (so without the error comment) fail the same
// way, one line higher: the position comes from the text, not from the comment.
TEST(Malformed, PositionsFollowTheText) {
  for (const fs::path& p : malformed_files()) {
    SCOPED_TRACE(p.string());
    Expected want;
    ASSERT_TRUE(read_expected(p, want));
    if (want.line < 3) continue; // an error about the whole file
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = text.substr(text.find('\n', text.find('\n') + 1) + 1);
    ParseResult r = parse_scenario("# moved\n" + text, "moved.hmm");
    ASSERT_TRUE(std::holds_alternative<ParseError>(r));
    EXPECT_EQ(std::get<ParseError>(r).loc.line, want.line - 1);
    EXPECT_EQ(std::get<ParseError>(r).loc.col, want.col);
  }
}

} // namespace
} // namespace hmmspec
