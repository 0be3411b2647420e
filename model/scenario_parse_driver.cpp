// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's driver-loop lines (docs/scenario-format.md, "The driver loop"): the
// `driver-loop chunk N tries T` line and the `expect tries` / `expect chunk` lines that state
// what the loop did (model/driver.h).
#include "model/scenario_parser.h"

#include <fmt/format.h>

#include "model/mm_ops.h"

namespace hmmspec::scenario_text {

namespace {
constexpr u64 kMaxTries = 1000; // tries per chunk (each may walk up to the budget)
} // namespace

// driver-loop chunk N tries T
void Parser::driver_loop(std::span<const Token> t) {
  once(t[0], "driver-loop");
  const Token& ck = need(t, 1, "chunk");
  if (ck.text != "chunk")
    fail(ck, "expected 'chunk N tries T' after driver-loop, got " + quote(ck.text));
  const Token& cn = need(t, 2, "N (pages per chunk)");
  const Token& tk = need(t, 3, "tries");
  if (tk.text != "tries")
    fail(tk, "expected 'tries T' after the chunk size, got " + quote(tk.text));
  const Token& tn = need(t, 4, "T (tries per chunk)");
  no_more(t, 5);
  DriverLoop d;
  d.chunk_pages = number(cn);
  if (d.chunk_pages == 0 || d.chunk_pages > kMaxRangePages)
    fail(cn, fmt::format("the chunk must be between 1 and {} pages, got {}", kMaxRangePages,
                         d.chunk_pages));
  const u64 tries = number(tn);
  if (tries == 0 || tries > kMaxTries)
    fail(tn, fmt::format("tries must be between 1 and {}, got {}", kMaxTries, tries));
  d.tries = unsigned(tries);
  s_.driver_loop = d;
  s_.driver_loop_loc = SourceLoc{file_, line_, t[0].col};
}

// during POINT OP [ADDR+LEN] [PROT] [at=K]: an mm operation at a point of the driver loop
// (model/driver.h fire_driver_events).
void Parser::during(std::span<const Token> t) {
  if (kernel() != KernelVersion::V5_7)
    fail(t[0], fmt::format("'during': the mm operations are modelled for v5.7 worlds only, and "
                           "this is kernel {}",
                           version_name(kernel())));
  const Token& pt = need(t, 1, "POINT (" + driver_point_names() + ")");
  auto point = driver_point_from_name(pt.text);
  if (!point)
    fail(pt, "unknown driver point " + quote(pt.text) + " (" + driver_point_names() + ")");
  const Token& ot = need(t, 2, "OPERATION");
  auto kind = mm_op_from_name(ot.text);
  if (!kind) fail(ot, "unknown operation " + quote(ot.text) + " (" + mm_op_names() + ")");
  size_t next = 0;
  DriverEvent e;
  e.point = *point;
  e.op = mm_op_fields(t, 2, *kind, next);
  Opts o = options(t, next, {"at"}, {});
  if (const Opt* k = o.get("at")) e.at = between(k->value, k->col, 1, 1000, "at");
  s_.world.driver_events.push_back(e);
  s_.driver_event_locs.push_back(SourceLoc{file_, line_, t[0].col});
}

// At the end: events need the loop, and each must be an operation the model can apply to the
// first world (at the point it fires, the world may have moved on: the run reports that).
void Parser::check_driver_events() {
  std::vector<DriverEvent>& events = s_.world.driver_events;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const SourceLoc& loc = s_.driver_event_locs[i];
    if (!s_.driver_loop)
      fail_at(loc.line, loc.col,
              "'during' without a 'driver-loop' line: its points are the driver loop's");
    MmOp& op = events[i].op;
    if (op.kind == MmOpKind::MigrateToDevice || op.kind == MmOpKind::MigrateToRam)
      op.owner = s_.range.dev_private_owner;
    World w = s_.world;
    w.driver_events.clear();
    if (auto why = apply_mm_op_event(w, op))
      fail_at(loc.line, loc.col, fmt::format("{}: {}", mm_op_name(op.kind), *why));
  }
}

// A return value: N, -N, an error name (-EBUSY) or livelock (then `livelock` is set).
long Parser::ret_value(const Token& v, bool& livelock) const {
  livelock = false;
  if (v.text == "livelock") {
    livelock = true;
    return 0;
  }
  if (auto named = errno_from_name(v.text)) return *named;
  bool neg = v.text.starts_with('-');
  u64 n = number(neg ? v.text.substr(1) : v.text, v.col);
  if (n > (neg ? (1ull << 63) : (1ull << 63) - 1))
    fail(v, "return value " + quote(v.text) + " does not fit in a long");
  return neg ? long(0 - n) : long(n);
}

// expect tries N | expect chunk K tries N [ret R] [check passed|failed|none]
void Parser::expect_tries(std::span<const Token> t) {
  const Token& what = t[1];
  Expectation& e = add_expectation(Expectation::Type::Tries, t[0]);
  size_t i = 2;
  if (what.text == "chunk") {
    e.chunk = number(need(t, 2, "K (the chunk's index, from 0)"));
    const Token& tk = need(t, 3, "tries");
    if (tk.text != "tries")
      fail(tk, "expected 'tries N' after the chunk index, got " + quote(tk.text));
    i = 4;
  } else {
    once(what, "expect tries");
  }
  const Token& n = need(t, i, "N (tries)");
  e.tries = number(n);
  if (e.tries == 0 || e.tries > kMaxTries)
    fail(n, fmt::format("tries must be between 1 and {}, got {}", kMaxTries, e.tries));
  ++i;
  if (!e.chunk) return no_more(t, i);
  while (i < t.size()) {
    const Token& k = t[i];
    if (k.text == "ret" && !e.chunk_ret && !e.chunk_livelock) {
      bool livelock = false;
      long r = ret_value(need(t, i + 1, "R, an error name or livelock"), livelock);
      if (livelock)
        e.chunk_livelock = true;
      else
        e.chunk_ret = r;
      i += 2;
    } else if (k.text == "check" && e.check == Expectation::Check::Any) {
      const Token& c = need(t, i + 1, "passed, failed or none");
      if (c.text == "passed")
        e.check = Expectation::Check::Passed;
      else if (c.text == "failed")
        e.check = Expectation::Check::Failed;
      else if (c.text == "none")
        e.check = Expectation::Check::None;
      else
        fail(c, "expected passed, failed or none after check, got " + quote(c.text));
      i += 2;
    } else {
      fail(k, "expected 'ret R' or 'check passed|failed|none' (each once), got " + quote(k.text));
    }
  }
}

// At the end: a driver loop reads the sequence itself, and expectations about it need one.
void Parser::check_driver_loop() const {
  auto all = [&](auto f) {
    for (const Expectation& e : s_.expectations) f(e);
  };
  if (!s_.driver_loop) {
    all([&](const Expectation& e) {
      if (e.type == Expectation::Type::Tries)
        fail_at(e.loc.line, e.loc.col, "expect tries/chunk without a 'driver-loop' line");
    });
    return;
  }
  if (stale_ || notifier_seq_)
    fail_at(s_.driver_loop_loc.line, s_.driver_loop_loc.col,
            "driver-loop with a notifier_seq line: the loop reads the sequence afresh "
            "(mmu_interval_read_begin) before every try");
  const u64 pages = s_.range.pfns.size();
  const u64 chunks = (pages + s_.driver_loop->chunk_pages - 1) / s_.driver_loop->chunk_pages;
  all([&](const Expectation& e) {
    if (e.type == Expectation::Type::Tries && e.chunk && *e.chunk >= chunks)
      fail_at(e.loc.line, e.loc.col,
              fmt::format("expect chunk {}: the range has {} chunks of at most {} pages", *e.chunk,
                          chunks, s_.driver_loop->chunk_pages));
  });
}

} // namespace hmmspec::scenario_text
