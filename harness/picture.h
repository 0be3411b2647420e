// SPDX-License-Identifier: GPL-2.0-or-later
// What the picture of a walk shows (`hmmspec explain --html`, drawn by tools/html_picture.h):
// the range's VMAs and gaps, its page-table tree as the world holds it, and its pages as runs
// of alike pages (harness/explain.h for_each_page_group) with the request, the output, the
// rules that decided them and the parties that differ from the ground truth there. Gathered
// once, as plain values, so that the drawing has nothing left to compute.
//
// The size follows the runs, not the pages: a run of none slots is one row of the tree, a run
// of alike pages one cell, and both lists stop at a cap with the number left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/check.h"
#include "model/outcome.h"
#include "model/scenario.h"
#include "model/trace.h"

namespace hmmspec {

// How a page ended, by its output word and the log: the colour of its cell.
enum class PageClass : std::uint8_t {
  Valid,      // a page, read-only
  ValidWrite, // a page, writable
  Fault,      // a page that handle_mm_fault was called for in this call, and not an error
  Error,      // the error sentinel (v5.7 values[ERROR], 6.x HMM_PFN_ERROR)
  None,       // the none sentinel (v5.7 values[NONE], 6.x 0), or a word without VALID
  Special,    // v5.7 values[SPECIAL]
  NotWritten, // no walk wrote it: it holds its request
};
std::string_view page_class_name(PageClass c); // "valid", "valid-write", "fault", ...

// One row of the page-table tree: a slot of a table that covers part of the range, or a run of
// consecutive none slots of one table.
struct TreeRow {
  unsigned depth = 0; // 0: the root's entries
  Level level = Level::Pte;
  unsigned shift = 0; // log2 of the bytes one slot covers
  u64 addr = 0;       // the first address the slot covers
  u64 count = 1;      // slots in the row (more than 1 only for a run of none slots)
  Kind kind = Kind::None;
  bool hugetlb_slot = false; // read as a hugetlb slot (PTE predicates)
  u64 word = 0;              // the first slot's raw word
  std::string text;          // describe(entry): "huge pfn=0x2000 write", "none", ...
};

// A part of the range: a VMA (clipped to the range) or a gap between VMAs.
struct RangeRegion {
  u64 start = 0, end = 0;
  std::optional<Vma> vma; // nothing: a gap
};

// A party that differs from the ground truth on a cell: its output of the cell's first page.
struct CellDifference {
  std::string party;
  std::string output; // describe_output of its word ("(no entry)" when it has none)
};

// A run of alike pages of the range: one cell of the picture.
struct PageCell {
  u64 first = 0, count = 0; // pages [first, first + count) of the range
  u64 addr = 0;             // the first page's address
  PageClass cls = PageClass::NotWritten;
  std::string request;                // describe_request of what hmm reads ("-" without an entry)
  std::string output;                 // the reference's output of the first page, decoded
  std::vector<std::string> rules;     // "walk 1: R-A R-B", per walk
  std::vector<CellDifference> differ; // the parties that differ there (every page of the cell)
};

// A party's line: its result, and what first differs from the ground truth.
struct PartyLine {
  std::string name;
  bool ground_truth = false;
  std::string result; // "0", "-EFAULT", "livelock"
  std::size_t failed_expectations = 0;
  std::string difference;  // first_difference with the ground truth ("" if none)
  u64 pages_differing = 0; // pages whose output differs from the ground truth's
};

struct Picture {
  std::string scenario;
  std::string kernel;   // version_name
  std::string geometry; // its name
  u64 start = 0, end = 0, npages = 0, page_size = 0;
  std::string result; // the reference's
  unsigned walks = 0;
  std::vector<RangeRegion> regions;
  std::vector<TreeRow> tree;
  u64 tree_omitted = 0; // rows past the cap
  std::vector<PageCell> cells;
  u64 cells_omitted = 0; // cells past the cap
  std::vector<PartyLine> parties;
  std::string unsupported;                 // why no party ran (run_scenario), else ""
  std::string divergence;                  // divergence_text of the first divergence, else ""
  std::size_t tree_cap = 0, cells_cap = 0; // the limits it was gathered with
};

struct PictureLimits {
  std::size_t tree_rows = 400; // rows of the page-table tree drawn
  std::size_t cells = 1000;    // runs of pages drawn
};

// The picture of a call: `ref` and `t` are the traced reference's outcome and trace, `run` every
// party of the scenario's version on it (run_scenario).
Picture gather_picture(const Scenario& s, const Outcome& ref, const Trace& t,
                       const ScenarioRun& run, const PictureLimits& limits = {});

} // namespace hmmspec
