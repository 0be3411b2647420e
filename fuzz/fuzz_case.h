// SPDX-License-Identifier: GPL-2.0-or-later
// A fuzz case: the structured form of one fuzzer input, between the bytes and the scenario.
//
//   bytes --decode_case--> FuzzCase --build_case--> Scenario (world, range, options)
//   Scenario --lift_scenario--> FuzzCase --encode_case--> bytes   (seeding the corpus)
//
// The fields hold resolved values (page numbers, pfns, words), so a case can be shrunk field
// by field (fuzz/minimize.h) and re-encoded. One function, io_case in fuzz/case_io.h, states
// the byte encoding for both directions; kEncodingVersion names it and is the first byte of
// every input. Every byte string decodes to a case and every case builds a valid scenario:
// out-of-range choices are clamped, entries that cannot be written where they are aimed
// (an upper level blocks the path) are skipped, never rejected.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario.h"

namespace hmmspec::fuzz {

// Bump when io_case or build_case changes what any byte string means; then reseed the
// corpus (docs/fuzzing.md, "Changing the encoding"). History: 1, the first encoding; 2, ranges
// of at most 1,024 pages instead of 4,096 (long campaigns drifted to slow 4,096-page ranges).
inline constexpr std::uint8_t kEncodingVersion = 2;

// The first pfns of ZONE_DEVICE pages the decoder draws from, so that device-private
// entries and owner registrations meet.
inline constexpr u64 kDevicePfnBase = 0x200;
inline constexpr u64 kDevicePfns = 8;

// A word written raw: a literal, or a pointer to one of the tables (by position in the
// world's table list when the op runs) with some flag bits flipped.
struct FuzzWord {
  bool pointer = false;
  u64 word = 0;   // the literal
  u64 table = 0;  // pointer: table position (modulo the number of tables)
  u64 garble = 0; // pointer: XORed into the pointer word (bits 0-11 and 52-63 only)
  bool operator==(const FuzzWord&) const = default;
};

// How an entry op states its word: a logical entry encoded by model/entry.h, a new table,
// or a raw word.
enum class Form : std::uint8_t {
  None,
  Page,
  Zero,
  Protnone,
  Swap,
  Migration,
  Device,
  Hwpoison,
  Huge,
  Table,
  Raw,
};
inline constexpr unsigned kForms = 11;

struct FuzzOp {
  enum class Type : std::uint8_t {
    Entry, // write the entry of `level` covering `page` (tables on the way are created)
    Word,  // write word `index` of the table at position `table`
    Table, // allocate an empty table for `level` at `pfn`
  } type = Type::Entry;
  Level level = Level::Pte;
  u64 page = 0; // Entry: page number of the address
  Form form = Form::None;
  u64 pfn = 0; // Entry: pfn or swap offset; Table: the table's pfn
  bool write = false, special = false, devmap = false, protnone = false;
  u64 swap_type = 0;
  FuzzWord raw;  // Entry (form Raw) and Word
  u64 table = 0; // Word: table position
  u64 index = 0; // Word: word index
  bool operator==(const FuzzOp&) const = default;
};

struct FuzzVma {
  u64 start = 0, end = 0; // byte addresses, page aligned (huge-page aligned for hugetlb)
  u64 flags = vm::READ;
  bool anonymous = true;
  u64 hugetlb_size = 0;
  bool operator==(const FuzzVma&) const = default;
};

struct FuzzOwner {
  u64 pfn = 0, owner = 0;
  bool operator==(const FuzzOwner&) const = default;
};

struct FuzzInjection {
  u64 page = 0;
  Injection what;
  bool operator==(const FuzzInjection&) const = default;
};

struct FuzzCase {
  // geometry: a selector (tiny ones favoured) or, for the last value, a custom geometry
  u64 geometry = 0;
  u64 page_shift = 12;
  bool la57 = false;
  std::array<u64, 5> bits{2, 2, 2, 2, 2};
  u64 zero_pfn = 0x100, next_pfn = 0x10000;
  // the range, in pages; start_page > end_page is an inverted range
  u64 start_page = 0, end_page = 1;
  std::array<u64, 2> flags{1, 2};
  std::array<u64, 3> values{~1ull, 0, ~3ull};
  u64 pfn_shift = 12;
  u64 default_flags = 0, pfn_flags_mask = ~0ull;
  u64 dev_private_owner = 0;
  std::vector<u64> requests; // one per page of the range (missing: 0)
  // the notifier (its interval in pages, its sequence) and the sequence the caller read
  u64 notifier_start = 0, notifier_end = 1, notifier_seq = 0, caller_seq = 0;
  std::vector<FuzzVma> vmas;
  std::vector<FuzzOp> ops;
  std::vector<FuzzOwner> owners;
  std::vector<u64> shared_pfns;
  std::vector<FuzzInjection> injections;
  u64 budget = 4;
  bool operator==(const FuzzCase&) const = default;
};

// The geometry a case names (custom geometries are clamped until valid).
Geometry case_geometry(const FuzzCase& c);

// bytes -> case. The first byte is the encoding version (ignored by decoding: any byte
// string decodes; corpus files are checked to carry kEncodingVersion). `pinned` (a geometry
// selector, pinned_geometry_selector) replaces the geometry the input names.
FuzzCase decode_case(std::span<const std::uint8_t> bytes, std::optional<u64> pinned = std::nullopt);
// The geometry selector of a built-in geometry name ("tiny", "x86_64-la57", ...), for pinning.
std::optional<u64> pinned_geometry_selector(std::string_view name);
// case -> bytes that decode to the same case (fields out of the encoding's ranges clamped).
// `canonical`, if given, receives the case the bytes decode to (the clamped input).
std::vector<std::uint8_t> encode_case(FuzzCase c, FuzzCase* canonical = nullptr);

// case -> scenario: the world, the range and the restart budget.
Scenario build_case(const FuzzCase& c);
// scenario -> a case that builds the same world and range (tables at their pfns, every
// word raw); expectations are dropped. Values beyond the encoding's ranges (ranges over 1024
// pages, more than 256 tables or words, restart budgets over 64, ...) are clamped, so the
// result is then only close.
FuzzCase lift_scenario(const Scenario& s);

// A digest of everything a scenario's run depends on: geometry, world (tables, VMAs, owners,
// injections, notifier, allocator), range and budget. Stable across runs and builds.
u64 scenario_digest(const Scenario& s);

// A one-line summary of a case, for progress output: "tiny 12p 3 vmas 7 ops ...".
std::string case_summary(const FuzzCase& c);

} // namespace hmmspec::fuzz
