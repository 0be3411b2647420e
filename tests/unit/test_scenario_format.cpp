// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario text format: every directive and entry parses to what docs/scenario-format.md
// says, the printer writes text that reads back to the same scenario (round trip), printing
// is canonical, and check_expectations reports exactly the unmet expectations.
#include "model/scenario_format.h"

namespace {
constexpr unsigned kFaultSigbus = hmmspec::fault::VM_SIGBUS;
} // namespace

#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>

#include "tests/unit/scenario_parsing.h"

namespace hmmspec {
namespace {

void expect_same_expectation(const Expectation& a, const Expectation& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.livelock, b.livelock);
  EXPECT_EQ(a.ret, b.ret);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.word, b.word);
  EXPECT_EQ(a.pfn_increments, b.pfn_increments);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.addr, b.addr);
  EXPECT_EQ(a.entry_word, b.entry_word);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.seq, b.seq);
}

void expect_same(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.rules, b.rules);
  EXPECT_EQ(a.text, b.text);
  EXPECT_TRUE(a.world == b.world) << "worlds differ";
  EXPECT_EQ(a.world.tables(), b.world.tables());
  EXPECT_EQ(a.world.geom, b.world.geom);
  EXPECT_EQ(a.world.vmas, b.world.vmas);
  EXPECT_EQ(a.world.notifier, b.world.notifier);
  EXPECT_TRUE(a.range == b.range) << "ranges differ";
  EXPECT_EQ(a.options.restart_budget, b.options.restart_budget);
  ASSERT_EQ(a.expectations.size(), b.expectations.size());
  for (size_t i = 0; i < a.expectations.size(); ++i)
    expect_same_expectation(a.expectations[i], b.expectations[i]);
  ASSERT_EQ(a.calls.size(), b.calls.size());
  for (size_t k = 0; k < a.calls.size(); ++k) {
    ASSERT_EQ(a.calls[k].ops.size(), b.calls[k].ops.size());
    for (size_t i = 0; i < a.calls[k].ops.size(); ++i)
      EXPECT_EQ(a.calls[k].ops[i].op, b.calls[k].ops[i].op);
    ASSERT_EQ(a.calls[k].expectations.size(), b.calls[k].expectations.size());
    for (size_t i = 0; i < a.calls[k].expectations.size(); ++i)
      expect_same_expectation(a.calls[k].expectations[i], b.calls[k].expectations[i]);
  }
}

// print -> parse gives the same scenario; printing that again gives the same text.
std::string round_trip(const Scenario& s) {
  std::string p = print_scenario(s);
  ParseResult r = parse_scenario(p, "printed.hmm");
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << "printout does not parse: " << e->str() << "\n--- printout ---\n" << p;
    return p;
  }
  const Scenario& back = std::get<Scenario>(r);
  expect_same(s, back);
  EXPECT_EQ(print_scenario(back), p) << "printing is not canonical";
  return p;
}

std::string round_trip(const std::string& text) {
  return round_trip(parse_ok(text));
}

// ---- lexical rules --------------------------------------------------------------------

TEST(ScenarioFormat, NumbersSizesAndRanges) {
  Scenario s = parse_ok("vma 0x200000+2M read\nvma 4M-0x600000 read\nrange 2M-0x201000\n"
                        "vma 1G+4K write\n");
  ASSERT_EQ(s.world.vmas.all().size(), 3u);
  EXPECT_EQ(s.world.vmas.all()[0].start, 0x200000u);
  EXPECT_EQ(s.world.vmas.all()[0].end, 0x400000u);
  EXPECT_EQ(s.world.vmas.all()[1].start, 0x400000u);
  EXPECT_EQ(s.world.vmas.all()[1].end, 0x600000u);
  EXPECT_EQ(s.world.vmas.all()[2].start, 0x40000000u);
  EXPECT_EQ(s.world.vmas.all()[2].end, 0x40001000u);
  EXPECT_EQ(s.world.vmas.all()[2].flags, vm::WRITE);
  EXPECT_EQ(s.range.start, 0x200000u);
  EXPECT_EQ(s.range.end, 0x201000u);
  EXPECT_EQ(s.range.pfns.size(), 1u);
}

TEST(ScenarioFormat, CommentsAndDescription) {
  Scenario s = parse_ok("# SPDX-License-Identifier: GPL-2.0-or-later\n"
                        "# A title\n#\n#   indented\n\n"
                        "range 0+4K # trailing comment\n# not description\n",
                        "dir/some-name.hmm");
  EXPECT_EQ(s.text, "A title\n\n  indented");
  EXPECT_EQ(s.name, "some-name");
  round_trip(s);
}

TEST(ScenarioFormat, ErrorStringNamesFileLineColumn) {
  ParseError e = parse_err("range 0+4K\n  frobnicate 1\n");
  EXPECT_EQ(e.loc.line, 2u);
  EXPECT_EQ(e.loc.col, 3u);
  EXPECT_EQ(e.str(), "bad.hmm:2:3: unknown directive 'frobnicate'");
}

TEST(ScenarioFormat, UnreadableFileIsLineZero) {
  ParseResult r = load_scenario("/nonexistent/dir/x.hmm");
  ASSERT_TRUE(std::holds_alternative<ParseError>(r));
  EXPECT_EQ(std::get<ParseError>(r).loc.line, 0u);
  EXPECT_EQ(std::get<ParseError>(r).str().rfind("/nonexistent/dir/x.hmm: ", 0), 0u);
  ParseResult dir = load_scenario(HMMSPEC_SOURCE_DIR);
  ASSERT_TRUE(std::holds_alternative<ParseError>(dir));
  EXPECT_EQ(std::get<ParseError>(dir).loc.line, 0u);
}

// A range and a notifier whose start is above their end are stated with `inverted` (the
// fuzzer makes them); without it such a span stays an error, and `inverted` on a span that is
// not inverted is one too.
TEST(ScenarioFormat, InvertedRangeAndNotifier) {
  Scenario s = parse_ok("range 0x5000-0x2000 inverted\nnotifier 0x3000-0x1000 inverted seq=3\n");
  EXPECT_EQ(s.range.start, 0x5000u);
  EXPECT_EQ(s.range.end, 0x2000u);
  EXPECT_TRUE(s.range.pfns.empty());
  EXPECT_EQ(s.world.notifier, (Notifier{0x3000, 0x1000, 3, 0}));
  std::string text = print_scenario(s);
  EXPECT_NE(text.find("range 0x5000-0x2000 inverted\n"), std::string::npos) << text;
  EXPECT_NE(text.find("notifier 0x3000-0x1000 inverted seq=3\n"), std::string::npos) << text;
  Scenario back = parse_ok(text);
  EXPECT_EQ(back.range, s.range);
  EXPECT_EQ(back.world.notifier, s.world.notifier);
  EXPECT_NE(parse_err("range 0x5000-0x2000\n").message.find("empty range"), std::string::npos);
  EXPECT_NE(parse_err("range 0+4K\nnotifier 0x2000-0x3000 inverted\n")
                .message.find("0x2000 is not above 0x3000"),
            std::string::npos);
}

TEST(ScenarioFormat, CrLfLinesAreAccepted) {
  Scenario s = parse_ok("# title\r\nrange 0+8K\r\nrequest 0x1000 V\r\n");
  EXPECT_EQ(s.text, "title");
  EXPECT_EQ(s.range.pfns[1], 1u);
}

// Found by scenario_fuzzer: "R-X\r" (a CR before a comment) and "R-X" (a CR at the line's end,
// cut) were two rules, printed as two lines "rule R-X\r" that read back as one rule twice.
TEST(ScenarioFormat, ACarriageReturnInsideALineSeparatesTokens) {
  Scenario s = parse_ok("range 0+8K\nrule R-X\r# a comment\nrule R-Y\r\r\n");
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_EQ(s.rules[0], "R-X");
  EXPECT_EQ(s.rules[1], "R-Y");
  EXPECT_NE(parse_err("range 0+8K\nrule R-X\r# a comment\nrule R-X\r\r\n")
                .message.find("duplicate rule 'R-X'"),
            std::string::npos);
}

// ---- directives ----------------------------------------------------------------------

const char* kEveryDirective = R"(# SPDX-License-Identifier: GPL-2.0-or-later
# Every directive of the format at least once.
scenario everything
rule R-ONE
rule R-TWO
geometry x86_64
zero_pfn 0x200
next_pfn 0x20000
vma 0x200000-0x400000 read write anon hugepage
vma 0x400000-0x600000 read exec shared file
vma 0x600000-0x800000 io pfnmap mixedmap
vma 0x40000000-0x80000000 read write hugetlb=1G
owner 0x5000-0x5004 7
owner 0x6000 null
shared_pfn 0x3000
shared_pfn 0x3005-0x3007
inject 0x201000 error=sigbus|oom
inject 0x202000 invalidate
inject 0x203000 noprogress=3
inject 0x204000 noprogress=forever invalidate error=0x10
pte 0x200000 page pfn=0x1000 write
pte 0x201000 zero
pmd 0x400000 huge pfn=0x2000 devmap
pud 0x40000000 huge pfn=0x40000 write
notifier 0x200000-0x300000 seq=4 invalidations=2
range 0x200000-0x210000
flags valid=0x1 write=0x2
values error=0xfffffffffffffffe none=0 special=0xfffffffffffffffc
pfn_shift 12
default_flags 0
pfn_flags_mask all
dev_private_owner 0x7
notifier_seq stale
request 0x200000 V
request 0x201000-0x203000 VW
request [4] W
request [5-7] 0x3
request 0x208000+8K 0
budget 77
expect ret -EFAULT
expect pfn 0x200000 pfn=0x1000 V W
expect pfn [1-3] pfn=0x200+ V
expect pfn 0x203000 none
expect pfn 0x204000 error
expect pfn 0x205000 special
expect pfn 0x206000 0x1234
expect pte 0x200000 page pfn=0x1000 write
expect pmd 0x200000 table pfn=0x8000003
expect fault 0x201000 write -> sigbus
expect wait pte 0x202000
expect fault 0x202000 read
expect wait pmd 0x400000
expect notifier_seq 5
)";

TEST(ScenarioFormat, EveryDirective) {
  Scenario s = parse_ok(kEveryDirective);
  const World& w = s.world;
  EXPECT_EQ(s.name, "everything");
  EXPECT_EQ(s.rules, (std::vector<std::string>{"R-ONE", "R-TWO"}));
  EXPECT_EQ(s.text, "Every directive of the format at least once.");
  EXPECT_EQ(w.zero_pfn, 0x200u);
  EXPECT_EQ(w.next_pfn, 0x20000u);
  ASSERT_EQ(w.vmas.all().size(), 4u);
  EXPECT_EQ(w.vmas.all()[0].flags, vm::READ | vm::WRITE | vm::HUGEPAGE);
  EXPECT_TRUE(w.vmas.all()[0].anonymous);
  EXPECT_EQ(w.vmas.all()[1].flags, vm::READ | vm::EXEC | vm::SHARED);
  EXPECT_FALSE(w.vmas.all()[1].anonymous);
  EXPECT_EQ(w.vmas.all()[2].flags, vm::IO | vm::PFNMAP | vm::MIXEDMAP);
  EXPECT_EQ(w.vmas.all()[3].flags, vm::READ | vm::WRITE | vm::HUGETLB);
  EXPECT_EQ(w.vmas.all()[3].hugetlb_size, 1ull << 30);
  EXPECT_EQ(w.device_owner.size(), 5u);
  EXPECT_EQ(w.owner_of(0x5003), 7u);
  EXPECT_TRUE(w.device_owner.contains(0x6000));
  EXPECT_EQ(w.device_owner.at(0x6000), 0u);
  EXPECT_EQ(w.shared_pfns, (std::set<u64>{0x3000, 0x3005, 0x3006}));
  EXPECT_EQ(w.injections.at(0x201000), (Injection{kFaultSigbus | fault::OOM, false, 0}));
  EXPECT_EQ(w.injections.at(0x202000), (Injection{0, true, 0}));
  EXPECT_EQ(w.injections.at(0x203000), (Injection{0, false, 3}));
  EXPECT_EQ(w.injections.at(0x204000), (Injection{fault::HWPOISON, true, kForever}));
  EXPECT_EQ(w.entry_at(Level::Pte, 0x200000).kind, Kind::Page);
  EXPECT_EQ(w.entry_at(Level::Pte, 0x201000).kind, Kind::Zero);
  EXPECT_EQ(w.entry_at(Level::Pte, 0x201000).pfn, 0x200u);
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x400000).kind, Kind::Huge);
  EXPECT_EQ(*w.find_slot(Level::Pud, 0x40000000),
            encode(w.geom, Level::Pud, Entry{.kind = Kind::Huge, .pfn = 0x40000, .write = true},
                   Context::HugetlbSlot)
                .word);
  EXPECT_EQ(w.notifier, (Notifier{0x200000, 0x300000, 4, 2}));
  const HmmRange& r = s.range;
  EXPECT_EQ(r.start, 0x200000u);
  EXPECT_EQ(r.end, 0x210000u);
  EXPECT_EQ(r.notifier_seq, 3u); // stale: one behind the notifier's 4
  EXPECT_EQ(r.pfn_flags_mask, ~0ull);
  EXPECT_EQ(r.dev_private_owner, 7u);
  EXPECT_EQ(r.values[HMM_PFN_SPECIAL], 0xfffffffffffffffcull);
  EXPECT_EQ(r.pfns, (std::vector<u64>{1, 3, 3, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(s.options.restart_budget, 77u);
  ASSERT_EQ(s.expectations.size(), 11u);
  EXPECT_EQ(s.expectations[0].ret, -err::kEFAULT);
  EXPECT_EQ(s.expectations[1].word, (0x1000ull << 12) | 3);
  EXPECT_EQ(s.expectations[2].first, 1u);
  EXPECT_EQ(s.expectations[2].count, 2u);
  EXPECT_TRUE(s.expectations[2].pfn_increments);
  EXPECT_EQ(s.expectations[2].word, (0x200ull << 12) | 1);
  EXPECT_EQ(s.expectations[3].word, 0u);
  EXPECT_EQ(s.expectations[4].word, 0xfffffffffffffffeull);
  EXPECT_EQ(s.expectations[5].word, 0xfffffffffffffffcull);
  EXPECT_EQ(s.expectations[6].word, 0x1234u);
  EXPECT_EQ(s.expectations[7].entry_word, *w.find_slot(Level::Pte, 0x200000));
  EXPECT_EQ(s.expectations[8].entry_word, *w.find_slot(Level::Pmd, 0x200000));
  const Expectation& log = s.expectations[9];
  EXPECT_EQ(log.type, Expectation::Type::Log);
  EXPECT_EQ(log.loc.line, 49u);
  ASSERT_EQ(log.log.size(), 4u);
  EXPECT_EQ(log.log[0], (Event{Event::Type::Fault, 0x201000, fault::FLAG_REMOTE | fault::FLAG_WRITE,
                               kFaultSigbus, Level::Pte}));
  EXPECT_EQ(log.log[1], (Event{Event::Type::Wait, 0x202000, 0, 0, Level::Pte}));
  EXPECT_EQ(log.log[2], (Event{Event::Type::Fault, 0x202000, fault::FLAG_REMOTE, 0, Level::Pte}));
  EXPECT_EQ(log.log[3], (Event{Event::Type::Wait, 0x400000, 0, 0, Level::Pmd}));
  EXPECT_EQ(s.expectations[10].seq, 5u);
  round_trip(s);
}

TEST(ScenarioFormat, Defaults) {
  Scenario s = parse_ok("range 0x1000-0x3000\n", "x/y/plain.hmm");
  EXPECT_EQ(s.name, "plain");
  EXPECT_EQ(s.world.geom, *builtin_geometry("x86_64"));
  EXPECT_EQ(s.world.zero_pfn, 0x100u);
  EXPECT_EQ(s.world.next_pfn, 0x10000u);
  EXPECT_EQ(s.world.notifier, (Notifier{0x1000, 0x3000, 0, 0}));
  EXPECT_EQ(s.range.notifier_seq, 0u);
  EXPECT_EQ(s.range.pfns, (std::vector<u64>{0, 0}));
  EXPECT_TRUE(s.range.flags == (HmmRange{}.flags));
  EXPECT_EQ(s.options.restart_budget, 1000u);
  EXPECT_TRUE(s.expectations.empty());
  EXPECT_EQ(s.world.tables().size(), 1u); // the root only
  round_trip(s);
}

TEST(ScenarioFormat, EmptyRange) {
  // An empty range is a real call (walk_page_range answers -EINVAL), so it can be written.
  Scenario s = parse_ok("range 0x10000-0x10000\nexpect ret -EINVAL\n");
  EXPECT_EQ(s.range.start, 0x10000u);
  EXPECT_EQ(s.range.end, 0x10000u);
  EXPECT_TRUE(s.range.pfns.empty());
  EXPECT_EQ(s.world.notifier, (Notifier{0x10000, 0x10000, 0, 0}));
  round_trip(s);
  ParseError e = parse_err("range 0x10000-0x10000\nrequest 0x10000 V\n");
  EXPECT_EQ(e.loc.line, 2u);
  EXPECT_NE(e.message.find("outside the range"), std::string::npos);
  EXPECT_NE(parse_err("range 0x10000-0x1000\n").message.find("not below end"), std::string::npos);
}

TEST(ScenarioFormat, NotifierSeqForms) {
  EXPECT_EQ(parse_ok("range 0+4K\nnotifier 0-4K seq=9\n").range.notifier_seq, 9u);
  EXPECT_EQ(parse_ok("notifier_seq stale\nrange 0+4K\nnotifier 0-4K seq=9\n").range.notifier_seq,
            8u);
  EXPECT_EQ(parse_ok("range 0+4K\nnotifier_seq 3\nnotifier 0-4K seq=9\n").range.notifier_seq, 3u);
  Scenario empty = parse_ok("range 0+4K\nnotifier 0x5000-0x5000 seq=1\n");
  EXPECT_EQ(empty.world.notifier, (Notifier{0x5000, 0x5000, 1, 0}));
  round_trip(empty);
  round_trip("range 0+4K\nnotifier_seq 12\n");
  round_trip("range 0+4K\nnotifier_seq stale\n");
}

TEST(ScenarioFormat, SymbolsResolveWithTheFinalEncoding) {
  // REQ and OUT symbols are resolved when the text ends, so flags may come after requests.
  Scenario s = parse_ok("range 0+16K\nrequest [0] V\nrequest [1] W\nrequest [2] VW\n"
                        "default_flags V\npfn_flags_mask W\nexpect pfn [0] none\n"
                        "expect pfn [1-3] pfn=0x7+ VW\nflags valid=0x10 write=0x20\n"
                        "values error=0x1 none=0x2 special=0x3\npfn_shift 8\n");
  EXPECT_EQ(s.range.pfns, (std::vector<u64>{0x10, 0x20, 0x30, 0}));
  EXPECT_EQ(s.range.default_flags, 0x10u);
  EXPECT_EQ(s.range.pfn_flags_mask, 0x20u);
  EXPECT_EQ(s.expectations[0].word, 0x2u);
  EXPECT_EQ(s.expectations[1].word, (0x7u << 8) | 0x30);
  EXPECT_EQ(s.expectations[1].count, 2u);
  round_trip(s);
}

TEST(ScenarioFormat, LaterRequestsWin) {
  Scenario s = parse_ok("range 0+32K\nrequest [0-8] V\nrequest [2-5] W\nrequest 0x3000 0\n"
                        "request [4+2] 0x40\nrequest 0x7000 VW\n");
  EXPECT_EQ(s.range.pfns, (std::vector<u64>{1, 1, 2, 0, 0x40, 0x40, 1, 3}));
  round_trip(s);
}

TEST(ScenarioFormat, Drivers) {
  Scenario a = parse_ok("driver amdgpu\nrange 0+4K\n");
  EXPECT_EQ(a.range.default_flags, 1u);
  EXPECT_EQ(a.range.pfn_flags_mask, 0u);
  std::string p = round_trip(a);
  EXPECT_NE(p.find("driver amdgpu\n"), std::string::npos) << p;
  Scenario n = parse_ok("driver nouveau\npfn_shift 10\nrange 0+4K\n");
  EXPECT_EQ(n.range.values[HMM_PFN_SPECIAL], ~1ull);
  EXPECT_EQ(n.range.pfn_shift, 10u);
  p = round_trip(n);
  EXPECT_NE(p.find("driver nouveau\npfn_shift 10\n"), std::string::npos) << p;
}

TEST(ScenarioFormat, CustomGeometries) {
  Scenario s = parse_ok("geometry custom page_shift=13 levels=5 bits=3,4,5,6,7\nrange 0+8K\n");
  EXPECT_EQ(s.world.geom.page_shift, 13u);
  EXPECT_EQ(s.world.geom.levels, 5u);
  EXPECT_EQ(s.world.geom.bits, (std::array<unsigned, 5>{3, 4, 5, 6, 7}));
  EXPECT_EQ(s.world.geom.name, "custom");
  round_trip(s);
  Scenario f = parse_ok("geometry custom bits=2,3,4,5 name=mine\nrange 0+4K\n");
  EXPECT_EQ(f.world.geom.levels, 4u);
  EXPECT_EQ(f.world.geom.bits, (std::array<unsigned, 5>{2, 3, 4, 0, 5}));
  EXPECT_EQ(f.world.geom.name, "mine");
  round_trip(f);
  for (const Geometry& g : builtin_geometries())
    EXPECT_EQ(parse_ok("geometry " + g.name + "\nrange 0+4K\n").world.geom, g);
}

// ---- entries at every level ----------------------------------------------------------

struct EntryCase {
  std::string text;
  Entry entry; // what encode() is given
};

// Every entry kind with its options, as text and as the logical entry it stands for.
std::vector<EntryCase> entry_cases(const Geometry& g, Level l, u64 zero_pfn) {
  u64 huge_pfn = (l == Level::Pte) ? 0 : (u64(3) << (g.shift(l) - g.page_shift));
  return {
      {"none", Entry{}},
      {"page pfn=0x1234", Entry{.kind = Kind::Page, .pfn = 0x1234}},
      {"page pfn=0x1234 write special",
       Entry{.kind = Kind::Page, .pfn = 0x1234, .write = true, .special = true}},
      {"page pfn=0x9 devmap", Entry{.kind = Kind::Page, .pfn = 0x9, .devmap = true}},
      {"zero", Entry{.kind = Kind::Zero, .pfn = zero_pfn}},
      {"zero write", Entry{.kind = Kind::Zero, .pfn = zero_pfn, .write = true}},
      {"protnone pfn=0x77", Entry{.kind = Kind::Protnone, .pfn = 0x77}},
      {"protnone pfn=0x77 write", Entry{.kind = Kind::Protnone, .pfn = 0x77, .write = true}},
      {"swap type=3 offset=0x55", Entry{.kind = Kind::Swap, .swap_type = 3, .offset = 0x55}},
      {"swap type=26 offset=0x3ffffffffffff",
       Entry{.kind = Kind::Swap, .swap_type = 26, .offset = 0x3ffffffffffffull}},
      {"migration pfn=0x400", Entry{.kind = Kind::Migration, .pfn = 0x400}},
      {"migration pfn=0x400 write", Entry{.kind = Kind::Migration, .pfn = 0x400, .write = true}},
      {"device pfn=0x401", Entry{.kind = Kind::Device, .pfn = 0x401}},
      {"device pfn=0x401 write", Entry{.kind = Kind::Device, .pfn = 0x401, .write = true}},
      {"hwpoison pfn=0x402", Entry{.kind = Kind::Hwpoison, .pfn = 0x402}},
      {fmt::format("huge pfn={:#x}", huge_pfn), Entry{.kind = Kind::Huge, .pfn = huge_pfn}},
      {fmt::format("huge pfn={:#x} write devmap special", huge_pfn),
       Entry{.kind = Kind::Huge, .pfn = huge_pfn, .write = true, .special = true, .devmap = true}},
      {fmt::format("huge pfn={:#x} protnone", huge_pfn),
       Entry{.kind = Kind::Huge, .pfn = huge_pfn, .protnone = true}},
      {"huge pfn=0x1", Entry{.kind = Kind::Huge, .pfn = 1}}, // misaligned except at PTE (illegal)
      {"bad 0x1e7", Entry{.kind = Kind::Bad, .word = 0x1e7}},
      {"bad 0x8000000000000067", Entry{.kind = Kind::Bad, .word = 0x8000000000000067ull}},
  };
}

// At each legal level of each geometry and context, an entry line parses iff encode() accepts
// the entry, to exactly encode()'s word, and the scenario round-trips.
void check_entries(const std::string& geometry) {
  const Geometry g = *builtin_geometry(geometry);
  for (Level l : kAllLevels) {
    if (l == Level::P4d && g.p4d_folded()) continue;
    // An address with a non-zero index at every level up to l, inside the address space.
    u64 addr = 0;
    for (Level u : kAllLevels)
      if (idx(u) >= idx(l) && !(u == Level::P4d && g.p4d_folded())) addr |= g.size(u);
    addr &= g.va_limit() - 1;
    std::string head = fmt::format("geometry {}\n", geometry);
    for (const EntryCase& c : entry_cases(g, l, 0x100)) {
      SCOPED_TRACE(fmt::format("{} {} {:#x} {}", geometry, level_name(l), addr, c.text));
      std::string text =
          head + fmt::format("{} {:#x} {}\nrange 0+4K\n", level_name(l), addr, c.text);
      const Context ctx = Context::Normal;
      Encoded enc = encode(g, l, c.entry, ctx);
      ParseResult r = parse_scenario(text, "e.hmm");
      if (enc.error) {
        ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << "accepted: " << text;
        const ParseError& e = std::get<ParseError>(r);
        EXPECT_EQ(e.loc.line, 2u);
        EXPECT_NE(e.message.find(*enc.error), std::string::npos) << e.str();
        continue;
      }
      ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<ParseError>(r).str();
      const Scenario& s = std::get<Scenario>(r);
      EXPECT_EQ(s.world.context_at(l, addr), ctx);
      const u64* slot = s.world.find_slot(l, addr);
      ASSERT_NE(slot, nullptr);
      EXPECT_EQ(*slot, enc.word);
      std::string printed = round_trip(s);
      // The printout uses the logical form (no raw word) for every word it can.
      if (encode(g, l, classify(g, l, enc.word, 0x100, ctx), ctx).word == enc.word) {
        EXPECT_EQ(printed.find(" raw "), std::string::npos) << printed;
      }
    }
  }
}

TEST(ScenarioFormat, EntriesAtEveryLevelX86_64) {
  check_entries("x86_64");
}
TEST(ScenarioFormat, EntriesAtEveryLevelLa57) {
  check_entries("x86_64-la57");
}
TEST(ScenarioFormat, EntriesAtEveryLevelTiny) {
  check_entries("tiny");
}
TEST(ScenarioFormat, EntriesAtEveryLevelTinyLa57) {
  check_entries("tiny-la57");
}
TEST(ScenarioFormat, EntriesAtEveryLevelTiny3) {
  check_entries("tiny3");
}

TEST(ScenarioFormat, HugetlbSlots) {
  // A hugetlb VMA whose page size is the level's size makes that level's entries PTE-like.
  for (const char* geometry : {"x86_64", "tiny", "x86_64-la57"}) {
    const Geometry g = *builtin_geometry(geometry);
    for (Level l : {Level::Pmd, Level::Pud}) {
      std::string vma =
          fmt::format("vma {{start:#x}}-{{end:#x}} read write hugetlb={:#x}\n", g.size(l));
      const Geometry gg = g;
      SCOPED_TRACE(fmt::format("{} {}", geometry, level_name(l)));
      // Only the slot level is checked with the hugetlb context.
      u64 addr = 0;
      for (Level u : kAllLevels)
        if (idx(u) >= idx(l) && !(u == Level::P4d && gg.p4d_folded())) addr |= gg.size(u);
      addr &= gg.va_limit() - 1;
      for (const EntryCase& c : entry_cases(gg, l, 0x100)) {
        std::string text = fmt::format("geometry {}\n", geometry) +
                           fmt::format(fmt::runtime(vma), fmt::arg("start", addr),
                                       fmt::arg("end", addr + gg.size(l))) +
                           fmt::format("{} {:#x} {}\nrange 0+4K\n", level_name(l), addr, c.text);
        Encoded enc = encode(gg, l, c.entry, Context::HugetlbSlot);
        ParseResult r = parse_scenario(text, "h.hmm");
        SCOPED_TRACE(text);
        if (enc.error) {
          ASSERT_TRUE(std::holds_alternative<ParseError>(r));
          EXPECT_NE(std::get<ParseError>(r).message.find(*enc.error), std::string::npos)
              << std::get<ParseError>(r).str();
          continue;
        }
        ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<ParseError>(r).str();
        const Scenario& s = std::get<Scenario>(r);
        EXPECT_EQ(s.world.context_at(l, addr), Context::HugetlbSlot);
        EXPECT_EQ(*s.world.find_slot(l, addr), enc.word);
        round_trip(s);
      }
    }
  }
}

TEST(ScenarioFormat, HugetlbSlotKindsAreAccepted) {
  Scenario s = parse_ok("geometry tiny\nvma 0-0x10000 read hugetlb=16K\n"
                        "pmd 0x0 huge pfn=0x4 write\npmd 0x4000 protnone pfn=0x8\n"
                        "pmd 0x8000 migration pfn=0xc write\npmd 0xc000 hwpoison pfn=0x10\n"
                        "range 0+16K\n");
  EXPECT_EQ(s.world.entry_at(Level::Pmd, 0x4000, Context::HugetlbSlot).kind, Kind::Protnone);
  EXPECT_EQ(s.world.entry_at(Level::Pmd, 0x8000, Context::HugetlbSlot).kind, Kind::Migration);
  round_trip(s);
  ParseError e =
      parse_err("geometry tiny\nvma 0-0x10000 read hugetlb=16K\npmd 0 table\nrange 0+4K\n");
  EXPECT_EQ(e.loc.line, 3u);
  EXPECT_EQ(e.loc.col, 7u);
  EXPECT_NE(e.message.find("cannot be a leaf"), std::string::npos);
}

// ---- raw words -----------------------------------------------------------------------

TEST(ScenarioFormat, RawWordsAtEveryLevel) {
  const std::vector<u64> words = {
      0x1,                   // present, nothing else
      0x60,                  // A/D only: none by the *_none tests, but not zero
      0x8000000000000000ull, // NX only
      0x80000000080000e7ull, // huge with NX
      0x0000008000001067ull, // a pointer to the second table (an alias, or a cycle)
      0x0000000123456027ull, // a table pointer to nowhere
      0x100,                 // protnone bit alone
      0xffffffffffffffffull, // everything
      0x4000000000000000ull, // swap type 8, offset all ones inverted
      0x0000000000200083ull, // PSE|RW|PRESENT
      0x0400000000001001ull, // DEVMAP|PRESENT
  };
  for (const char* geometry : {"x86_64", "x86_64-la57", "tiny"}) {
    const Geometry g = *builtin_geometry(geometry);
    for (Level l : kAllLevels) {
      if (l == Level::P4d && g.p4d_folded()) continue;
      for (u64 w : words) {
        SCOPED_TRACE(fmt::format("{} {} {:#x}", geometry, level_name(l), w));
        Scenario s = parse_ok(
            fmt::format("geometry {}\n{} 0 raw {:#x}\nrange 0+4K\n", geometry, level_name(l), w));
        const u64* slot = s.world.find_slot(l, 0);
        ASSERT_NE(slot, nullptr);
        EXPECT_EQ(*slot, w);
        std::string p = round_trip(s);
        Entry e = classify(g, l, w, 0x100);
        if (e.kind == Kind::Table || encode(g, l, e).word != w || encode(g, l, e).error) {
          EXPECT_NE(p.find(fmt::format("raw {:#x}  # ", w)), std::string::npos) << p;
        }
      }
    }
  }
}

TEST(ScenarioFormat, EntriesUnderARawPointer) {
  // A raw pointer (extra NX bit) to a table created beforehand with the table directive.
  Scenario s = parse_ok("geometry tiny\ntable pmd pfn=0x9000000\n"
                        "pud 0x0 raw 0x8000009000000067\npmd 0x4000 huge pfn=0x4 write\n"
                        "range 0+4K\n");
  EXPECT_EQ(
      *s.world.find_slot(Level::Pmd, 0x4000),
      encode(s.world.geom, Level::Pmd, Entry{.kind = Kind::Huge, .pfn = 4, .write = true}).word);
  EXPECT_EQ(s.world.tables().at(0x9000000).level, Level::Pmd);
  round_trip(s);
}

// ---- explicit tables -----------------------------------------------------------------

TEST(ScenarioFormat, ExplicitTablesKeepTheirPfns) {
  Scenario s = parse_ok("geometry x86_64\npud 0x40000000 table pfn=0x9000000\n"
                        "pmd 0x40200000 table pfn=0x8800000\npte 0x40201000 page pfn=0x1\n"
                        "pmd 0x40400000 table\npte 0x40400000 page pfn=0x2\n"
                        "pte 0x80000000 page pfn=0x3\nrange 0+4K\n");
  const World& w = s.world;
  EXPECT_TRUE(w.tables().contains(0x9000000));
  EXPECT_TRUE(w.tables().contains(0x8800000));
  EXPECT_EQ(w.tables().at(0x9000000).level, Level::Pmd);
  EXPECT_EQ(w.tables().at(0x8800000).level, Level::Pte);
  // Explicit pfns above next_table_pfn move it on: the next tables follow them.
  EXPECT_TRUE(w.tables().contains(0x9000001));
  EXPECT_EQ(w.next_table_pfn(), 0x9000004u);
  round_trip(s);
}

TEST(ScenarioFormat, EmptyTablesAndOrphans) {
  Scenario s = parse_ok("geometry tiny\npmd 0x0 table\npud 0x10000 table pfn=0x100\n"
                        "table pte pfn=0x50\nword 0x50 1 0x1234\nword 0x50 3 0x67\n"
                        "table pgd pfn=0x51\nrange 0+4K\n");
  EXPECT_EQ(s.world.tables().size(), 7u);
  EXPECT_EQ(s.world.table_words(0x50)[1], 0x1234u);
  round_trip(s);
}

TEST(ScenarioFormat, AliasedTables) {
  // Two PMD entries point to the same PTE table; a bad PMD word still leads to a table.
  Scenario s = parse_ok("geometry tiny\npte 0x0 page pfn=0x5\n"
                        "pmd 0x4000 raw 0x8000003067\n"
                        "table pte pfn=0x70\npmd 0x8000 bad 0x70061\npte 0x8000 page pfn=0x6\n"
                        "range 0+4K\n");
  const World& w = s.world;
  EXPECT_EQ(w.entry_at(Level::Pte, 0x4000).pfn, 0x5u); // through the alias
  EXPECT_EQ(w.entry_at(Level::Pmd, 0x8000).kind, Kind::Bad);
  EXPECT_EQ(w.entry_at(Level::Pte, 0x8000).pfn, 0x6u);
  round_trip(s);
}

// A small deterministic generator (splitmix64).
struct Rng {
  u64 x;
  u64 next() {
    u64 z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  u64 below(u64 n) { return next() % n; }
};

// Worlds built through the World API in orders no scenario text follows (tables allocated
// out of order, orphans, aliases, raw words anywhere) still print to text that reads back
// to the very same world.
TEST(ScenarioFormat, RandomWorldsRoundTrip) {
  std::vector<Geometry> geoms;
  for (const char* n : {"tiny", "tiny-la57", "tiny3", "x86_64"})
    geoms.push_back(*builtin_geometry(n));
  geoms.push_back(Geometry{"custom", 12, 4, {2, 3, 1, 0, 3}}); // tables of different sizes
  geoms.push_back(Geometry{"odd", 13, 5, {3, 1, 2, 2, 1}});
  for (u64 seed = 1; seed <= 400; ++seed) {
    Rng rng{seed};
    const Geometry g = geoms[rng.below(geoms.size())];
    Scenario s;
    s.name = fmt::format("random-{}", seed);
    s.world = World(g);
    World& w = s.world;
    if (rng.below(2)) {
      Level hl = rng.below(2) ? Level::Pmd : Level::Pud;
      u64 start = (rng.below(4)) * g.size(hl);
      w.vmas.insert(Vma{start, start + g.size(hl), vm::READ | vm::HUGETLB, true, g.size(hl)},
                    g.page_size());
    }
    std::vector<Level> levels;
    for (Level l : kAllLevels)
      if (!(l == Level::P4d && g.p4d_folded())) levels.push_back(l);
    auto random_addr = [&](Level l) {
      u64 span = std::min<u64>(g.va_limit(), u64(16) << g.shift(Level::Pud));
      return (rng.below(span) & g.mask(l)) & (g.va_limit() - 1);
    };
    unsigned ops = unsigned(rng.below(40));
    for (unsigned op = 0; op < ops; ++op) {
      unsigned what = unsigned(rng.below(10));
      if (what < 6) { // an entry somewhere, creating tables on the way
        Level l = levels[rng.below(levels.size())];
        u64 addr = random_addr(l);
        u64* slot = w.ensure_slot(l, addr);
        if (!slot) continue;
        Context ctx = w.context_at(l, addr);
        std::vector<EntryCase> cases = entry_cases(g, l, w.zero_pfn);
        Encoded enc = encode(g, l, cases[rng.below(cases.size())].entry, ctx);
        *slot = enc.error ? rng.next() : enc.word;
      } else if (what < 8) { // a table at an odd pfn, maybe pointed to
        Level tl = levels[rng.below(levels.size())];
        auto pfn = w.alloc_table(tl, World::kTablePfnBase - 0x100 + rng.below(0x400));
        if (!pfn || tl == Level::Pgd) continue;
        Level ul = static_cast<Level>(idx(tl) + 1);
        if (ul == Level::P4d && g.p4d_folded()) ul = Level::Pgd;
        if (u64* slot = w.ensure_slot(ul, random_addr(ul)); slot && *slot == 0)
          *slot = encode(g, ul, Entry{.kind = Kind::Table, .pfn = *pfn}).word;
      } else { // a raw word in a random table
        auto it = w.tables().begin();
        std::advance(it, rng.below(w.tables().size()));
        u64 pfn = it->first;
        u64 word = rng.below(3) == 0
                       ? encode(g, Level::Pmd, Entry{.kind = Kind::Table, .pfn = pfn}).word
                       : rng.next();
        w.table_words_mut(pfn)[rng.below(g.max_entries())] = word;
      }
    }
    s.range.start = 0;
    s.range.end = g.page_size() * 4;
    s.range.pfns = {1, 0, 3, 3};
    w.notifier = Notifier{0, s.range.end, 0, 0};
    SCOPED_TRACE(fmt::format("seed {}", seed));
    round_trip(s);
  }
}

// Worlds whose tables all hang where entries put them print as entry lines only (with
// `table pfn=` where the parser would pick another pfn), never as physical table/word lines.
TEST(ScenarioFormat, EntryWorldsPrintAsEntries) {
  for (u64 seed = 1; seed <= 200; ++seed) {
    Rng rng{seed};
    const Geometry g = builtin_geometries()[rng.below(builtin_geometries().size())];
    Scenario s;
    s.name = "entries";
    s.world = World(g);
    World& w = s.world;
    unsigned ops = 1 + unsigned(rng.below(30));
    for (unsigned op = 0; op < ops; ++op) {
      Level l = kAllLevels[rng.below(3)];
      u64 addr = rng.below(g.va_limit()) & g.mask(l);
      u64* slot = w.ensure_slot(l, addr);
      if (!slot) continue;
      std::vector<EntryCase> cases = entry_cases(g, l, w.zero_pfn);
      Encoded enc = encode(g, l, cases[rng.below(cases.size())].entry);
      if (!enc.error && *slot == 0) *slot = enc.word;
    }
    s.range = HmmRange{};
    s.range.end = g.page_size();
    s.range.pfns = {0};
    w.notifier = Notifier{0, g.page_size(), 0, 0};
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::string p = round_trip(s);
    EXPECT_EQ(p.find("\ntable "), std::string::npos) << p;
    EXPECT_EQ(p.find("\nword "), std::string::npos) << p;
  }
}

// ---- expectations --------------------------------------------------------------------

TEST(ScenarioFormat, ExpectationsOfEveryType) {
  Scenario s = parse_ok(R"(geometry tiny
vma 0-0x10000 read write
range 0x0-0x8000
expect ret 0
expect pfn 0x0 pfn=0x10 V
expect pfn 0x1000-0x3000 pfn=0x20+ V W
expect pfn [3] 0x1003+
expect pfn [4+2] none
expect pfn [6] special
expect pfn [7] error
expect pte 0x0 page pfn=0x10
expect pmd 0x4000 table pfn=0x8000009
expect pud 0x10000 none
expect pte 0x2000 raw 0x61
expect fault 0x0 read
expect fault 0x1000 flags=0x1 -> 0x4
expect wait pmd 0x4000
expect notifier_seq 2
)");
  ASSERT_EQ(s.expectations.size(), 13u);
  EXPECT_EQ(s.expectations[3].word, 0x1003u);
  EXPECT_TRUE(s.expectations[3].pfn_increments);
  EXPECT_EQ(s.expectations[5].word, HmmRange{}.values[HMM_PFN_SPECIAL]);
  EXPECT_EQ(s.expectations[11].log.size(), 3u);
  EXPECT_EQ(s.expectations[11].log[1].flags, 1u);
  EXPECT_EQ(s.expectations[11].log[1].result, fault::MAJOR);
  EXPECT_EQ(s.expectations[12].seq, 2u);
  round_trip(s);
  for (const char* ret :
       {"-EFAULT", "-EPERM", "-EBUSY", "-EINVAL", "-ENOMEM", "livelock", "5", "-3"}) {
    Scenario r = parse_ok(fmt::format("range 0+4K\nexpect ret {}\n", ret));
    round_trip(r);
    EXPECT_EQ(r.expectations[0].livelock, std::string(ret) == "livelock");
  }
  EXPECT_EQ(parse_ok("range 0+4K\nexpect ret -EFAULT\n").expectations[0].ret, -14);
  EXPECT_EQ(parse_ok("range 0+4K\nexpect ret -3\n").expectations[0].ret, -3);
  Scenario nf = parse_ok("range 0+4K\nexpect nofault\n");
  EXPECT_EQ(nf.expectations[0].type, Expectation::Type::Log);
  EXPECT_TRUE(nf.expectations[0].log.empty());
  round_trip(nf);
}

Outcome outcome_of(const Scenario& s) {
  Outcome o;
  o.ret = 0;
  o.pfns = s.range.pfns;
  o.world = s.world;
  return o;
}

const char* kChecked = R"(geometry tiny
vma 0-0x10000 read write
pte 0x0 page pfn=0x10
range 0x0-0x4000
expect ret 0
expect pfn [0-3] pfn=0x10+ V
expect pfn [3] none
expect pte 0x0 page pfn=0x10 write
expect pte 0x10000 none
expect fault 0x0 write
expect wait pte 0x1000
expect notifier_seq 1
)";

TEST(ScenarioCheck, AllExpectationsMet) {
  Scenario s = parse_ok(kChecked);
  Outcome o = outcome_of(s);
  o.pfns = {(0x10 << 12) | 1, (0x11 << 12) | 1, (0x12 << 12) | 1, 0};
  *o.world.find_slot_mut(Level::Pte, 0) |= x86::RW | x86::DIRTY;
  o.world.log = {
      Event{Event::Type::Fault, 0, fault::FLAG_REMOTE | fault::FLAG_WRITE, 0, Level::Pte},
      Event{Event::Type::Wait, 0x1000, 0, 0, Level::Pte}};
  o.world.notifier.seq = 1;
  std::vector<Failure> f = check_expectations(s, o);
  for (const Failure& x : f) ADD_FAILURE() << x.loc.line << ": " << x.message;
}

TEST(ScenarioCheck, EachUnmetExpectationIsReported) {
  Scenario s = parse_ok(kChecked);
  Outcome o = outcome_of(s);
  o.ret = -err::kEFAULT;
  o.pfns = {(0x10 << 12) | 1, (0x99 << 12) | 1, 0, 0};
  o.world.log = {Event{Event::Type::Fault, 0, fault::FLAG_REMOTE, 0, Level::Pte}};
  std::vector<Failure> f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].loc.line, 5u);
  EXPECT_EQ(f[0].loc.file, "t.hmm");
  EXPECT_EQ(f[0].message, "ret: expected 0, got -EFAULT");
  EXPECT_EQ(f[1].loc.line, 6u);
  EXPECT_NE(f[1].message.find("pfns[1] (0x1000): expected pfn=0x11 V (0x11001), got pfn=0x99 V"),
            std::string::npos)
      << f[1].message;
  EXPECT_NE(f[1].message.find("and 1 more"), std::string::npos) << f[1].message;
  EXPECT_EQ(f[2].loc.line, 8u);
  EXPECT_NE(f[2].message.find("pte 0x0: expected page pfn=0x10 write"), std::string::npos)
      << f[2].message;
  EXPECT_NE(f[2].message.find("got page pfn=0x10 ("), std::string::npos) << f[2].message;
  EXPECT_EQ(f[3].loc.line, 10u);
  EXPECT_NE(f[3].message.find("log[0]: expected fault 0x0 write, got fault 0x0 read"),
            std::string::npos)
      << f[3].message;
  EXPECT_EQ(f[4].loc.line, 12u);
  EXPECT_EQ(f[4].message, "notifier_seq: expected 1, got 0");
}

TEST(ScenarioCheck, LogLengthAndLivelock) {
  Scenario s = parse_ok("range 0+4K\nexpect ret livelock\nexpect nofault\n");
  Outcome o = outcome_of(s);
  o.livelock = true;
  EXPECT_TRUE(check_expectations(s, o).empty());
  o.livelock = false;
  o.world.log = {Event{Event::Type::Wait, 0x2000, 0, 0, Level::Pmd}};
  std::vector<Failure> f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].message, "ret: expected livelock, got 0");
  EXPECT_EQ(f[1].loc.line, 3u);
  EXPECT_NE(f[1].message.find("expected the end of the log, got wait pmd 0x2000"),
            std::string::npos)
      << f[1].message;
}

TEST(ScenarioCheck, EntryOnAMissingPathIsNone) {
  Scenario s =
      parse_ok("geometry tiny\nrange 0+4K\nexpect pte 0x40000 none\nexpect pte 0x80000 zero\n");
  Outcome o = outcome_of(s);
  std::vector<Failure> f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].loc.line, 4u);
  EXPECT_NE(f[0].message.find("got none (0x0) (no table reaches it)"), std::string::npos)
      << f[0].message;
}

TEST(ScenarioCheck, PfnsShorterThanExpected) {
  Scenario s = parse_ok("range 0+8K\nexpect pfn [1] none\n");
  Outcome o = outcome_of(s);
  o.pfns.resize(1);
  std::vector<Failure> f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("nothing (pfns[] has 1 entries)"), std::string::npos) << f[0].message;
}

// ---- the documentation ---------------------------------------------------------------

// Every ```hmm block of docs/scenario-format.md is a complete scenario that parses and
// round-trips: the examples cannot drift from the implementation.
TEST(ScenarioFormat, DocumentationExamples) {
  std::ifstream in(std::string(HMMSPEC_SOURCE_DIR) + "/docs/scenario-format.md");
  ASSERT_TRUE(in.good());
  std::string line, block;
  bool inside = false;
  unsigned blocks = 0;
  std::string indent;
  while (std::getline(in, line)) {
    size_t fence = line.find("```");
    if (!inside && fence != std::string::npos && line.substr(fence) == "```hmm") {
      inside = true;
      indent = line.substr(0, fence);
      block.clear();
      continue;
    }
    if (inside && fence != std::string::npos && line.substr(fence) == "```") {
      inside = false;
      ++blocks;
      SCOPED_TRACE(block);
      round_trip(parse_ok(block, "doc.hmm"));
      continue;
    }
    if (inside) block += line.substr(std::min(indent.size(), line.size())) + "\n";
  }
  EXPECT_GE(blocks, 8u);
}

// ---- robustness ----------------------------------------------------------------------

TEST(ScenarioFormat, HostileInputFailsCleanly) {
  // Bytes and shapes no scenario has: every one is a ParseError, none crashes.
  const std::vector<std::string> inputs = {
      std::string("range 0+4K\n\x01\x02\xff garbage\n"),
      std::string("range 0+4K\npte 0 page pfn=\x00\n", 28),
      "range 0+4K\nrequest [\n",
      "range 0+4K\nrequest []\n",
      "range 0+4K\nrequest [5-2] V\n",
      "range 0+4K\nrequest 0xffffffffffffffff V\n",
      "range 0+4K\nexpect pfn [0] pfn=\n",
      "range 0+4K\nexpect pfn [0] pfn=+\n",
      "range 0xfffffffffffff000+4K\n",
      "range 0-0xffffffffffffffff\n",
      "owner 0xffffffffffffffff 1\nrange 0+4K\n",
      "owner 0+0xffffffffffffffff 1\nrange 0+4K\n",
      "range 0+4K\nexpect ret -9223372036854775809\n",
      "range 0+4K\nexpect fault 0 read ->\n",
      "geometry custom bits=99999999999,2,2,2\nrange 0+4K\n",
      "geometry custom bits=2,2,2,2,2,2\nrange 0+4K\n",
      "geometry custom bits=,\nrange 0+4K\n",
      "range 0+4K\nflags valid=\n",
      "range 0+4K\n=\n",
      "range 0+4K\npte 0 page pfn=1 write=1\n",
      "range 0+4K\nword 0x8000000 99999999999999999999 1\n",
  };
  for (const std::string& in : inputs) {
    ParseResult r = parse_scenario(in, "h.hmm");
    ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << in;
    const ParseError& e = std::get<ParseError>(r);
    EXPECT_GE(e.loc.line, 1u) << in;
    EXPECT_GE(e.loc.col, 1u) << in;
    EXPECT_FALSE(e.message.empty());
  }
}

// Mutated scenarios either fail at a position inside the text, or parse and round-trip.
TEST(ScenarioFormat, MutatedScenariosFailCleanlyOrRoundTrip) {
  const std::vector<std::string> seeds = {
      kEveryDirective,
      "geometry tiny\nvma 0-0x40000 read write hugetlb=16K\npmd 0x0 huge pfn=0x4 write\n"
      "pte 0x30000 page pfn=0x9\ntable pte pfn=0x70\nword 0x70 2 0x1234\n"
      "range 0x0-0x8000\nrequest [0-4] VW\nexpect pfn [0-4] pfn=0x4+ V W\n",
  };
  const std::vector<std::string> words = {
      "0",    "0x1000", "0x200000", "4K",       "2M",      "1G",     "0x8000001",
      "-",    "+",      "[1]",      "[0-2]",    "V",       "W",      "VW",
      "none", "table",  "huge",     "pfn=0x10", "write",   "pte",    "pmd",
      "pud",  "pgd",    "p4d",      "raw",      "bad",     "0x67",   "range",
      "vma",  "expect", "request",  "inject",   "owner",   "tiny",   "x86_64-la57",
      "=",    "#",      "stale",    "null",     "forever", "sigbus", "0xffffffffffffffff"};
  Rng rng{42};
  unsigned parsed = 0;
  for (unsigned iter = 0; iter < 3000; ++iter) {
    std::vector<std::string> lines;
    {
      std::string base = seeds[rng.below(seeds.size())];
      size_t pos = 0;
      while (pos < base.size()) {
        size_t nl = base.find('\n', pos);
        lines.push_back(base.substr(pos, nl - pos));
        pos = nl + 1;
      }
    }
    for (unsigned m = 0, n = 1 + unsigned(rng.below(3)); m < n; ++m) {
      std::string& l = lines[rng.below(lines.size())];
      switch (rng.below(5)) {
      case 0: { // replace a token
        size_t sp = l.find(' ', rng.below(l.size() + 1));
        l = l.substr(0, sp == std::string::npos ? l.size() : sp) + " " +
            words[rng.below(words.size())];
        break;
      }
      case 1:
        l += " " + words[rng.below(words.size())];
        break;
      case 2:
        lines.push_back(l);
        break;
      case 3:
        if (!l.empty()) l[rng.below(l.size())] = char(rng.below(256));
        break;
      default:
        std::swap(l, lines[rng.below(lines.size())]);
        break;
      }
    }
    std::string text;
    for (const std::string& l : lines) text += l + "\n";
    SCOPED_TRACE(text);
    ParseResult r = parse_scenario(text, "m.hmm");
    if (auto* e = std::get_if<ParseError>(&r)) {
      EXPECT_GE(e->loc.line, 1u);
      EXPECT_LE(e->loc.line, lines.size() + 1);
      EXPECT_GE(e->loc.col, 1u);
      continue;
    }
    ++parsed;
    round_trip(std::get<Scenario>(r));
  }
  EXPECT_GT(parsed, 100u); // the property is not vacuous
}

TEST(ScenarioFormat, LargeRanges) {
  Scenario s = parse_ok("range 0+4G\nrequest 0+4G V\nrequest 0x1000 0\n");
  EXPECT_EQ(s.range.pfns.size(), 1ull << 20);
  EXPECT_EQ(s.range.pfns[0], 1u);
  EXPECT_EQ(s.range.pfns[1], 0u);
  EXPECT_EQ(s.range.pfns.back(), 1u);
  ParseError e = parse_err("range 0+0x1000001000\n"); // one page more than 2^24
  EXPECT_EQ(e.message, "range of 16777217 pages is too large (at most 16777216)");
}

} // namespace
} // namespace hmmspec

namespace hmmspec {
namespace {

// ---- sequences of calls -----------------------------------------------------------------

const char* const kSequence = "geometry tiny\n"
                              "vma 0x10000-0x18000 read write anon\n"
                              "pte 0x10000 page pfn=0x500 write\n"
                              "range 0x10000-0x12000\n"
                              "request [0] V\n"
                              "expect ret 2\n"
                              "expect pfn [0] pfn=0x500 V W\n"
                              "call\n"
                              "mprotect 0x10000-0x14000 r\n"
                              "madvise-dontneed 0x11000+4K\n"
                              "expect ret 2\n"
                              "expect pfn [0] pfn=0x500 V\n"
                              "expect notifier_seq 2\n"
                              "call\n"
                              "call\n"
                              "munmap 0x14000+0x4000\n"
                              "expect ret 2\n";

TEST(ScenarioFormat, SequenceOfCalls) {
  Scenario s = parse_ok(kSequence);
  ASSERT_EQ(s.expectations.size(), 2u); // the first call's
  ASSERT_EQ(s.calls.size(), 3u);
  const Call& c2 = s.calls[0];
  EXPECT_EQ(c2.loc.line, 8u);
  ASSERT_EQ(c2.ops.size(), 2u);
  EXPECT_EQ(c2.ops[0].op, (MmOp{MmOpKind::Mprotect, 0x10000, 0x14000, Prot::Read}));
  EXPECT_EQ(c2.ops[0].loc.line, 9u);
  EXPECT_EQ(c2.ops[1].op.kind, MmOpKind::MadviseDontneed);
  EXPECT_EQ(c2.ops[1].op.start, 0x11000u);
  EXPECT_EQ(c2.ops[1].op.end, 0x12000u);
  ASSERT_EQ(c2.expectations.size(), 3u);
  EXPECT_EQ(c2.expectations[0].type, Expectation::Type::Ret);
  EXPECT_EQ(c2.expectations[1].loc.line, 12u);
  EXPECT_EQ(c2.expectations[2].seq, 2u);
  EXPECT_TRUE(s.calls[1].ops.empty());
  EXPECT_TRUE(s.calls[1].expectations.empty());
  ASSERT_EQ(s.calls[2].ops.size(), 1u);
  EXPECT_EQ(s.calls[2].ops[0].op.kind, MmOpKind::Munmap);
  ASSERT_EQ(s.calls[2].expectations.size(), 1u);
  // the world is the first call's: the operations are applied when the scenario runs
  EXPECT_EQ(s.world.vmas.all().size(), 1u);
  EXPECT_EQ(s.world.vmas.all()[0].flags, vm::READ | vm::WRITE);
}

TEST(ScenarioFormat, SequenceRoundTrips) {
  std::string p = round_trip(kSequence);
  EXPECT_NE(p.find("\ncall\nmprotect 0x10000+0x4000 r\nmadvise-dontneed 0x11000+0x1000\n"
                   "expect ret 2\n"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("\ncall\n\ncall\nmunmap 0x14000+0x4000\nexpect ret 2"), std::string::npos) << p;
}

TEST(ScenarioFormat, SequenceOperationsAreTriedInOrder) {
  // after the munmap, the same pages are in no VMA: a later mprotect there is refused
  const std::string base = "geometry tiny\nvma 0x10000-0x18000 read write anon\n"
                           "range 0x10000-0x12000\ncall\nmunmap 0x14000+0x4000\n";
  ParseError e = parse_err(base + "mprotect 0x14000+0x1000 r\n");
  EXPECT_EQ(e.loc.line, 6u);
  EXPECT_NE(e.message.find("-ENOMEM"), std::string::npos) << e.message;
  // the lower half is still mapped
  parse_ok(base + "mprotect 0x10000+0x4000 r\n");
  // and each call may say its ret once
  parse_ok(base + "expect ret 2\ncall\nexpect ret 2\n");
}

} // namespace
} // namespace hmmspec
