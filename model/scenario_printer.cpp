// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario printer (docs/scenario-format.md, "Printing"): Scenario -> text. It writes
// the tables by address and drives a shadow Parser over the lines it writes, so it can tell
// whether a table the parser would create implicitly lands on the pfn the world has; it then
// checks its output by parsing it and falls back to writing every table word explicitly.
#include "model/driver.h"
#include "model/race.h"
#include "model/scenario_format.h"

#include <fmt/format.h>
#include <set>

#include "model/scenario_parser.h"
#include "model/swap_layout.h"

namespace hmmspec {

namespace {

using namespace scenario_text;

// The text of an entry when its word is exactly what encode() makes of its classification.
std::optional<std::string> logical_entry(const Geometry& g, Level l, u64 word, u64 zero_pfn,
                                         Context ctx) {
  Entry e = classify(g, l, word, zero_pfn, ctx);
  if (e.kind == Kind::Table) return std::nullopt; // written by the table logic
  Encoded enc = encode(g, l, e, ctx);
  if (enc.error || enc.word != word) return std::nullopt;
  auto flag = [](bool on, std::string_view name) { return on ? fmt::format(" {}", name) : ""; };
  switch (e.kind) {
  case Kind::None:
    return "none";
  case Kind::Page:
    return fmt::format("page pfn={}{}{}", hex(e.pfn), flag(e.write, "write"),
                       e.devmap ? " devmap" : flag(e.special, "special"));
  case Kind::Zero:
    return "zero" + flag(e.write, "write");
  case Kind::Protnone:
    return fmt::format("protnone pfn={}{}", hex(e.pfn), flag(e.write, "write"));
  case Kind::Swap:
    return fmt::format("swap type={} offset={}", e.swap_type, hex(e.offset));
  case Kind::Migration:
  case Kind::Device:
  case Kind::Exclusive:
    return fmt::format("{} pfn={}{}{}", kind_name(e.kind), hex(e.pfn), flag(e.write, "write"),
                       flag(e.exclusive, "exclusive"));
  case Kind::Marker:
    return fmt::format("marker{}{}", flag(e.marker & kMarkerUffdWp, "uffd-wp"),
                       flag(e.marker & kMarkerPoisoned, "poisoned"));
  case Kind::SwapinError:
    return e.pfn ? fmt::format("swapin-error pfn={}", hex(e.pfn)) : "swapin-error";
  case Kind::Hwpoison:
    return fmt::format("hwpoison pfn={}", hex(e.pfn));
  case Kind::Huge:
    return fmt::format("huge pfn={}{}{}{}{}", hex(e.pfn), flag(e.write, "write"),
                       flag(e.devmap, "devmap"), flag(e.protnone, "protnone"),
                       flag(e.special, "special"));
  case Kind::Bad:
    return "bad " + hex(word);
  case Kind::Table:
    break;
  }
  return std::nullopt;
}

// `raw WORD  # decoded`, for words that have no exact logical form.
std::string raw_entry(const Geometry& g, Level l, u64 word, u64 zero_pfn, Context ctx) {
  return fmt::format("raw {}  # {}", hex(word), describe(classify(g, l, word, zero_pfn, ctx)));
}

// The ENTRY text of a word that is not to be read as a new table's pointer.
std::string entry_text(const Geometry& g, Level l, u64 word, u64 zero_pfn, Context ctx) {
  if (auto t = logical_entry(g, l, word, zero_pfn, ctx)) return *t;
  return raw_entry(g, l, word, zero_pfn, ctx);
}

// Whether `word`, classified as `e`, is exactly the pointer encode() makes to e's table from a
// normal slot, which `table pfn=P` (or a table the parser creates) reads back to.
bool plain_table_pointer(const Geometry& g, Level l, u64 word, const Entry& e, Context ctx) {
  return e.kind == Kind::Table && ctx == Context::Normal &&
         word == encode(g, l, Entry{.kind = Kind::Table, .pfn = e.pfn}).word;
}

// START-END of n units from start (each 1 << unit_shift), or START alone for one unit.
std::string span_text(u64 start, u64 n, unsigned unit_shift = 0) {
  if (n == 1) return hex(start);
  return fmt::format("{}-{}", hex(start), hex(start + (n << unit_shift)));
}

// ---- Printer -------------------------------------------------------------------------------

// Writes lines and feeds each to a shadow parser, whose world tells where the parser would
// put a table it creates on its own.
class Printer {
public:
  explicit Printer(const Scenario& s) : s_(s), shadow_("<print>") {}

  std::string print(bool explicit_tables) {
    header();
    world_lines();
    if (explicit_tables)
      all_tables_explicit();
    else
      tables();
    range_lines();
    expectations(s_.expectations);
    calls();
    while (out_.ends_with("\n\n")) out_.pop_back();
    return out_;
  }

private:
  void emit(const std::string& line) {
    out_ += line;
    out_ += '\n';
    if (broken_) return;
    try {
      shadow_.feed(line, ++lineno_);
    } catch (const Stop&) {
      broken_ = true;
    }
  }
  void blank() {
    if (!out_.empty() && !out_.ends_with("\n\n")) emit("");
  }

  void header() {
    emit(fmt::format("# {} GPL-2.0-or-later", kSpdx));
    if (!s_.text.empty()) {
      std::string_view text = s_.text;
      while (true) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        emit(line.empty() ? "#" : fmt::format("# {}", line));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
      }
    }
    blank();
    if (!s_.name.empty()) emit("scenario " + s_.name);
    for (const std::string& r : s_.rules) emit("rule " + r);
    const Geometry& g = s_.world.geom;
    auto b = builtin_geometry(g.name);
    if (b) b->kernel = g.kernel; // the kernel line says it
    if (b && *b == g) {
      emit("geometry " + g.name);
    } else {
      std::string bits;
      for (Level l : kAllLevels)
        if (!(l == Level::P4d && g.p4d_folded()))
          bits += fmt::format("{}{}", bits.empty() ? "" : ",", g.bits[idx(l)]);
      emit(fmt::format("geometry custom page_shift={} levels={} bits={}{}", g.page_shift, g.levels,
                       bits, g.name == "custom" ? "" : " name=" + g.name));
    }
    if (g.kernel != KernelVersion::V5_7) emit(fmt::format("kernel {}", version_name(g.kernel)));
  }

  void world_lines() {
    const World& w = s_.world;
    World defaults(w.geom);
    if (w.zero_pfn != defaults.zero_pfn) emit("zero_pfn " + hex(w.zero_pfn));
    if (w.next_pfn != defaults.next_pfn) emit("next_pfn " + hex(w.next_pfn));
    if (w.highest_memmap_pfn != defaults.highest_memmap_pfn)
      emit("highest_memmap_pfn " + hex(w.highest_memmap_pfn));
    blank();
    for (const Vma& v : w.vmas.all())
      emit(fmt::format("vma {}-{}{}", hex(v.start), hex(v.end), vma_flag_text(v)));
    for (auto it = w.device_owner.begin(); it != w.device_owner.end();) {
      auto [first, who] = *it;
      const bool coherent = w.coherent_pfns.contains(first);
      u64 n = 0;
      while (it != w.device_owner.end() && it->first == first + n && it->second == who &&
             w.coherent_pfns.contains(it->first) == coherent && n < kMaxPfnsPerLine) {
        ++it;
        ++n;
      }
      emit(fmt::format("owner {} {}{}", span_text(first, n), who == 0 ? "null" : hex(who),
                       coherent ? " coherent" : ""));
    }
    for (auto it = w.shared_pfns.begin(); it != w.shared_pfns.end();) {
      u64 first = *it, n = 0;
      while (it != w.shared_pfns.end() && *it == first + n && n < kMaxPfnsPerLine) {
        ++it;
        ++n;
      }
      emit("shared_pfn " + span_text(first, n));
    }
    for (const auto& [addr, inj] : w.injections) {
      std::string line = "inject " + hex(addr);
      if (inj.error || (!inj.invalidate && !inj.no_progress))
        line += " error=" + fault_bits_text(inj.error);
      if (inj.invalidate) line += " invalidate";
      if (inj.no_progress)
        line += " noprogress=" + (inj.no_progress == kForever ? std::string("forever")
                                                              : std::to_string(inj.no_progress));
      emit(line);
    }
    for (const Race& r : w.races) // a fired event is spent, as a fired injection
      if (!r.fired)
        emit(fmt::format("race {} {} {}{}{}", hex(r.addr), race_point_name(r.point),
                         race_op_name(r.op),
                         r.at - r.reached > 1 ? fmt::format(" at={}", r.at - r.reached) : "",
                         r.op == RaceOp::ZapSilent ? " planted" : ""));
    blank();
  }

  // ---- tables, by address, with implicit tables where the parser makes the same ones ----
  struct Pending {
    Level level;
    u64 addr;
    u64 child;
  };

  void entry(Level l, u64 addr, const std::string& text) {
    flush(false);
    emit(fmt::format("{} {} {}", level_name(l), hex(addr), text));
    pending_.clear(); // the line went through every pending slot: their tables now exist
  }

  // Decides, top down, which pending pointers the parser creates on its own at the right pfn
  // (it allocates them in order at next_table_pfn when the next entry below them is written)
  // and writes the others explicitly. With force_last, the deepest one is always written.
  void flush(bool force_last) {
    size_t implicit = 0;
    for (size_t k = 0; k < pending_.size(); ++k) {
      const Pending& p = pending_[k];
      bool last = k + 1 == pending_.size();
      if (!(force_last && last) && !broken_ &&
          p.child == shadow_.world().next_table_pfn() + implicit) {
        ++implicit;
        continue;
      }
      emit(fmt::format("{} {} table pfn={}", level_name(p.level), hex(p.addr), hex(p.child)));
      implicit = 0;
    }
    if (force_last) pending_.clear();
  }

  void table(u64 pfn, Level walk, u64 base) {
    const World& w = s_.world;
    const Geometry& g = w.geom;
    const Table& t = w.tables().at(pfn);
    for (unsigned i = 0; i < g.entries(walk); ++i) {
      u64 word = t.words[i];
      if (word == 0) continue;
      u64 addr = base + (u64(i) << g.shift(walk));
      Context ctx = w.context_at(walk, addr);
      if (walk != Level::Pte) {
        Entry e = classify(g, walk, word, w.zero_pfn);
        u64 child = table_pfn(g, word);
        if ((e.kind == Kind::Table || e.kind == Kind::Bad) && w.tables().contains(child) &&
            !visited_.contains(child)) {
          visited_.insert(child);
          Level cl = level_down(g, walk);
          bool standard =
              plain_table_pointer(g, walk, word, e, ctx) && w.tables().at(child).level == cl;
          if (standard) {
            pending_.push_back({walk, addr, child});
            table(child, cl, addr);
            if (!pending_.empty() && pending_.back().child == child) flush(true);
            continue;
          }
          flush(true);
          table_line(child);
          entry(walk, addr, raw_or_logical(walk, word, ctx));
          table(child, cl, addr);
          continue;
        }
      }
      entry(walk, addr, raw_or_logical(walk, word, ctx));
    }
    for (size_t i = g.entries(walk); i < t.words.size(); ++i)
      if (t.words[i]) later_.push_back({pfn, unsigned(i)});
  }

  // table LEVEL pfn=P: the table at pfn, before anything points to it.
  void table_line(u64 pfn) {
    emit(fmt::format("table {} pfn={}", level_name(s_.world.tables().at(pfn).level), hex(pfn)));
  }

  std::string raw_or_logical(Level l, u64 word, Context ctx) const {
    return entry_text(s_.world.geom, l, word, s_.world.zero_pfn, ctx);
  }

  void word_line(u64 pfn, unsigned i) {
    const World& w = s_.world;
    const Table& t = w.tables().at(pfn);
    u64 word = t.words[i];
    emit(fmt::format("word {} {} {}  # {}", hex(pfn), i, hex(word),
                     describe(classify(w.geom, t.level, word, w.zero_pfn))));
  }

  void tables() {
    const World& w = s_.world;
    visited_.insert(w.root_pfn());
    table(w.root_pfn(), Level::Pgd, 0);
    flush(true);
    for (const auto& [pfn, t] : w.tables())
      if (!visited_.contains(pfn)) {
        table_line(pfn);
        for (unsigned i = 0; i < t.words.size(); ++i)
          if (t.words[i]) later_.push_back({pfn, i});
      }
    for (auto [pfn, i] : later_) word_line(pfn, i);
    blank();
  }

  // Every table by pfn and every word by index: exact for any world.
  void all_tables_explicit() {
    const World& w = s_.world;
    for (const auto& [pfn, t] : w.tables())
      if (pfn != w.root_pfn()) table_line(pfn);
    for (const auto& [pfn, t] : w.tables())
      for (unsigned i = 0; i < t.words.size(); ++i)
        if (t.words[i]) word_line(pfn, i);
    blank();
  }

  // ---- the range ----
  void range_lines() {
    const HmmRange& r = s_.range;
    const World& w = s_.world;
    emit(
        fmt::format("range {}-{}{}", hex(r.start), hex(r.end), r.start > r.end ? " inverted" : ""));
    const Notifier& n = w.notifier;
    if (!(n == Notifier{r.start, r.end, 0, 0})) {
      std::string line = fmt::format("notifier {}-{}{} seq={}", hex(n.start), hex(n.end),
                                     n.start > n.end ? " inverted" : "", n.seq);
      if (n.invalidations) line += fmt::format(" invalidations={}", n.invalidations);
      emit(line);
    }
    // The encoding: a driver's when that leaves fewest lines, then the fields that differ. A
    // 6.x range has fixed bits: its flags, values and pfn_shift are not used, nor printed.
    const KernelVersion k = w.geom.kernel;
    HmmRange base;
    std::string driver;
    auto diffs = [&](const HmmRange& b) {
      return int(b.flags != r.flags) + int(b.values != r.values) + int(b.pfn_shift != r.pfn_shift) +
             int(b.default_flags != r.default_flags) + int(b.pfn_flags_mask != r.pfn_flags_mask);
    };
    for (const char* d : {"nouveau", "amdgpu"}) {
      HmmRange cand;
      apply_driver_encoding(cand, d);
      if (!has_v6_api(k) && diffs(cand) < diffs(base)) {
        base = cand;
        driver = d;
      }
    }
    if (!driver.empty()) emit("driver " + driver);
    if (!has_v6_api(k)) {
      if (base.flags != r.flags)
        emit(fmt::format("flags valid={} write={}", hex(r.flags[HMM_PFN_VALID]),
                         hex(r.flags[HMM_PFN_WRITE])));
      if (base.values != r.values)
        emit(fmt::format("values error={} none={} special={}", hex(r.values[HMM_PFN_ERROR]),
                         hex(r.values[HMM_PFN_NONE]), hex(r.values[HMM_PFN_SPECIAL])));
      if (base.pfn_shift != r.pfn_shift) emit(fmt::format("pfn_shift {}", r.pfn_shift));
    }
    if (base.default_flags != r.default_flags)
      emit("default_flags " + req_text(k, r, r.default_flags, false));
    if (base.pfn_flags_mask != r.pfn_flags_mask)
      emit("pfn_flags_mask " + req_text(k, r, r.pfn_flags_mask, true));
    if (r.dev_private_owner) emit("dev_private_owner " + hex(r.dev_private_owner));
    if (r.notifier_seq != n.seq)
      emit(r.notifier_seq == n.seq - 1 ? std::string("notifier_seq stale")
                                       : fmt::format("notifier_seq {}", r.notifier_seq));
    if (const auto& d = s_.driver_loop)
      emit(fmt::format("driver-loop chunk {} tries {}", d->chunk_pages, d->tries));
    for (const DriverEvent& e : s_.world.driver_events) // a fired event is spent
      if (!e.fired) emit(describe(e));
    if (s_.options.restart_budget != RunOptions{}.restart_budget)
      emit(fmt::format("budget {}", s_.options.restart_budget));
    for (size_t i = 0; i < r.pfns.size();) {
      size_t j = i + 1;
      while (j < r.pfns.size() && r.pfns[j] == r.pfns[i]) ++j;
      if (r.pfns[i])
        emit(fmt::format("request {} {}", where_text(i, j - i), req_text(k, r, r.pfns[i], false)));
      i = j;
    }
    blank();
  }

  std::string where_text(u64 first, u64 count) const {
    const HmmRange& r = s_.range;
    const unsigned ps = s_.world.geom.page_shift;
    return span_text(r.start + (first << ps), count, ps);
  }

  // The later calls of a sequence: each `call` line, its operations, its expectations.
  void calls() {
    for (const Call& c : s_.calls) {
      blank();
      emit("call");
      for (const MmOpLine& l : c.ops) emit(describe(l.op));
      expectations(c.expectations);
    }
  }

  void expectations(const std::vector<Expectation>& list) {
    const World& w = s_.world;
    const HmmRange& r = s_.range;
    for (const Expectation& e : list) {
      switch (e.type) {
      case Expectation::Type::Ret:
        emit("expect ret " + (e.livelock ? std::string("livelock") : errno_name(e.ret)));
        break;
      case Expectation::Type::Pfn:
        emit(fmt::format("expect pfn {} {}", where_text(e.first, e.count),
                         out_text(w.geom.kernel, r, e.word, e.pfn_increments)));
        break;
      case Expectation::Type::Entry: {
        Context ctx = w.context_at(e.level, e.addr);
        std::string text;
        Entry c = classify(w.geom, e.level, e.entry_word, w.zero_pfn, ctx);
        if (plain_table_pointer(w.geom, e.level, e.entry_word, c, ctx))
          text = "table pfn=" + hex(c.pfn);
        else
          text = entry_text(w.geom, e.level, e.entry_word, w.zero_pfn, ctx);
        emit(fmt::format("expect {} {} {}", level_name(e.level), hex(e.addr), text));
        break;
      }
      case Expectation::Type::Log:
        if (e.log.empty()) emit("expect nofault");
        for (const Event& ev : e.log) {
          if (ev.type == Event::Type::Wait) {
            emit(fmt::format("expect wait {} {}", level_name(ev.level), hex(ev.addr)));
            continue;
          }
          std::string how = ev.flags == fault::FLAG_REMOTE ? "read"
                            : ev.flags == (fault::FLAG_REMOTE | fault::FLAG_WRITE)
                                ? "write"
                                : fmt::format("flags={}", hex(ev.flags));
          std::string line = fmt::format("expect fault {} {}", hex(ev.addr), how);
          if (ev.result) line += " -> " + fault_bits_text(ev.result);
          emit(line);
        }
        break;
      case Expectation::Type::Notifier:
        emit(fmt::format("expect notifier_seq {}", e.seq));
        break;
      case Expectation::Type::Tries:
        emit(tries_text(e));
        break;
      case Expectation::Type::Reports:
        if (e.reports.empty()) emit("expect noreport");
        for (const KernelReport& k : e.reports) {
          if (k.kind == KernelReport::Kind::BadPte) {
            emit("expect report bad-pte " + hex(k.addr));
            continue;
          }
          std::string line = fmt::format(
              "expect report {} {}", k.kind == KernelReport::Kind::Warn ? "warn" : "bug", k.where);
          if (k.addr) line += " " + hex(k.addr);
          emit(line);
        }
        break;
      }
    }
  }

  // expect tries N, or expect chunk K tries N [ret R] [check passed|failed|none]
  static std::string tries_text(const Expectation& e) {
    if (!e.chunk) return fmt::format("expect tries {}", e.tries);
    std::string line = fmt::format("expect chunk {} tries {}", *e.chunk, e.tries);
    if (e.chunk_livelock) line += " ret livelock";
    if (e.chunk_ret) line += " ret " + errno_name(*e.chunk_ret);
    constexpr const char* kChecks[] = {"", " check passed", " check failed", " check none"};
    line += kChecks[static_cast<unsigned>(e.check)];
    return line;
  }

  const Scenario& s_;
  Parser shadow_;
  unsigned lineno_ = 0;
  bool broken_ = false;
  std::string out_;
  std::set<u64> visited_;
  std::vector<Pending> pending_;
  std::vector<std::pair<u64, unsigned>> later_; // words no address reaches: written by pfn
};

} // namespace

std::string print_scenario(const Scenario& s) {
  // Tables by address first; if that does not read back to the same tables (a world no
  // scenario line order can build that way), every table word by pfn.
  std::string text = Printer(s).print(false);
  ParseResult back = parse_scenario(text, "<print>");
  if (auto* p = std::get_if<Scenario>(&back); p && p->world.tables() == s.world.tables())
    return text;
  std::string exact = Printer(s).print(true);
  ParseResult back2 = parse_scenario(exact, "<print>");
  if (auto* p = std::get_if<Scenario>(&back2); p && p->world.tables() == s.world.tables())
    return exact;
  return text;
}

} // namespace hmmspec
