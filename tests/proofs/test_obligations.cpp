// SPDX-License-Identifier: GPL-2.0-or-later
// Runs the obligations of docs/proofs.md and checks every verdict, the preconditions each
// proof needs (the minimized unsat cores the documentation states), that each of them is
// shown necessary by a counterexample, and that every counterexample reproduces in the C++
// model (CheckResult::ok).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "proofs/proof_result.h"

namespace hmmspec::proofs {
namespace {

std::vector<CheckResult> run(const Encoding& e) {
  ProveOptions opt;
  opt.encodings = {e};
  opt.classifier = false;
  return run_proofs(opt);
}

const CheckResult& row(const std::vector<CheckResult>& rows, const std::string& id) {
  for (const CheckResult& r : rows)
    if (r.id == id) return r;
  static CheckResult missing;
  missing.id = "missing:" + id;
  ADD_FAILURE() << "no row " << id;
  return missing;
}

using Names = std::set<std::string>;
Names needs(const std::vector<CheckResult>& rows, const std::string& id) {
  const CheckResult& r = row(rows, id);
  EXPECT_EQ(r.verdict, Verdict::Proved) << id;
  return Names(r.needs.begin(), r.needs.end());
}

void expect_all_ok(const std::vector<CheckResult>& rows) {
  for (const CheckResult& r : rows)
    EXPECT_TRUE(r.ok()) << r.encoding << " " << r.id << ": " << verdict_name(r.verdict)
                        << " (expected " << verdict_name(r.expected) << ") " << r.replay << " "
                        << format_assignment(r.counterexample);
}

// Every precondition a proof needs has a Necessity row whose counterexample reproduces.
void expect_each_needed(const std::vector<CheckResult>& rows, const std::string& id) {
  for (const std::string& n : row(rows, id).needs) {
    const CheckResult& nr = row(rows, id + "/needs:" + n);
    EXPECT_EQ(nr.verdict, Verdict::Refuted) << nr.id;
    EXPECT_TRUE(nr.replay_ok) << nr.id << ": " << nr.replay;
  }
}

TEST(ProofObligations, SymbolicEncodingAsDocumented) {
  auto rows = run(symbolic_encoding());
  std::cout << format_table(rows, false);
  expect_all_ok(rows);
  for (const CheckResult& r : rows) EXPECT_FALSE(r.vacuous) << r.id;
  // P0, P1, P3, P4, the loop inductions and the unguarded shortcuts need no precondition.
  for (const char* id : {"P0.pte_need_fault",
                         "P0.range_need_fault.unrolled",
                         "P0.range_need_fault.induction.step",
                         "P0.cpu_flags_for",
                         "P0.device_entry_from_pfn",
                         "P1.pte",
                         "P1.range.unrolled",
                         "P3.pte",
                         "P3.range.unrolled",
                         "P4.unrolled",
                         "P4.induction.step",
                         "P7.S1.pte_cpu_flags",
                         "P7.S1.pte_cpu_index",
                         "P7.S4.aggregate.unrolled",
                         "P7.S4.aggregate.induction.step",
                         "P7.S7.only_with_special",
                         "P7.S8.pte_pfn",
                         "P7.S10.pud_huge_or_devmap",
                         "P7.S11.pmd_huge_or_devmap",
                         "P7.S12.pmd_present",
                         "P7.S13.pmd_protnone",
                         "P7.S13.pte_protnone",
                         "P7.S14.pmd_huge",
                         "P7.S15.pte_swap_type",
                         "P7.S15.pmd_swap_type",
                         "P7.S17.pte_need",
                         "P7.S18.decode_pte",
                         "P7.S19.plain_stops"})
    EXPECT_EQ(needs(rows, id), Names{}) << id;
  EXPECT_EQ(needs(rows, "P2.pte"), Names{"vw_disjoint"});
  EXPECT_EQ(needs(rows, "P2.range.unrolled"), Names{"vw_disjoint"});
  EXPECT_EQ(needs(rows, "P2.range.induction.step"), Names{"vw_disjoint"});
  EXPECT_EQ(needs(rows, "P2.weakest"), Names{"vw_overlap"});
  for (const char* id : {"P5.pte", "P5.pmd", "P5.pud"})
    EXPECT_EQ(needs(rows, id), Names{"v_nonzero"}) << id;
  EXPECT_EQ(needs(rows, "P6.shape"), Names{"flags_below_pfn_shift"});
  EXPECT_EQ(needs(rows, "P6.sentinel"),
            (Names{"none_is_no_output", "error_is_no_output", "special_is_no_output"}));
  EXPECT_EQ(needs(rows, "P6.page"), (Names{"v_nonzero", "none_is_no_output", "error_is_no_output",
                                           "special_is_no_output"}));
  EXPECT_EQ(needs(rows, "P6.pfn"), (Names{"flags_below_pfn_shift", "pfn_bits_plus_shift_le_64"}));
  EXPECT_EQ(needs(rows, "P6.write"), (Names{"w_nonzero", "vw_disjoint", "flags_below_pfn_shift"}));
  EXPECT_EQ(needs(rows, "P6.write_implies_valid"), Names{"v_nonzero"});
  // The shortcuts' guards: each one the walker tests before it takes the shortcut, and needed.
  const std::map<std::string, Names> guarded = {
      {"P7.S2.never_needs", {"never_needs"}},
      {"P7.S2.never_needs.unrolled", {"never_needs"}},
      {"P7.S3.uniform_request", {"uniform_request"}},
      {"P7.S3.uniform_request.unrolled", {"uniform_request"}},
      {"P7.S3.uniform_request.induction.step", {"uniform_request"}},
      {"P7.S5.cpu_satisfies_all", {"cpu_satisfies_all"}},
      {"P7.S5.cpu_satisfies_all.unrolled", {"cpu_satisfies_all"}},
      {"P7.S6.present_needs_fault", {"word_present"}},
      {"P7.S7.special_not_zero_page", {"word_present"}},
      {"P7.S9.plain_output", {"word_present"}},
      {"P7.S9.simple_output", {"word_present", "simple_output_applies"}},
      {"P7.S16.pfn_run.unrolled", {"flags_below_shift"}},
      {"P7.S16.pfn_run.induction.step", {"flags_below_shift"}},
      {"P7.S18.decode_pte.uniform", {"uniform_requests"}},
      {"P7.S19.plain_stops.uniform", {"uniform_requests"}}};
  for (const auto& [id, names] : guarded) {
    EXPECT_EQ(needs(rows, id), names) << id;
    if (id.find(".induction.") == std::string::npos) expect_each_needed(rows, id);
  }
  for (const char* id : {"P2.pte", "P2.range.unrolled", "P5.pte", "P5.pmd", "P5.pud", "P6.shape",
                         "P6.sentinel", "P6.page", "P6.pfn", "P6.write", "P6.write_implies_valid"})
    expect_each_needed(rows, id);
  // The documented findings of the seed itself.
  EXPECT_EQ(row(rows, "P2.write_without_valid").verdict, Verdict::Refuted);
  EXPECT_EQ(row(rows, "P6.valid_means_accessible").verdict, Verdict::Refuted);
}

TEST(ProofObligations, NouveauEncoding) {
  auto rows = run(*builtin_encoding("nouveau"));
  expect_all_ok(rows);
  for (const CheckResult& r : rows)
    if (r.kind == RowKind::Obligation) {
      EXPECT_EQ(r.verdict, Verdict::Proved) << r.id;
    }
  EXPECT_EQ(row(rows, "P2.write_without_valid").verdict,
            Verdict::Refuted); // requests come from pfns[]
  // Mask all ones: requests are per page, the uniform shortcuts are not taken.
  for (const char* id : {"P7.S2.never_needs.unrolled", "P7.S3.uniform_request.unrolled",
                         "P7.S18.decode_pte.uniform", "P7.S19.plain_stops.uniform"})
    EXPECT_TRUE(row(rows, id).vacuous) << id;
  EXPECT_FALSE(row(rows, "P7.S16.pfn_run.unrolled").vacuous);
  EXPECT_FALSE(row(rows, "P7.S9.simple_output").vacuous); // W is the RW bit, shift 12
  EXPECT_EQ(row(rows, "P6.valid_means_accessible").verdict, Verdict::Refuted);
  EXPECT_EQ(row(rows, "P6.sentinels.error_special_distinct").verdict, Verdict::Refuted); // ~1 twice
  EXPECT_EQ(row(rows, "P6.sentinels.none_distinct").verdict, Verdict::Proved);
  const CheckResult& wv = row(rows, "P6.sentinels.write_implies_valid");
  EXPECT_EQ(wv.verdict, Verdict::Refuted);
  EXPECT_NE(wv.replay.find("ERROR = 0xfffffffffffffffe has W and not V"), std::string::npos)
      << wv.replay;
  EXPECT_NE(wv.replay.find("SPECIAL = 0xfffffffffffffffe has W and not V"), std::string::npos)
      << wv.replay;
}

TEST(ProofObligations, AmdgpuEncoding) {
  auto rows = run(*builtin_encoding("amdgpu"));
  expect_all_ok(rows);
  for (const CheckResult& r : rows)
    if (r.kind == RowKind::Obligation) {
      EXPECT_EQ(r.verdict, Verdict::Proved) << r.id;
    }
  EXPECT_EQ(row(rows, "P2.write_without_valid").verdict, Verdict::Proved); // mask 0: defaults only
  // Mask 0: the uniform shortcuts apply.
  for (const char* id : {"P7.S3.uniform_request.unrolled", "P7.S18.decode_pte.uniform",
                         "P7.S19.plain_stops.uniform"})
    EXPECT_FALSE(row(rows, id).vacuous) << id;
  EXPECT_EQ(row(rows, "P6.sentinels.error_special_distinct").verdict, Verdict::Proved);
  const CheckResult& wv = row(rows, "P6.sentinels.write_implies_valid");
  EXPECT_EQ(wv.verdict, Verdict::Refuted);
  EXPECT_NE(wv.replay.find("ERROR = 0xfffffffffffffffe has W and not V"), std::string::npos)
      << wv.replay;
  EXPECT_EQ(wv.replay.find("SPECIAL"), std::string::npos) << wv.replay; // ~3 has neither V nor W
}

// The 6.x families: the request arithmetic (P0-P4) on the fixed bits and the output word
// (P0, P5, P9 of model/range_v6.h), for 6.1 and 6.12, cited in their own trees.
TEST(ProofObligations, V6FamiliesAsDocumented) {
  for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12}) {
    auto rows = run(v6_encoding(v));
    std::cout << format_table(rows, false);
    expect_all_ok(rows);
    const std::string tree = std::string(version_name(v)) + " "; // "6.1 mm/hmm.c:86-118"
    for (const CheckResult& r : rows) {
      EXPECT_FALSE(r.vacuous) << r.id;
      EXPECT_EQ(r.encoding, version_name(v));
      EXPECT_EQ(r.cite.rfind(tree, 0), 0u) << r.id << ": " << r.cite;
      EXPECT_EQ(r.id.rfind("P6.", 0), std::string::npos) << r.id; // v5.7's driver encoding
      EXPECT_EQ(r.id.rfind("P7.", 0), std::string::npos) << r.id; // v5.7's walker
    }
    // No precondition: the fixed bits meet P2's vw_disjoint by themselves.
    for (const char* id : {"P0.pte_need_fault",
                           "P0.range_need_fault.unrolled",
                           "P0.range_need_fault.induction.step",
                           "P1.pte",
                           "P1.range.unrolled",
                           "P2.pte",
                           "P2.range.unrolled",
                           "P2.range.induction.step",
                           "P3.pte",
                           "P3.range.unrolled",
                           "P4.unrolled",
                           "P4.induction.step",
                           "P0.pte.output",
                           "P0.pmd.output",
                           "P0.pud.output",
                           "P0.hugetlb.output",
                           "P0.device.output",
                           "P0.decode",
                           "P5.pte",
                           "P5.pmd",
                           "P5.pud",
                           "P9.pte.write_implies_valid",
                           "P9.pte.not_error",
                           "P9.pte.decode",
                           "P9.pmd.write_implies_valid",
                           "P9.pmd.not_error",
                           "P9.pmd.decode",
                           "P9.pud.write_implies_valid",
                           "P9.pud.not_error",
                           "P9.pud.decode",
                           "P9.device.write_implies_valid",
                           "P9.pte.valid_means_accessible"})
      EXPECT_EQ(needs(rows, id), Names{}) << version_name(v) << " " << id;
    // A hugetlb order must fit the 5-bit field; a device pfn must fit SWP_PFN_BITS.
    for (const char* id : {"P5.hugetlb", "P9.hugetlb.write_implies_valid", "P9.hugetlb.not_error",
                           "P9.hugetlb.decode"}) {
      EXPECT_EQ(needs(rows, id), Names{"order_fits_5_bits"}) << id;
      expect_each_needed(rows, id);
    }
    for (const auto& [phys, pre] : {std::pair{"46", "pfn_below_2_34"}, {"52", "pfn_below_2_40"}}) {
      for (const std::string stem : {"P9.device.not_error.", "P9.device.decode."}) {
        EXPECT_EQ(needs(rows, stem + phys), Names{pre}) << stem << phys;
        expect_each_needed(rows, stem + phys);
      }
      EXPECT_EQ(needs(rows, std::string("P9.order.") + phys), (Names{pre, "order_fits_5_bits"}));
      expect_each_needed(rows, std::string("P9.order.") + phys);
    }
    // 6.x also ignores WRITE without REQ_FAULT (6.1 include/linux/hmm.h:31-32).
    EXPECT_EQ(row(rows, "P2.write_without_valid").verdict, Verdict::Refuted);
  }
}

TEST(ProofObligations, BrokenEncodingsAreRefutedWithReplayedCounterexamples) {
  std::string err;
  // V and W share bit 0; NONE is the output of pfn 1, read-only.
  auto overlap = parse_encoding(
      "valid 1\nwrite 3\nerror ~1\nnone 0x1001\nspecial ~1\npfn_shift 12\n", "overlap", err);
  ASSERT_TRUE(overlap) << err;
  auto rows = run(*overlap);
  for (const char* id : {"P2.pte", "P2.range.unrolled", "P6.sentinel", "P6.page", "P6.write"}) {
    const CheckResult& r = row(rows, id);
    EXPECT_EQ(r.verdict, Verdict::Refuted) << id;
    EXPECT_TRUE(r.replay_ok) << id << ": " << r.replay;
    EXPECT_FALSE(r.ok()) << id; // an obligation the encoding fails
  }
  EXPECT_EQ(row(rows, "P6.pfn").verdict, Verdict::Proved);
  EXPECT_EQ(row(rows, "P5.pte").verdict, Verdict::Proved); // needs only V != 0
  // VALID above pfn_shift: decoding loses the pfn. Consecutive outputs do not step by
  // 1 << pfn_shift, so the walker's guard keeps it off the pfn-run shortcut (S16 vacuous).
  auto high = parse_encoding(
      "valid 0x100000\nwrite 2\nerror ~1\nnone 0\nspecial ~1\npfn_shift 12\n", "high", err);
  ASSERT_TRUE(high) << err;
  rows = run(*high);
  for (const char* id : {"P6.shape", "P6.pfn"}) {
    const CheckResult& r = row(rows, id);
    EXPECT_EQ(r.verdict, Verdict::Refuted) << id;
    EXPECT_TRUE(r.replay_ok) << id << ": " << r.replay;
  }
  EXPECT_TRUE(row(rows, "P7.S16.pfn_run.unrolled").vacuous);
}

TEST(ProofObligations, ClassifierDisagreementClasses) {
  ProveOptions opt;
  opt.encodings.clear();
  auto rows = run_proofs(opt);
  std::cout << format_table(rows, false);
  expect_all_ok(rows);
  std::map<std::string, Names> classes;
  for (const CheckResult& r : rows) {
    if (r.kind != RowKind::Class) continue;
    auto slash = r.id.find('/');
    classes[r.id.substr(0, slash)].insert(r.id.substr(slash + 1));
    EXPECT_TRUE(r.replay_ok) << r.id << ": " << r.replay;
  }
  for (const char* id : {"P8.pte", "P8.pmd", "P8.pgd_4level", "P8.p4d_5level", "P8.pgd_5level"}) {
    EXPECT_EQ(row(rows, id).verdict, Verdict::Proved) << id;
    EXPECT_EQ(classes.count(id), 0u) << id;
  }
  EXPECT_EQ(classes["P8.pud"],
            (Names{"kernel-split.model-huge-devmap-fill", "kernel-hole.model-huge-devmap-fill",
                   "kernel-split.model-huge-hole"}));
  Names hugetlb;
  for (const char* k : {"none", "swap", "migration", "device", "hwpoison"})
    hugetlb.insert(std::string("kernel-hugetlb-entry.model-") + k + "-hugetlb-entry.differ-pfn");
  EXPECT_EQ(classes["P8.pmd_hugetlb"], hugetlb);
  EXPECT_EQ(classes["P8.pud_hugetlb"], hugetlb);
}

} // namespace
} // namespace hmmspec::proofs
