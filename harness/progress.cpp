// SPDX-License-Identifier: GPL-2.0-or-later
#include "harness/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace hmmspec {

std::optional<double> seconds_left(double elapsed, double fraction) {
  if (!(fraction > 0) || !std::isfinite(elapsed)) return std::nullopt;
  if (fraction >= 1) return 0.0;
  return std::max(0.0, elapsed * (1 - fraction) / fraction);
}

std::string clock_text(std::optional<double> seconds) {
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0 || *seconds >= 1e9) return "-:--:--";
  auto s = static_cast<unsigned long>(*seconds);
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::ostream& out, bool enabled, std::string label, Clock::time_point start)
    : out_(out), enabled_(enabled), label_(std::move(label)), start_(start),
      next_(start + std::chrono::seconds(1)) {}

Progress::~Progress() {
  clear();
}

std::string Progress::line(std::string_view label, double fraction, std::string_view what,
                           double elapsed) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  return fmt::format("{}: {}, {:.1f}%, elapsed {}, left {}", label, what, 100 * fraction,
                     clock_text(elapsed), clock_text(seconds_left(elapsed, fraction)));
}

void Progress::update(double fraction, std::string_view what, Clock::time_point now) {
  if (!enabled_ || (now < next_ && !cleared_)) return;
  next_ = now + std::chrono::seconds(1);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  // \r and erase-to-end-of-line: the line is redrawn in place
  out_ << "\r" << line(label_, fraction, what, elapsed) << "\x1b[K" << std::flush;
  drawn_ = true;
  cleared_ = false;
}

void Progress::clear() {
  if (!drawn_) return;
  out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
  cleared_ = true;
}

} // namespace hmmspec
