// SPDX-License-Identifier: GPL-2.0-or-later
// The progress meter (harness/progress.h): the estimate of the time left, the clock text, and
// when the line is drawn and erased.
#include "harness/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace hmmspec {
namespace {

using namespace std::chrono_literals;

TEST(Progress, TimeLeftIsTheElapsedTimeScaledByWhatIsLeft) {
  EXPECT_DOUBLE_EQ(*seconds_left(10, 0.25), 30);
  EXPECT_DOUBLE_EQ(*seconds_left(10, 0.5), 10);
  EXPECT_DOUBLE_EQ(*seconds_left(90, 0.9), 10);
  EXPECT_DOUBLE_EQ(*seconds_left(3, 1), 0) << "all done";
  EXPECT_DOUBLE_EQ(*seconds_left(3, 1.5), 0) << "past the end";
  EXPECT_FALSE(seconds_left(10, 0)) << "nothing done: no estimate";
  EXPECT_FALSE(seconds_left(10, -1));
}

TEST(Progress, ClockText) {
  EXPECT_EQ(clock_text(0.0), "0:00:00");
  EXPECT_EQ(clock_text(65.9), "0:01:05");
  EXPECT_EQ(clock_text(3723.0), "1:02:03");
  EXPECT_EQ(clock_text(100 * 3600.0), "100:00:00");
  EXPECT_EQ(clock_text(std::nullopt), "-:--:--");
  EXPECT_EQ(clock_text(-1.0), "-:--:--");
}

TEST(Progress, TheLineSaysWhatIsDoneAndTheTimeLeft) {
  EXPECT_EQ(Progress::line("exhaustive", 0.25, "250/1000 cases", 10),
            "exhaustive: 250/1000 cases, 25.0%, elapsed 0:00:10, left 0:00:30");
  EXPECT_EQ(Progress::line("fuzz", 0, "0 executions", 0),
            "fuzz: 0 executions, 0.0%, elapsed 0:00:00, left -:--:--");
}

TEST(Progress, DrawsAtMostOncePerSecondAfterTheFirst) {
  std::ostringstream out;
  const auto t0 = Progress::Clock::time_point{} + 1000s;
  {
    Progress p(out, true, "run", t0);
    p.update(0.1, "a", t0 + 500ms);
    EXPECT_EQ(out.str(), "") << "nothing in the first second";
    p.update(0.5, "b", t0 + 1s);
    EXPECT_EQ(out.str(), "\rrun: b, 50.0%, elapsed 0:00:01, left 0:00:01\x1b[K");
    out.str("");
    p.update(0.6, "c", t0 + 1500ms);
    EXPECT_EQ(out.str(), "") << "at most once a second";
    p.clear();
    EXPECT_EQ(out.str(), "\r\x1b[K") << "clear erases the line";
    out.str("");
    p.update(0.7, "d", t0 + 1600ms);
    EXPECT_NE(out.str().find("run: d"), std::string::npos) << "drawn again at once after a clear";
    out.str("");
    p.update(0.8, "e", t0 + 1700ms);
    EXPECT_EQ(out.str(), "");
  }
  EXPECT_EQ(out.str(), "\r\x1b[K") << "the line is erased at the end";
}

TEST(Progress, DisabledDrawsNothing) {
  std::ostringstream out;
  const auto t0 = Progress::Clock::time_point{} + 1000s;
  {
    Progress p(out, false, "run", t0);
    for (int i = 0; i < 5; ++i) p.update(0.2 * i, "x", t0 + std::chrono::seconds(i + 1));
    p.clear();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(Progress, ClearWithoutALineWritesNothing) {
  std::ostringstream out;
  Progress p(out, true, "run");
  p.clear();
  EXPECT_EQ(out.str(), "");
}

} // namespace
} // namespace hmmspec
