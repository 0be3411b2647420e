// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario parser (docs/scenario-format.md): a line-at-a-time state machine that builds
// the world as it reads. Page-table lines go through World::ensure_slot and encode() at
// once, while everything that depends on the range encoding (REQ and OUT symbols, the
// notifier defaults) is resolved when the text ends. The printer drives one too, to tell
// where a table the parser creates on its own would land. Internal to model/: callers use
// parse_scenario and load_scenario (model/scenario_format.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/mm_ops.h"
#include "model/scenario.h"
#include "model/scenario_format.h"
#include "model/scenario_lexer.h"
#include "model/scenario_symbols.h"

namespace hmmspec::scenario_text {

// Bounds that keep hostile input from allocating without limit, and the time and memory of a
// run proportional to them (docs/scenario-format.md, "Limits"; bench/limits.sh measures them).
constexpr u64 kMaxRangePages = 1ull << 24;  // pfns[] of at most 128 MiB
constexpr u64 kMaxBudget = 1000000;         // walk attempts (as `hmmspec run --budget`)
constexpr u64 kMaxPfnsPerLine = 1ull << 20; // one owner/shared_pfn line
constexpr u64 kMaxPfnsTotal = 1ull << 20;   // all owner (or all shared_pfn) lines together
constexpr size_t kMaxTables = 1u << 16;     // page tables in one world

// The level below l in a geometry (skipping a folded P4D), and the one above.
inline Level level_down(const Geometry& g, Level l) {
  Level n = below(l);
  return (n == Level::P4d && g.p4d_folded()) ? Level::Pud : n;
}
inline Level level_up(const Geometry& g, Level l) {
  Level n = static_cast<Level>(idx(l) + 1);
  return (n == Level::P4d && g.p4d_folded()) ? Level::Pgd : n;
}

// Thrown by the parser at the first error; parse_scenario returns its ParseError.
struct Stop {
  ParseError error;
};

// The key=value and bare-word options after a directive's positional arguments.
struct Opt {
  std::string_view key;
  std::string_view value;
  unsigned col = 0;
};
struct Opts {
  std::vector<Opt> list;
  const Opt* get(std::string_view key) const {
    for (const Opt& o : list)
      if (o.key == key) return &o;
    return nullptr;
  }
  bool has(std::string_view key) const { return get(key) != nullptr; }
};

// A parsed ENTRY, before it is placed (kind, fields and where each field was written).
struct EntrySpec {
  Entry e;
  bool raw = false;
  u64 raw_word = 0;
  std::optional<u64> table_pfn;
  unsigned kind_col = 0, pfn_col = 0, type_col = 0, offset_col = 0, word_col = 0;
};

// A LEVEL ADDR ENTRY read: where the entry goes, the ENTRY, and the context of its slot.
struct EntryLine {
  Level level = Level::Pte;
  Token at; // the ADDR token, for messages
  u64 addr = 0;
  EntrySpec spec;
  Context ctx = Context::Normal;
};

// Where a table word was set, so a second write to it is reported.
struct Written {
  unsigned line = 0;
  bool implicit = false; // a table created on the way to an entry of that line
};

class Parser {
public:
  explicit Parser(std::string_view file) : file_(file) {}
  const World& world() const { return s_.world; }
  // Reads one line (1-based number `lineno`). Throws Stop on an error.
  void feed(std::string_view text, unsigned lineno);
  // Ends the text: checks what must be present and resolves symbolic values.
  Scenario finish();

private:
  // ---- lines and directives (scenario_parser.cpp) ----
  [[noreturn]] void fail_at(unsigned line, unsigned col, std::string msg) const;
  [[noreturn]] void fail(unsigned col, std::string msg) const;
  [[noreturn]] void fail(const Token& t, std::string msg) const { fail(t.col, std::move(msg)); }
  std::string default_name() const;
  void once(const Token& t, std::string key);
  void directive(std::span<const Token> t);
  void scenario(std::span<const Token> t);
  void rule(std::span<const Token> t);

  // ---- arguments: tokens made into values (scenario_parse_args.cpp) ----
  const Token& need(std::span<const Token> t, size_t i, std::string_view what) const;
  void no_more(std::span<const Token> t, size_t i) const;
  u64 number(std::string_view text, unsigned col) const;
  u64 number(const Token& t) const { return number(t.text, t.col); }
  unsigned small(std::string_view text, unsigned col, u64 max, std::string_view what) const;
  unsigned between(std::string_view text, unsigned col, unsigned lo, unsigned hi,
                   std::string_view what) const;
  std::pair<u64, u64> span(std::string_view text, unsigned col, bool single,
                           bool allow_empty = false, bool allow_inverted = false) const;
  std::pair<u64, u64> address_span(const Token& t, std::string_view what, bool allow_empty = false,
                                   bool allow_inverted = false) const;
  u64 address(const Token& t, u64 align, std::string_view what) const;
  void check_pfn(u64 p, unsigned col) const;
  u64 pfn(std::string_view text, unsigned col) const;
  Level level(const Token& t) const;
  Opts options(std::span<const Token> t, size_t from, std::span<const std::string_view> keys,
               std::span<const std::string_view> words) const;
  Opts options(std::span<const Token> t, size_t from, std::initializer_list<std::string_view> keys,
               std::initializer_list<std::string_view> words) const {
    return options(t, from, std::span(keys.begin(), keys.size()),
                   std::span(words.begin(), words.size()));
  }
  Req req(const Token& t, bool allow_all) const;
  u64 owner(const Token& t) const { return t.text == "null" ? 0 : number(t); }
  unsigned fault_bits(std::string_view text, unsigned col) const;

  // ---- the world (scenario_parse_world.cpp) ----
  KernelVersion kernel() const { return s_.world.geom.kernel; }
  void kernel_line(std::span<const Token> t);
  void before_world(const Token& t) const;
  void geometry(std::span<const Token> t);
  void highest_memmap_pfn(std::span<const Token> t);
  void zero_pfn(std::span<const Token> t);
  void next_pfn(std::span<const Token> t);
  void before_tables(const Token& t) const;
  void table_line_seen();
  void vma(std::span<const Token> t);
  std::pair<u64, u64> pfn_run(const Token& pt, u64 total, std::string_view line,
                              std::string_view in_all) const;
  void owner_line(std::span<const Token> t);
  void shared_pfn(std::span<const Token> t);
  void inject(std::span<const Token> t);
  void race(std::span<const Token> t);
  void check_races() const;

  // ---- page tables (scenario_parse_tables.cpp) ----
  void check_table_budget(const Token& t) const;
  std::pair<u64, unsigned> slot_id(Level l, u64 addr) const;
  void record(std::pair<u64, unsigned> id, const Token& t, std::string_view what);
  std::string blocked_message(Level l, u64 addr) const;
  EntrySpec entry_spec(std::span<const Token> t, size_t i) const;
  EntryLine level_addr_entry(std::span<const Token> t, size_t i);
  u64 encode_spec(Level l, Context ctx, const EntrySpec& sp) const;
  void entry_line(std::span<const Token> t);
  void table_line(std::span<const Token> t);
  void word_line(std::span<const Token> t);

  // ---- the range (scenario_parse_range.cpp) ----
  std::pair<u64, u64> where(const Token& t, std::string_view what) const;
  void notifier(std::span<const Token> t);
  void range(std::span<const Token> t);
  void driver(std::span<const Token> t);
  void encoding(std::span<const Token> t);
  void v5_7_only(const Token& t) const;
  void dev_private_owner(std::span<const Token> t);
  void notifier_seq(std::span<const Token> t);
  void request(std::span<const Token> t);
  void paint_requests();
  void budget(std::span<const Token> t);

  // ---- the driver loop (scenario_parse_driver.cpp) ----
  void driver_loop(std::span<const Token> t);
  long ret_value(const Token& v, bool& livelock) const;
  void expect_tries(std::span<const Token> t);
  void check_driver_loop() const;
  void during(std::span<const Token> t);
  void check_driver_events();

  // ---- sequences of calls (scenario_parse_calls.cpp) ----
  void after_call(const Token& t) const;
  void call(std::span<const Token> t);
  void mm_op(std::span<const Token> t, MmOpKind kind);
  // The operation written from t[first] (its name) on; `next` is the index after it. A
  // migration's owner is left to the caller.
  MmOp mm_op_fields(std::span<const Token> t, size_t first, MmOpKind kind, size_t& next) const;
  void split_calls();

  // ---- expectations (scenario_parse_expect.cpp) ----
  Expectation& add_expectation(Expectation::Type type, const Token& t);
  Expectation& log_expectation(const Token& t);
  Expectation& reports_expectation(const Token& t);
  void expect(std::span<const Token> t);
  Out out(std::span<const Token> t, size_t i, Expectation& e) const;
  void expect_event(std::span<const Token> t);
  void expect_report(std::span<const Token> t);

  // ---- state ----
  Scenario s_;
  std::string file_;
  unsigned line_ = 0;
  bool in_description_ = true;
  std::vector<std::string> description_;
  std::map<std::string, unsigned, std::less<>> once_; // directives allowed once -> their line
  std::set<std::string, std::less<>> rule_names_;     // the rule lines' names, for duplicates
  unsigned first_world_line_ = 0;                     // first directive after which no geometry
  std::string first_world_name_;
  unsigned first_table_line_ = 0; // first page-table line (no vma or zero_pfn after it)
  unsigned encoding_line_ = 0;    // first flags/values/... line (no driver after it)
  unsigned name_line_ = 0, range_line_ = 0, notifier_line_ = 0, nofault_line_ = 0;
  struct RequestLine {
    u64 first, count;
    Req req;
  };
  std::vector<RequestLine> requests_;
  std::optional<Req> default_flags_, mask_;
  std::optional<u64> notifier_seq_;
  bool stale_ = false;
  std::vector<std::pair<size_t, Out>> outs_; // expectation index -> its OUT
  std::optional<size_t> log_index_;
  std::optional<size_t> reports_index_;
  unsigned noreport_line_ = 0;
  std::map<std::pair<u64, unsigned>, Written> written_;
  u64 owners_total_ = 0, shared_total_ = 0;
  struct RaceLine {
    unsigned line, col; // of its ADDR
  };
  std::vector<RaceLine> race_lines_; // one per World::races entry, for checks at the end
  unsigned call_line_ = 0;           // the first `call` line
  std::vector<size_t> call_starts_;  // per later call: its first index in s_.expectations
  std::optional<World> ops_world_;   // the world with the operations read so far applied
};

} // namespace hmmspec::scenario_text
