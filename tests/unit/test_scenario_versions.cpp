// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel-version parts of the scenario format (docs/scenario-format.md, "Kernel
// versions"): the `kernel` directive and its order with `geometry`, the 6.x REQ and OUT words
// (6.1 include/linux/hmm.h:34-46), the kinds only 6.x words hold, device-coherent owners,
// highest_memmap_pfn, the v5.7-only directives refused in 6.x at their token, and the round
// trip of all of it through the printer.
#include "model/scenario_format.h"
#include "tests/unit/scenario_parsing.h"

#include <gtest/gtest.h>

#include <string>

#include "model/kernel_report.h"
#include "model/range_v6.h"
#include "model/swap_layout.h"

namespace hmmspec {
namespace {

// The error is at line:col and its message contains `part`.
void expect_error(const std::string& text, unsigned line, unsigned col, const std::string& part) {
  ParseError e = parse_err(text);
  EXPECT_EQ(e.loc.line, line) << e.str();
  EXPECT_EQ(e.loc.col, col) << e.str();
  EXPECT_NE(e.message.find(part), std::string::npos) << e.str();
}

// print -> parse gives the same scenario; printing that again gives the same text.
std::string versions_round_trip(const Scenario& s) {
  std::string p = print_scenario(s);
  ParseResult r = parse_scenario(p, "printed.hmm");
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << "printout does not parse: " << e->str() << "\n--- printout ---\n" << p;
    return p;
  }
  const Scenario& back = std::get<Scenario>(r);
  EXPECT_TRUE(back.world == s.world) << p;
  EXPECT_TRUE(back.range == s.range) << p;
  EXPECT_EQ(back.expectations.size(), s.expectations.size());
  for (size_t i = 0; i < s.expectations.size() && i < back.expectations.size(); ++i) {
    EXPECT_EQ(back.expectations[i].word, s.expectations[i].word) << i;
    EXPECT_EQ(back.expectations[i].entry_word, s.expectations[i].entry_word) << i;
    EXPECT_EQ(back.expectations[i].pfn_increments, s.expectations[i].pfn_increments) << i;
  }
  EXPECT_EQ(print_scenario(back), p) << "printing is not canonical";
  return p;
}

TEST(ScenarioVersions, KernelDefaultsTo5_7AndMayComeBeforeOrAfterGeometry) {
  EXPECT_EQ(parse_ok("range 0+4K\n").world.geom.kernel, KernelVersion::V5_7);
  Scenario a = parse_ok("kernel 6.1\ngeometry tiny\nrange 0+4K\n");
  EXPECT_EQ(a.world.geom.kernel, KernelVersion::V6_1);
  EXPECT_EQ(a.world.geom.name, "tiny");
  Scenario b = parse_ok("scenario x\ngeometry tiny\nkernel 6.12\nrange 0+4K\n");
  EXPECT_EQ(b.world.geom.kernel, KernelVersion::V6_12);
  EXPECT_EQ(b.world.geom.name, "tiny");
  Scenario c = parse_ok("kernel 5.7\nrange 0+4K\n");
  EXPECT_EQ(c.world.geom.kernel, KernelVersion::V5_7);
}

TEST(ScenarioVersions, KernelErrors) {
  expect_error("kernel 6.2\nrange 0+4K\n", 1, 8, "unknown kernel version '6.2'");
  expect_error("kernel 6.1\nkernel 6.1\nrange 0+4K\n", 2, 1, "duplicate 'kernel'");
  expect_error("vma 0x0-0x1000\nkernel 6.1\nrange 0+4K\n", 2, 1,
               "kernel must come before every directive but scenario, rule and geometry (line "
               "1 has 'vma')");
  expect_error("kernel\nrange 0+4K\n", 1, 1, "missing VERSION");
  expect_error("kernel 6.1 x\nrange 0+4K\n", 1, 12, "unexpected 'x'");
}

TEST(ScenarioVersions, RequestsUseTheFixedBitsIn6x) {
  Scenario s = parse_ok("kernel 6.1\nrange 0x0-0x4000\nrequest [0] V\nrequest [1] VW\n"
                        "request [2] W\nrequest [3] 0x5\ndefault_flags V\npfn_flags_mask VW\n");
  ASSERT_EQ(s.range.pfns.size(), 4u);
  EXPECT_EQ(s.range.pfns[0], hmm6::REQ_FAULT);
  EXPECT_EQ(s.range.pfns[1], hmm6::REQ_FAULT | hmm6::REQ_WRITE);
  EXPECT_EQ(s.range.pfns[2], hmm6::REQ_WRITE);
  EXPECT_EQ(s.range.pfns[3], 5u);
  EXPECT_EQ(s.range.default_flags, 1ull << 63);
  EXPECT_EQ(s.range.pfn_flags_mask, 3ull << 62);
  versions_round_trip(s);
  // The same lines in v5.7 mean the range's flags[].
  Scenario v = parse_ok("range 0x0-0x1000\nrequest [0] VW\n");
  EXPECT_EQ(v.range.pfns[0], 3u);
}

TEST(ScenarioVersions, OutputsUseTheFixedBitsIn6x) {
  Scenario s = parse_ok("kernel 6.12\nrange 0x0-0x8000\n"
                        "expect pfn [0] none\n"
                        "expect pfn [1] error\n"
                        "expect pfn [2] pfn=0x42 V W order=9\n"
                        "expect pfn [3-5] pfn=0x100+ V\n"
                        "expect pfn [5] 0x4000000000000123\n"
                        "expect pfn [6] pfn=0x7 order=31\n");
  ASSERT_EQ(s.expectations.size(), 6u);
  EXPECT_EQ(s.expectations[0].word, 0u);
  EXPECT_EQ(s.expectations[1].word, 1ull << 61);
  EXPECT_EQ(s.expectations[2].word, (1ull << 63) | (1ull << 62) | (9ull << 56) | 0x42);
  EXPECT_EQ(s.expectations[3].word, (1ull << 63) | 0x100);
  EXPECT_TRUE(s.expectations[3].pfn_increments);
  EXPECT_EQ(s.expectations[5].word, (31ull << 56) | 7);
  std::string p = versions_round_trip(s);
  EXPECT_NE(p.find("expect pfn 0x2000 pfn=0x42 V W order=9"), std::string::npos) << p;
  EXPECT_NE(p.find("expect pfn 0x5000 pfn=0x123 W"), std::string::npos) << p;
  // With `+` the pfn grows by one per page: the pfn sits at bit 0.
  Outcome o;
  o.world = s.world;
  o.pfns.assign(8, 0);
  o.pfns[0] = 0;
  o.pfns[1] = 1ull << 61;
  o.pfns[2] = s.expectations[2].word;
  o.pfns[3] = (1ull << 63) | 0x100;
  o.pfns[4] = (1ull << 63) | 0x101;
  o.pfns[5] = s.expectations[4].word;
  o.pfns[6] = s.expectations[5].word;
  EXPECT_TRUE(check_expectations(s, o).empty());
  o.pfns[4] = (1ull << 63) | 0x100;
  auto f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("expected pfn=0x101 V"), std::string::npos) << f[0].message;
}

TEST(ScenarioVersions, V5_7DirectivesAreErrorsIn6x) {
  expect_error("kernel 6.1\nrange 0+4K\ndriver nouveau\n", 3, 1, "part of the v5.7 API");
  expect_error("kernel 6.1\nrange 0+4K\nflags valid=1\n", 3, 1, "'flags' is part of the v5.7");
  expect_error("kernel 6.12\nrange 0+4K\nvalues none=0\n", 3, 1, "'values'");
  expect_error("kernel 6.1\nrange 0+4K\npfn_shift 10\n", 3, 1, "'pfn_shift'");
  expect_error("kernel 6.1\nrange 0+4K\nexpect pfn 0x0 special\n", 3, 16,
               "'special' is a v5.7 output");
  expect_error("range 0+4K\nexpect pfn 0x0 pfn=0x5 V order=9\n", 2, 26,
               "order= is a 6.x output field");
  expect_error("kernel 6.1\nrange 0+4K\nexpect pfn 0x0 pfn=0x5 order=32\n", 3, 24,
               "order must be at most 31");
  expect_error("kernel 6.1\nrange 0+4K\nexpect pfn 0x0 pfn=0x100000000000000\n", 3, 16,
               "overlaps the flag bits");
}

TEST(ScenarioVersions, KindsAVersionCannotHoldAreErrorsAtTheirToken) {
  expect_error("pte 0x1000 exclusive pfn=0x5\nrange 0+4K\n", 1, 12,
               "device-exclusive entries do not exist in v5.7");
  expect_error("pte 0x1000 marker uffd-wp\nrange 0+4K\n", 1, 12, "PTE markers do not exist");
  expect_error("kernel 6.12\npte 0x1000 swapin-error\nrange 0+4K\n", 2, 12,
               "swapin-error entries exist only in 6.1");
  expect_error("pte 0x1000 migration pfn=0x5 exclusive\nrange 0+4K\n", 1, 30,
               "read-exclusive migration entries do not exist in v5.7");
  expect_error("kernel 6.1\npte 0x1000 marker uffd-wp poisoned\nrange 0+4K\n", 2, 27,
               "poisoned PTE marker exists only in 6.12");
  expect_error("kernel 6.1\npte 0x1000 marker\nrange 0+4K\n", 2, 12, "marker needs uffd-wp");
  expect_error("kernel 6.1\npmd 0x200000 exclusive pfn=0x200\nrange 0+4K\n", 2, 14,
               "exist only in PTEs");
  expect_error("kernel 6.1\npte 0x1000 swap type=22 offset=1\nrange 0+4K\n", 2, 17,
               "swap type must be below 22");
  expect_error("kernel 6.1\npte 0x1000 device pfn=0x400000000\nrange 0+4K\n", 2, 19,
               "does not fit in the 34 pfn bits");
  expect_error("kernel 6.1\npte 0x1000 migration pfn=0x5 write exclusive\nrange 0+4K\n", 2, 12,
               "not both");
  expect_error("owner 0x10 0x7 coherent\nrange 0+4K\n", 1, 16,
               "device-coherent memory (MEMORY_DEVICE_COHERENT) does not exist in v5.7");
}

TEST(ScenarioVersions, EveryNewKindAndWorldLineRoundTrips) {
  const std::string text = "kernel 6.1\n"
                           "highest_memmap_pfn 0xfffff\n"
                           "vma 0x100000-0x200000 read write\n"
                           "vma 0x40000000-0x40400000 read write shared hugetlb=2M\n"
                           "owner 0x5000-0x5004 0x7\n"
                           "owner 0x5004-0x5008 0x7 coherent\n"
                           "owner 0x5008 null coherent\n"
                           "pte 0x100000 exclusive pfn=0x4444 write\n"
                           "pte 0x101000 exclusive pfn=0x4445\n"
                           "pte 0x102000 migration pfn=0x400 exclusive\n"
                           "pte 0x103000 migration pfn=0x401 write\n"
                           "pte 0x104000 swapin-error pfn=0x33\n"
                           "pte 0x105000 swapin-error\n"
                           "pte 0x106000 marker uffd-wp\n"
                           "pte 0x107000 raw 0xf7fffffffffffa00\n"
                           "pmd 0x40000000 marker uffd-wp\n"
                           "range 0x100000-0x108000\n"
                           "expect pte 0x100000 exclusive pfn=0x4444 write\n"
                           "expect pte 0x106000 none\n";
  Scenario s = parse_ok(text);
  EXPECT_EQ(s.world.highest_memmap_pfn, 0xfffffu);
  EXPECT_EQ(s.world.coherent_pfns.size(), 5u);
  EXPECT_TRUE(s.world.coherent_pfns.contains(0x5008));
  EXPECT_FALSE(s.world.coherent_pfns.contains(0x5003));
  EXPECT_EQ(s.world.entry_at(Level::Pte, 0x102000).kind, Kind::Migration);
  EXPECT_TRUE(s.world.entry_at(Level::Pte, 0x102000).exclusive);
  EXPECT_EQ(s.world.entry_at(Level::Pte, 0x107000).kind, Kind::Marker);
  std::string p = versions_round_trip(s);
  for (const char* line :
       {"kernel 6.1\n", "highest_memmap_pfn 0xfffff\n", "owner 0x5000-0x5004 0x7\n",
        "owner 0x5004-0x5008 0x7 coherent\n", "owner 0x5008 null coherent\n",
        "pte 0x100000 exclusive pfn=0x4444 write\n", "pte 0x102000 migration pfn=0x400 exclusive\n",
        "pte 0x104000 swapin-error pfn=0x33\n", "pte 0x105000 swapin-error\n",
        "pte 0x106000 marker uffd-wp\n", "pmd 0x40000000 marker uffd-wp\n",
        "expect pte 0x100000 exclusive pfn=0x4444 write\n"})
    EXPECT_NE(p.find(line), std::string::npos) << line << " not in\n" << p;
  // A marker word with bits pte_marker_get does not keep prints raw (the empty 6.1 marker).
  EXPECT_NE(p.find("pte 0x107000 raw 0xf7fffffffffffa00  # marker empty"), std::string::npos) << p;
  // No v5.7 encoding lines in a 6.x printout.
  EXPECT_EQ(p.find("flags"), std::string::npos) << p;
  EXPECT_EQ(p.find("pfn_shift"), std::string::npos) << p;
}

TEST(ScenarioVersions, PoisonedMarkersAndCustomGeometriesRoundTripIn6_12) {
  Scenario s = parse_ok("geometry custom page_shift=13 levels=5 bits=3,4,5,6,7 name=odd\n"
                        "kernel 6.12\n"
                        "pte 0x2000 marker poisoned\n"
                        "pte 0x4000 marker uffd-wp poisoned\n"
                        "pte 0x6000 migration pfn=0x9 exclusive\n"
                        "range 0x0-0x8000\nrequest [1] VW\nexpect pfn [1] error\n");
  EXPECT_EQ(s.world.entry_at(Level::Pte, 0x4000).marker, kMarkerUffdWp | kMarkerPoisoned);
  std::string p = versions_round_trip(s);
  EXPECT_NE(p.find("geometry custom page_shift=13 levels=5 bits=3,4,5,6,7 name=odd\nkernel 6.12"),
            std::string::npos)
      << p;
  // The built-in geometry is printed by name whatever the kernel.
  std::string q = versions_round_trip(parse_ok("geometry tiny\nkernel 6.12\nrange 0+4K\n"));
  EXPECT_NE(q.find("geometry tiny\nkernel 6.12\n"), std::string::npos) << q;
}

TEST(ScenarioVersions, V5_7PrintoutsHaveNoKernelLine) {
  std::string p =
      versions_round_trip(parse_ok("geometry tiny\nrange 0+4K\nhighest_memmap_pfn 0x55\n"));
  EXPECT_EQ(p.find("kernel"), std::string::npos) << p;
  EXPECT_NE(p.find("highest_memmap_pfn 0x55"), std::string::npos) << p;
}

// ---- expect report ------------------------------------------------------------------------

TEST(ScenarioReports, ExpectReportListsTheReportsInOrder) {
  Scenario s = parse_ok("kernel 6.1\ngeometry tiny\nrange 0+8K\n"
                        "expect report bad-pte 0x1000\n"
                        "expect report warn mm/memory.c:3757 0x1000\n"
                        "expect report bug mm/huge_memory.c:2005\n");
  ASSERT_EQ(s.expectations.size(), 1u);
  const Expectation& e = s.expectations[0];
  EXPECT_EQ(e.type, Expectation::Type::Reports);
  ASSERT_EQ(e.reports.size(), 3u);
  EXPECT_EQ(e.reports[0], (KernelReport{KernelReport::Kind::BadPte, "", 0x1000}));
  EXPECT_EQ(e.reports[1], (KernelReport{KernelReport::Kind::Warn, "mm/memory.c:3757", 0x1000}));
  EXPECT_EQ(e.reports[2], (KernelReport{KernelReport::Kind::Bug, "mm/huge_memory.c:2005", 0}));
  std::string p = versions_round_trip(s);
  EXPECT_NE(p.find("expect report warn mm/memory.c:3757 0x1000\n"), std::string::npos) << p;
  Scenario back = parse_ok(p);
  ASSERT_EQ(back.expectations.size(), 1u);
  EXPECT_EQ(back.expectations[0].reports, e.reports);
  EXPECT_NE(
      versions_round_trip(parse_ok("range 0+4K\nexpect noreport\n")).find("expect noreport\n"),
      std::string::npos);
}

// The report of a fault under the hugetlb VMA lock (model/kernel_report.h) is written and read
// back as a bug with its address.
TEST(ScenarioReports, TheHugetlbLockRecursionRoundTrips) {
  Scenario s = parse_ok("kernel 6.12\ngeometry tiny\nrange 0x10000+16K\n"
                        "expect report bug mm/hugetlb.c:6439 0x11000\n");
  ASSERT_EQ(s.expectations.size(), 1u);
  ASSERT_EQ(s.expectations[0].reports.size(), 1u);
  EXPECT_EQ(s.expectations[0].reports[0], hugetlb_vma_lock_recursion(0x11000));
  std::string p = versions_round_trip(s);
  EXPECT_NE(p.find("expect report bug mm/hugetlb.c:6439 0x11000\n"), std::string::npos) << p;
  EXPECT_EQ(parse_ok(p).expectations[0].reports, s.expectations[0].reports);
  EXPECT_EQ(describe(hugetlb_vma_lock_recursion(0x11000)),
            "BUG at mm/hugetlb.c:6439 (fault at 0x11000)");
}

TEST(ScenarioReports, Errors) {
  expect_error("range 0+4K\nexpect report\n", 2, 8, "bad-pte, warn or bug");
  expect_error("range 0+4K\nexpect report oops 0x0\n", 2, 15, "expected bad-pte, warn or bug");
  expect_error("range 0+4K\nexpect report bad-pte 0x10\n", 2, 23, "");
  expect_error("range 0+4K\nexpect report warn mm/memory.c\n", 2, 20, "expected FILE:LINE");
  expect_error("range 0+4K\nexpect report warn :12\n", 2, 20, "expected FILE:LINE");
  expect_error("range 0+4K\nexpect noreport\nexpect report bad-pte 0x0\n", 3, 8,
               "contradicts the expect noreport at line 2");
  expect_error("range 0+4K\nexpect report bad-pte 0x0\nexpect noreport\n", 3, 8,
               "contradicts the expect report at line 2");
  expect_error("range 0+4K\nexpect noreport\nexpect noreport\n", 3, 8, "duplicate");
}

// The call's own reports come first, then the fault model's; the list must match exactly.
TEST(ScenarioReports, CheckComparesTheCallsReportsThenTheWorlds) {
  Scenario s = parse_ok("range 0+4K\nexpect report bad-pte 0x0\n"
                        "expect report warn mm/memory.c:3757 0x0\n");
  Outcome o{.livelock = false,
            .ret = 0,
            .walks = 1,
            .pfns = {0},
            .world = s.world,
            .reports = {},
            .failure = {},
            .chunks = {},
            .refused_event = {}};
  o.reports.push_back(KernelReport{KernelReport::Kind::BadPte, "", 0});
  o.world.reports.push_back(KernelReport{KernelReport::Kind::Warn, "mm/memory.c:3757", 0});
  EXPECT_TRUE(check_expectations(s, o).empty());
  std::swap(o.reports, o.world.reports); // same reports, other order: a failure
  std::vector<Failure> f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].loc.line, 2u);
  EXPECT_NE(f[0].message.find("reports[0]: expected bad page map at 0x0, got WARN at "
                              "mm/memory.c:3757"),
            std::string::npos)
      << f[0].message;
  o.world.reports.clear();
  f = check_expectations(s, o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("expected 2 reports, got 1"), std::string::npos) << f[0].message;
  Scenario none = parse_ok("range 0+4K\nexpect noreport\n");
  EXPECT_EQ(check_expectations(none, o).size(), 1u);
  o.reports.clear();
  EXPECT_TRUE(check_expectations(none, o).empty());
}

} // namespace
} // namespace hmmspec
