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

#include "model/kernel_version.h"
#include "model/scenario.h"

namespace hmmspec::fuzz {

// Bump when io_case or build_case changes what any byte string means; then reseed the
// corpus (docs/fuzzing.md, "Changing the encoding"). History: 1, the first encoding; 2, ranges
// of at most 1,024 pages instead of 4,096 (long campaigns drifted to slow 4,096-page ranges).
// Encoding 2 also names the case's kernel version in byte 0 (below): a byte 0 of 2, as every
// input written before 6.x cases existed has, is a v5.7 case, read as it always was. 3, race
// events and later calls (v5.7 cases), read after every choice of encoding 2: an encoding-2
// input re-encoded from the case it decodes to decodes to that case again (with neither).
// 4, read after every choice of encoding 3 (v5.7 cases): each race's reach and the
// fault-returned point, the operation kinds beyond kFuzzMmOpKinds (fork, the migrations,
// reclaim, thp-split, thp-collapse), the driver loop and its `during` events. Exhausted input
// reads as none of them, so an encoding-3 input means what it meant, but for the bytes it left
// over, which encoding 4 reads (the corpus was re-encoded without them). 5, read after every
// choice of encoding 4 (v5.7 cases): mmap, cpu-read and cpu-write among the kinds of the
// calls' operations and the loop's events (the corpus was read as encoding 4 and re-encoded).
inline constexpr std::uint8_t kEncodingVersion = 5;

// Byte 0 of an input: the encoding version in its low four bits, the kernel version of the
// case (its index in kAllKernelVersions) in its high four. Any byte names a version (the
// index modulo the number of versions), so every byte string still decodes.
constexpr std::uint8_t input_header(KernelVersion v) {
  return std::uint8_t(kEncodingVersion | (unsigned(v) << 4));
}
constexpr std::uint8_t header_encoding(std::uint8_t b) {
  return b & 0x0f;
}
constexpr KernelVersion header_kernel(std::uint8_t b) {
  return kAllKernelVersions[(b >> 4) % kAllKernelVersions.size()];
}

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
  // 6.x only (model/swap_layout.h): read only from inputs of a 6.x case
  Exclusive,   // device-exclusive entry
  Marker,      // PTE marker
  SwapinError, // 6.1 swapin-error entry (6.12 has none: encoded as a PTE there fails, skipped)
};
inline constexpr unsigned kForms = 11;   // the forms of a v5.7 case
inline constexpr unsigned kFormsV6 = 14; // the forms of a 6.x case

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
  bool exclusive = false; // Migration (6.x): the read-exclusive variant
  u64 marker = 0;         // Marker (6.x): the marker bits (kMarkerUffdWp, kMarkerPoisoned)
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

// A race event (v5.7 only: World::races, model/race.h). Its address is resolved when the case
// is built, against the world the ops leave: the `entry`-th (modulo their number) of the entries
// of the point's level the range meets inside a VMA that is not hugetlb, those that are not none
// first (race_candidates), so that it is legal and usually fires.
struct FuzzRace {
  RacePoint point = RacePoint::PmdSeen;
  RaceOp op = RaceOp::Zap; // (split only at the PMD points: pud-locked zaps)
  u64 entry = 0;
  u64 at = 1; // the reach it fires at (encoding 4)
  bool operator==(const FuzzRace&) const = default;
};

// An mm operation of a later call (model/mm_ops.h): over pages [page, page + pages).
struct FuzzMmOp {
  MmOpKind kind = MmOpKind::Munmap;
  u64 page = 0, pages = 1;
  Prot prot = Prot::Read; // Mprotect only
  bool operator==(const FuzzMmOp&) const = default;
};

// A call after the first (Scenario::calls, v5.7 only): its operations, then the range again.
struct FuzzCall {
  std::vector<FuzzMmOp> ops;
  bool operator==(const FuzzCall&) const = default;
};

// A `during` event of the driver loop (World::driver_events, v5.7 only, encoding 4).
struct FuzzDriverEvent {
  DriverPoint point = DriverPoint::AfterCall;
  FuzzMmOp op;
  u64 at = 1;
  bool operator==(const FuzzDriverEvent&) const = default;
};

// The driver loop (Scenario::driver_loop, v5.7 only, encoding 4) and its events.
struct FuzzDriver {
  u64 chunk_pages = 64, tries = 8;
  std::vector<FuzzDriverEvent> events;
  bool operator==(const FuzzDriver&) const = default;
};

struct FuzzCase {
  // the kernel version whose words and API the case uses (byte 0 of the input)
  KernelVersion kernel = KernelVersion::V5_7;
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
  // 6.x only: device-coherent pfns (World::coherent_pfns), the highest pfn with a struct page
  std::vector<u64> coherent_pfns;
  u64 highest_memmap_pfn = ~0ull;
  std::vector<FuzzInjection> injections;
  u64 budget = 4;
  // v5.7 only (encoding 3): race events and the calls after the first
  std::vector<FuzzRace> races;
  std::vector<FuzzCall> calls;
  std::optional<FuzzDriver> driver; // (encoding 4)
  bool operator==(const FuzzCase&) const = default;
};

// The geometry a case names (custom geometries are clamped until valid).
Geometry case_geometry(const FuzzCase& c);

// bytes -> case. The first byte is the header (input_header): its encoding version is ignored
// by decoding (any byte string decodes; corpus files are checked to carry kEncodingVersion),
// its kernel version is the case's. `pinned` (a geometry selector, pinned_geometry_selector)
// replaces the geometry the input names; `version`, if given, the kernel version. `encoding`,
// below kEncodingVersion, reads the input as that earlier encoding did (the corpus is carried
// to a new encoding by reading each input so and encoding the case again).
FuzzCase decode_case(std::span<const std::uint8_t> bytes, std::optional<u64> pinned = std::nullopt,
                     std::optional<KernelVersion> version = std::nullopt,
                     unsigned encoding = kEncodingVersion);
// The geometry selector of a built-in geometry name ("tiny", "x86_64-la57", ...), for pinning.
std::optional<u64> pinned_geometry_selector(std::string_view name);
// case -> bytes that decode to the same case (fields out of the encoding's ranges clamped);
// byte 0 is input_header(c.kernel).
// `canonical`, if given, receives the case the bytes decode to (the clamped input).
std::vector<std::uint8_t> encode_case(FuzzCase c, FuzzCase* canonical = nullptr);

// case -> scenario of the case's kernel version: the world, the range and the restart budget,
// its races and driver loop, and (v5.7) its later calls and driver events (the bytes hold races
// and the loop for v5.7 cases only; a lifted 6.x case has them too). What the model would refuse
// is left out, deterministically, so that every case builds a scenario every party runs: a race
// with no candidate entry or a second one at the same point and entry, every race of a world
// whose tables do not form a tree (model/table_tree.h: the events are specified for trees only),
// and an operation or event the parser would refuse on the world the operations before it leave
// (apply_mm_op_line: the faults of the calls are not foreseen, so an operation they make
// inapplicable fails the run at its line, on every party alike).
Scenario build_case(const FuzzCase& c);
// The addresses a race at a point of `level` may take in world `w` for range `r`: the entries
// of that level the range meets inside a VMA that is not hugetlb (the walk reaches no other),
// those whose entry is not none first, each group in address order.
std::vector<u64> race_candidates(const World& w, const HmmRange& r, Level level);
// scenario -> a case that builds the same world and range (tables at their pfns, every
// word raw, the kernel version kept), with its races and later calls; expectations are
// dropped. A race outside the range (it never fires) and an operation kind the encoding has not
// (fuzz/case_io.h, kFuzzMmOpKinds) are dropped. Values beyond the encoding's ranges (ranges over
// 1024 pages, more than 256 tables or words, restart budgets over 64, more than 3 races or
// calls, ...) are clamped, so the result is then only close.
FuzzCase lift_scenario(const Scenario& s);

// A digest of everything a scenario's run depends on: geometry, world (tables, VMAs, owners,
// injections, notifier, allocator), range and budget. Stable across runs and builds.
u64 scenario_digest(const Scenario& s);

// A one-line summary of a case, for progress output: "tiny 12p 3 vmas 7 ops ...".
std::string case_summary(const FuzzCase& c);

} // namespace hmmspec::fuzz
