// SPDX-License-Identifier: GPL-2.0-or-later
// The progress meter of the long runs (`hmmspec fuzz`, `exhaustive`, `run` over many files):
// one line on a terminal, redrawn at most once a second, with the time left estimated from the
// rate so far. On anything but a terminal (a pipe, a file, a CI log) it draws nothing; the
// command's summary at the end is its own, printed either way.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace hmmspec {

// The seconds left when a `fraction` (0..1) of the work took `elapsed` seconds, at the rate so
// far: elapsed * (1 - fraction) / fraction. Nothing before any work is done; 0 once it is all.
std::optional<double> seconds_left(double elapsed, double fraction);

// h:mm:ss ("0:01:05"); "-:--:--" for nothing.
std::string clock_text(std::optional<double> seconds);

// Whether the meter should draw on standard error: it is a terminal.
bool stderr_is_terminal();

class Progress {
public:
  using Clock = std::chrono::steady_clock;

  // Draws on `out` (standard error) only when `enabled`; `label` starts the line.
  Progress(std::ostream& out, bool enabled, std::string label,
           Clock::time_point start = Clock::now());
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress(); // erases the line

  // Redraws the line, at most once per second after the first second, and at once after a
  // clear (a status line under the command's output): `what` has been done so far ("1200/5000
  // cases, 0 divergences"), a `fraction` (0..1) of the whole.
  void update(double fraction, std::string_view what, Clock::time_point now = Clock::now());
  // Erases the line before other output to the same terminal; the next update draws it again.
  void clear();

  // The line drawn: "LABEL: WHAT, P%, elapsed h:mm:ss, left h:mm:ss".
  static std::string line(std::string_view label, double fraction, std::string_view what,
                          double elapsed);

private:
  std::ostream& out_;
  bool enabled_;
  std::string label_;
  Clock::time_point start_, next_;
  bool drawn_ = false;   // the line is on the terminal
  bool cleared_ = false; // it was, and clear erased it
};

} // namespace hmmspec
