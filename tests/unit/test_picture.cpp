// SPDX-License-Identifier: GPL-2.0-or-later
// The picture of a walk (harness/picture.h): its cells cover the range once, in order, cut
// where a party differs and named by it; the tree shows the tables over the range with runs of
// none slots; the VMAs and gaps tile the range; the caps bound what is gathered.
#include "harness/check.h"
#include "harness/picture.h"
#include "model/reference.h"
#include "model/scenario_format.h"
#include "tests/unit/stub_party.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hmmspec {
namespace {

Scenario parse(const std::string& text) {
  ParseResult r = parse_scenario(text, "picture.hmm");
  EXPECT_TRUE(std::holds_alternative<Scenario>(r));
  return std::get<Scenario>(r);
}

// Two PTE pages, a gap, a THP: [0x200000, 0x800000) is 1536 pages.
Scenario mixed() {
  return parse("scenario mixed\n"
               "vma 0x200000-0x400000 read write anon\n"
               "vma 0x600000-0x800000 read write anon\n"
               "pte 0x200000 page pfn=0x1000 write\n"
               "pte 0x201000 page pfn=0x1001\n"
               "pmd 0x600000 huge pfn=0x2000 write\n"
               "range 0x200000-0x800000\n"
               "request 0x200000+8K V\n");
}

struct Drawn {
  Scenario s;
  Trace trace;
  Outcome ref;
  ScenarioRun run;
  Picture p;
};

Drawn draw(Scenario s, const std::vector<Party>& parties, const PictureLimits& limits = {}) {
  Drawn d;
  d.s = std::move(s);
  d.ref = reference_hmm_range_fault(d.s.world, d.s.range, d.s.options, &d.trace);
  d.run = run_scenario(d.s, parties);
  d.p = gather_picture(d.s, d.ref, d.trace, d.run, limits);
  return d;
}

void expect_cells_tile(const Picture& p) {
  u64 next = 0;
  for (const PageCell& c : p.cells) {
    EXPECT_EQ(c.first, next) << "cells are in page order, without holes or overlaps";
    EXPECT_GT(c.count, 0u);
    EXPECT_EQ(c.addr, p.start + c.first * p.page_size);
    next = c.first + c.count;
  }
  EXPECT_EQ(next, p.npages) << "the cells cover the range";
}

TEST(Picture, CellsCoverTheRangeAndNameThePartyThatDiffers) {
  // the walker returns another pfn for pages 1 and 2 (pfn+1 on page 1, page 2 valid)
  auto wrong = [](Outcome& o) {
    o.pfns[1] += 1ull << 12;
    o.pfns[2] = 0x3; // V|W at pfn 0: a word no party writes here
  };
  Drawn d = draw(mixed(), {stub(PartyKind::Reference, "reference"),
                           stub(PartyKind::Walker, "bad-walker", wrong)});
  const Picture& p = d.p;
  EXPECT_EQ(p.scenario, "mixed");
  EXPECT_EQ(p.npages, 1536u);
  expect_cells_tile(p);
  EXPECT_LT(p.cells.size(), 20u) << "a run of alike pages is one cell";
  u64 differing = 0;
  for (const PageCell& c : p.cells) {
    const bool in = c.first >= 1 && c.first < 3;
    if (!in) {
      EXPECT_TRUE(c.differ.empty()) << "page " << c.first;
      continue;
    }
    ASSERT_EQ(c.differ.size(), 1u) << "page " << c.first;
    EXPECT_EQ(c.differ[0].party, "bad-walker");
    EXPECT_EQ(c.differ[0].output,
              describe_output(d.s.range, d.run.results[1].outcome.pfns[c.first]));
    differing += c.count;
    EXPECT_LE(c.first + c.count, 3u) << "a cell is cut where the difference ends";
  }
  EXPECT_EQ(differing, 2u);
  ASSERT_EQ(p.parties.size(), 2u);
  EXPECT_TRUE(p.parties[0].ground_truth);
  EXPECT_EQ(p.parties[0].name, "reference");
  EXPECT_TRUE(p.parties[0].difference.empty());
  EXPECT_EQ(p.parties[1].pages_differing, 2u);
  EXPECT_NE(p.parties[1].difference.find("pfns[1]"), std::string::npos) << p.parties[1].difference;
  EXPECT_FALSE(p.divergence.empty());
}

TEST(Picture, AgreeingPartiesMarkNothing) {
  Drawn d =
      draw(mixed(), {stub(PartyKind::Reference, "reference"), stub(PartyKind::Walker, "walker")});
  for (const PageCell& c : d.p.cells) EXPECT_TRUE(c.differ.empty());
  for (const PartyLine& l : d.p.parties) EXPECT_EQ(l.pages_differing, 0u);
  EXPECT_TRUE(d.p.divergence.empty());
}

TEST(Picture, ClassesFollowTheOutputs) {
  Drawn d = draw(mixed(), {stub(PartyKind::Reference, "reference")});
  const Picture& p = d.p;
  expect_cells_tile(p);
  // pages: 0 VW, 1 V, 2-511 NONE (nothing requested), 512-1023 the gap: ERROR (nothing
  // requested), 1024-1535 the THP, writable
  auto class_of = [&](u64 page) {
    for (const PageCell& c : p.cells)
      if (c.first <= page && page < c.first + c.count) return c.cls;
    ADD_FAILURE() << "no cell has page " << page;
    return PageClass::NotWritten;
  };
  EXPECT_EQ(class_of(0), PageClass::ValidWrite);
  EXPECT_EQ(class_of(1), PageClass::Valid);
  EXPECT_EQ(class_of(2), PageClass::None);
  EXPECT_EQ(class_of(511), PageClass::None);
  EXPECT_EQ(class_of(512), PageClass::Error);
  EXPECT_EQ(class_of(1023), PageClass::Error);
  EXPECT_EQ(class_of(1024), PageClass::ValidWrite);
  EXPECT_EQ(class_of(1535), PageClass::ValidWrite);
  EXPECT_EQ(p.result, "1536");
  EXPECT_EQ(page_class_name(PageClass::ValidWrite), "valid-write");
  EXPECT_EQ(page_class_name(PageClass::NotWritten), "not-written");
}

TEST(Picture, PagesNoWalkWroteAreNotWritten) {
  // a read-only VMA asked for write: -EPERM at page 0 (a write fault on a VMA without VM_WRITE,
  // spec/fault-eperm.hmm), and nothing is written
  Drawn d = draw(parse("vma 0x200000-0x204000 read anon\n"
                       "range 0x200000-0x204000\n"
                       "request [0-4] VW\n"),
                 {stub(PartyKind::Reference, "reference")});
  expect_cells_tile(d.p);
  EXPECT_EQ(d.p.result, "-EPERM");
  for (const PageCell& c : d.p.cells) EXPECT_EQ(c.cls, PageClass::NotWritten) << c.first;
}

TEST(Picture, APageFaultedInIsAFaultCell) {
  Drawn d = draw(parse("vma 0x200000-0x204000 read write anon\n"
                       "pte 0x200000 page pfn=0x1000\n"
                       "range 0x200000-0x202000\n"
                       "request [0-2] V\n"),
                 {stub(PartyKind::Reference, "reference")});
  expect_cells_tile(d.p);
  ASSERT_EQ(d.p.cells.size(), 2u);
  EXPECT_EQ(d.p.cells[0].cls, PageClass::Valid) << "page 0 was mapped, before the fault: no fault";
  EXPECT_EQ(d.p.cells[1].cls, PageClass::Fault) << "page 1 was none: faulted in";
}

TEST(Picture, TheTreeShowsTheTablesOverTheRangeWithRunsOfNoneSlots) {
  Drawn d = draw(mixed(), {stub(PartyKind::Reference, "reference")});
  struct Row {
    Level level;
    Kind kind;
    u64 addr, count;
    unsigned depth;
  };
  std::vector<Row> want{
      {Level::Pgd, Kind::Table, 0, 1, 0},        {Level::Pud, Kind::Table, 0, 1, 1},
      {Level::Pmd, Kind::Table, 0x200000, 1, 2}, {Level::Pte, Kind::Page, 0x200000, 1, 3},
      {Level::Pte, Kind::Page, 0x201000, 1, 3},  {Level::Pte, Kind::None, 0x202000, 510, 3},
      {Level::Pmd, Kind::None, 0x400000, 1, 2},  {Level::Pmd, Kind::Huge, 0x600000, 1, 2}};
  ASSERT_EQ(d.p.tree.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const TreeRow& r = d.p.tree[i];
    EXPECT_EQ(r.level, want[i].level) << "row " << i;
    EXPECT_EQ(r.kind, want[i].kind) << "row " << i;
    EXPECT_EQ(r.addr, want[i].addr) << "row " << i;
    EXPECT_EQ(r.count, want[i].count) << "row " << i;
    EXPECT_EQ(r.depth, want[i].depth) << "row " << i;
  }
  EXPECT_EQ(d.p.tree_omitted, 0u);
}

TEST(Picture, RegionsTileTheRange) {
  Drawn d = draw(mixed(), {stub(PartyKind::Reference, "reference")});
  ASSERT_EQ(d.p.regions.size(), 3u);
  EXPECT_TRUE(d.p.regions[0].vma);
  EXPECT_FALSE(d.p.regions[1].vma) << "the gap";
  EXPECT_EQ(d.p.regions[1].start, 0x400000u);
  EXPECT_EQ(d.p.regions[1].end, 0x600000u);
  EXPECT_TRUE(d.p.regions[2].vma);
  EXPECT_EQ(d.p.regions.front().start, d.p.start);
  EXPECT_EQ(d.p.regions.back().end, d.p.end);
}

TEST(Picture, CapsBoundTheCellsAndTheRows) {
  Drawn full = draw(mixed(), {stub(PartyKind::Reference, "reference")});
  Drawn capped = draw(mixed(), {stub(PartyKind::Reference, "reference")}, PictureLimits{3, 2});
  ASSERT_GT(full.p.tree.size(), 3u);
  ASSERT_GT(full.p.cells.size(), 2u);
  EXPECT_EQ(capped.p.tree.size(), 3u);
  EXPECT_EQ(capped.p.tree_omitted, full.p.tree.size() - 3);
  EXPECT_EQ(capped.p.cells.size(), 2u);
  EXPECT_EQ(capped.p.cells_omitted, full.p.cells.size() - 2);
  EXPECT_EQ(capped.p.tree_cap, 3u);
  EXPECT_EQ(capped.p.cells_cap, 2u);
}

TEST(Picture, AHugeRangeCostsItsRunsNotItsPages) {
  // 2^20 pages of one VMA with nothing mapped and nothing requested: a handful of cells and rows
  Drawn d = draw(parse("vma 0x40000000-0x140000000 read anon\n"
                       "range 0x40000000-0x140000000\n"),
                 {stub(PartyKind::Reference, "reference")});
  EXPECT_EQ(d.p.npages, u64(1) << 20);
  expect_cells_tile(d.p);
  EXPECT_LE(d.p.cells.size(), 4u);
  EXPECT_LE(d.p.tree.size(), 4u);
}

} // namespace
} // namespace hmmspec
