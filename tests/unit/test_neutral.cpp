// SPDX-License-Identifier: GPL-2.0-or-later
// The version-neutral outcome (model/neutral.h) and the translation of worlds and ranges
// between kernel versions (model/translate.h).
#include "model/neutral.h"
#include "model/range_v6.h"
#include "model/swap_layout.h"
#include "model/translate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace hmmspec {
namespace {

using namespace x86;

constexpr KernelVersion V57 = KernelVersion::V5_7, V61 = KernelVersion::V6_1,
                        V612 = KernelVersion::V6_12;
using NK = NeutralPfn::Kind;

World world(KernelVersion k, const char* geometry = "x86_64") {
  Geometry g = *builtin_geometry(geometry);
  g.kernel = k;
  World w(g);
  auto err = w.vmas.insert(Vma{0x100000, 0x400000, vm::READ | vm::WRITE, true, 0}, 4096);
  EXPECT_FALSE(err);
  return w;
}

void put(World& w, Level l, u64 addr, const Entry& e) {
  auto err = w.put_entry(l, addr, e, w.context_at(l, addr));
  ASSERT_FALSE(err) << *err;
}

// ---- the neutral outcome --------------------------------------------------------------

TEST(Neutral, OutputsDecodeByVersion) {
  HmmRange r; // v5.7 defaults: V 1, W 2, ERROR ~1, NONE 0, SPECIAL ~3, shift 12
  EXPECT_EQ(neutral_output(V57, r, ~1ull).kind, NK::Error);
  EXPECT_EQ(neutral_output(V57, r, 0).kind, NK::None);
  EXPECT_EQ(neutral_output(V57, r, ~3ull).kind, NK::Special);
  EXPECT_EQ(neutral_output(V57, r, (0x42ull << 12) | 3),
            (NeutralPfn{NK::Pfn, 0x42, true, true, 0}));
  EXPECT_EQ(neutral_output(V57, r, (0x42ull << 12) | 1),
            (NeutralPfn{NK::Pfn, 0x42, true, false, 0}));
  // nouveau's ERROR and SPECIAL are one word: it reads as the first, ERROR.
  HmmRange nv;
  ASSERT_TRUE(apply_driver_encoding(nv, "nouveau"));
  EXPECT_EQ(neutral_output(V57, nv, nv.values[HMM_PFN_SPECIAL]).kind, NK::Error);
  // A custom encoding: pfn_shift 8, flags 0x10 and 0x20.
  HmmRange c;
  c.flags = {0x10, 0x20};
  c.pfn_shift = 8;
  EXPECT_EQ(neutral_output(V57, c, (0x42ull << 8) | 0x10),
            (NeutralPfn{NK::Pfn, 0x42, true, false, 0}));
  // 6.x: fixed bits, whatever the range's unused v5.7 fields say.
  EXPECT_EQ(neutral_output(V61, c, 0).kind, NK::None);
  EXPECT_EQ(neutral_output(V61, c, hmm6::ERROR).kind, NK::Error);
  EXPECT_EQ(neutral_output(V612, c, hmm6::ERROR | hmm6::VALID).kind, NK::Error);
  EXPECT_EQ(neutral_output(V61, c, hmm6::VALID | hmm6::WRITE | (9ull << 56) | 0x42),
            (NeutralPfn{NK::Pfn, 0x42, true, true, 9}));
  // The same page, read by the two APIs, is the same neutral output.
  EXPECT_EQ(neutral_output(V57, r, (0x42ull << 12) | 3),
            neutral_output(V61, r, hmm6::VALID | hmm6::WRITE | 0x42));
  EXPECT_EQ(describe(NeutralPfn{NK::Pfn, 0x42, true, false, 9}), "pfn=0x42 V order=9");
  EXPECT_EQ(describe(NeutralPfn{NK::Special}), "special");
}

TEST(Neutral, ReturnClasses) {
  Outcome o;
  o.ret = 5; // v5.7: the page count
  EXPECT_EQ(neutral_ret(o), (NeutralRet{RetClass::Success, 5}));
  o.ret = 0;
  EXPECT_EQ(neutral_ret(o).cls, RetClass::Success);
  o.ret = -14;
  EXPECT_EQ(neutral_ret(o), (NeutralRet{RetClass::Efault, -14}));
  o.ret = -16;
  EXPECT_EQ(neutral_ret(o).cls, RetClass::Ebusy);
  o.ret = -1;
  EXPECT_EQ(neutral_ret(o).cls, RetClass::Eperm);
  o.ret = -22;
  EXPECT_EQ(neutral_ret(o).cls, RetClass::Einval);
  o.ret = -12;
  EXPECT_EQ(neutral_ret(o).cls, RetClass::Enomem);
  o.ret = -5;
  EXPECT_EQ(neutral_ret(o), (NeutralRet{RetClass::Other, -5}));
  o.livelock = true;
  EXPECT_EQ(neutral_ret(o), (NeutralRet{RetClass::Livelock, 0}));
  EXPECT_EQ(ret_class_name(RetClass::Efault), "-EFAULT");
  EXPECT_EQ(ret_class_name(RetClass::Success), "success");
}

TEST(Neutral, EntriesAreLogicalWhateverTheWordsAndTablePfns) {
  World a = world(V57);
  World b = world(V61);
  b.alloc_table(Level::Pmd); // b's tables land on other pfns
  for (World* w : {&a, &b}) {
    put(*w, Level::Pte, 0x100000, Entry{.kind = Kind::Device, .pfn = 0x321, .write = true});
    put(*w, Level::Pte, 0x101000, Entry{.kind = Kind::Migration, .pfn = 0x44});
    put(*w, Level::Pte, 0x102000, Entry{.kind = Kind::Page, .pfn = 0x45, .write = true});
    put(*w, Level::Pte, 0x103000, Entry{.kind = Kind::Swap, .swap_type = 3, .offset = 9});
  }
  ASSERT_NE(*a.find_slot(Level::Pte, 0x100000), *b.find_slot(Level::Pte, 0x100000));
  ASSERT_NE(a.tables(), b.tables());
  std::vector<NeutralEntry> na = neutral_entries(a), nb = neutral_entries(b);
  EXPECT_EQ(na, nb);
  ASSERT_EQ(na.size(), 7u); // PGD, PUD, PMD pointers and four PTEs
  EXPECT_EQ(na[0].entry.kind, Kind::Table);
  EXPECT_EQ(na[0].entry.pfn, 0u);
  EXPECT_EQ(describe(na[3]), "pte 0x100000: device pfn=0x321 write");
  EXPECT_EQ(na[3].entry.word, 0u);
  // A different entry is a difference.
  put(b, Level::Pte, 0x103000, Entry{.kind = Kind::Swap, .swap_type = 3, .offset = 10});
  EXPECT_NE(neutral_entries(a), neutral_entries(b));
}

TEST(Neutral, OutcomeGathersEveryPart) {
  World w = world(V61);
  w.log.push_back(Event{Event::Type::Fault, 0x100000, fault::FLAG_REMOTE, fault::VM_SIGBUS});
  w.notifier.seq = 4;
  w.reports.push_back(KernelReport{KernelReport::Kind::Warn, "mm/memory.c:3757", 0x100000});
  HmmRange r;
  r.start = 0x100000;
  r.end = 0x102000;
  Outcome o{.livelock = false,
            .ret = 0,
            .walks = 1,
            .pfns = {0, hmm6::VALID | 0x5},
            .world = w,
            .reports = {KernelReport{KernelReport::Kind::BadPte, "", 0x101000}},
            .failure = {},
            .chunks = {},
            .refused_event = {}};
  NeutralOutcome n = neutral_outcome(r, o);
  EXPECT_EQ(n.ret.cls, RetClass::Success);
  ASSERT_EQ(n.pfns.size(), 2u);
  EXPECT_EQ(n.pfns[0].kind, NK::None);
  EXPECT_EQ(n.pfns[1], (NeutralPfn{NK::Pfn, 5, true, false, 0}));
  EXPECT_EQ(n.log, w.log);
  EXPECT_EQ(n.notifier_seq, 4u);
  ASSERT_EQ(n.reports.size(), 2u);
  EXPECT_EQ(n.reports[0], (NeutralReport{KernelReport::Kind::BadPte, 0x101000}));
  EXPECT_EQ(n.reports[1], (NeutralReport{KernelReport::Kind::Warn, 0x100000}));
}

// ---- translating worlds and ranges ----------------------------------------------------

TEST(Translate, SwapTypeWordsAreReencodedAndTheRestKept) {
  World a = world(V57);
  put(a, Level::Pte, 0x100000, Entry{.kind = Kind::Device, .pfn = 0x321, .write = true});
  put(a, Level::Pte, 0x101000, Entry{.kind = Kind::Migration, .pfn = 0x44, .write = true});
  put(a, Level::Pte, 0x102000, Entry{.kind = Kind::Hwpoison, .pfn = 0x46});
  put(a, Level::Pte, 0x103000, Entry{.kind = Kind::Swap, .swap_type = 21, .offset = 9});
  put(a, Level::Pte, 0x104000, Entry{.kind = Kind::Page, .pfn = 0x45, .write = true});
  put(a, Level::Pmd, 0x200000, Entry{.kind = Kind::Migration, .pfn = 0x200});
  *a.find_slot_mut(Level::Pte, 0x100000) |= RW; // soft-dirty: kept
  for (KernelVersion to : {V61, V612}) {
    SCOPED_TRACE(version_name(to));
    auto t = translate_world(a, to);
    ASSERT_TRUE(std::holds_alternative<World>(t)) << std::get<std::string>(t);
    const World& b = std::get<World>(t);
    EXPECT_EQ(b.geom.kernel, to);
    EXPECT_EQ(neutral_entries(a), neutral_entries(b));
    EXPECT_EQ(b.tables().size(), a.tables().size());
    EXPECT_EQ(*b.find_slot(Level::Pte, 0x104000), *a.find_slot(Level::Pte, 0x104000));
    EXPECT_NE(*b.find_slot(Level::Pte, 0x101000), *a.find_slot(Level::Pte, 0x101000));
    EXPECT_EQ(
        *b.find_slot(Level::Pte, 0x100000),
        encode(b.geom, Level::Pte, Entry{.kind = Kind::Device, .pfn = 0x321, .write = true}).word |
            RW);
    // And back again: the very words of the v5.7 world.
    auto back = translate_world(b, V57);
    ASSERT_TRUE(std::holds_alternative<World>(back));
    EXPECT_TRUE(std::get<World>(back) == a);
  }
  auto same = translate_world(a, V57);
  ASSERT_TRUE(std::holds_alternative<World>(same));
  EXPECT_TRUE(std::get<World>(same) == a);
}

TEST(Translate, EntriesATargetCannotHoldAreErrorsNamingThem) {
  World a = world(V57);
  put(a, Level::Pte, 0x105000, Entry{.kind = Kind::Swap, .swap_type = 22, .offset = 9});
  auto t = translate_world(a, V61); // 6.1 has 22 swap files, 6.12 has 23
  ASSERT_TRUE(std::holds_alternative<std::string>(t));
  EXPECT_EQ(std::get<std::string>(t),
            "pte 0x105000: swap type=22 offset=0x9: swap type must be below 22 in v6.1");
  EXPECT_TRUE(std::holds_alternative<World>(translate_world(a, V612)));
  put(a, Level::Pte, 0x106000, Entry{.kind = Kind::Swap, .swap_type = 26, .offset = 9});
  EXPECT_TRUE(std::holds_alternative<std::string>(translate_world(a, V612)));
}

TEST(Translate, SixXKindsDoNotGoBackTo5_7) {
  World b = world(V61);
  put(b, Level::Pte, 0x100000, Entry{.kind = Kind::Marker, .marker = kMarkerUffdWp});
  auto t = translate_world(b, V57);
  ASSERT_TRUE(std::holds_alternative<std::string>(t));
  EXPECT_EQ(std::get<std::string>(t),
            "pte 0x100000: marker uffd-wp: PTE markers do not exist in v5.7");
  auto u = translate_world(b, V612); // 6.1 -> 6.12: a marker moves from type 30 to 31
  ASSERT_TRUE(std::holds_alternative<World>(u));
  EXPECT_EQ(swp_type(*std::get<World>(u).find_slot(Level::Pte, 0x100000)), 31u);
  World c = world(V61);
  put(c, Level::Pte, 0x100000, Entry{.kind = Kind::SwapinError, .pfn = 3});
  auto v = translate_world(c, V612);
  ASSERT_TRUE(std::holds_alternative<std::string>(v));
  EXPECT_NE(std::get<std::string>(v).find("swapin-error entries exist only in 6.1"),
            std::string::npos);
  World d = world(V61);
  d.device_owner[0x500] = 7;
  d.coherent_pfns.insert(0x500);
  auto x = translate_world(d, V57);
  ASSERT_TRUE(std::holds_alternative<std::string>(x));
  EXPECT_NE(std::get<std::string>(x).find("device-coherent"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<World>(translate_world(d, V612)));
  // A v5.7 pfn wider than a 6.x swap entry's pfn field.
  World e = world(V57);
  put(e, Level::Pte, 0x100000, Entry{.kind = Kind::Device, .pfn = 1ull << 34});
  auto y = translate_world(e, V61);
  ASSERT_TRUE(std::holds_alternative<std::string>(y));
  EXPECT_NE(std::get<std::string>(y).find("does not fit in the 34 pfn bits"), std::string::npos);
}

// An upper entry pointing to a table of another level (here a PUD entry to the root table)
// makes that table's words entries of two levels at once: the world has no logical reading to
// carry over, so every other version is refused; a table shared at one level is not.
TEST(Translate, ATableReadAtTwoLevelsIsNotTranslated) {
  World a = world(V57);
  put(a, Level::Pte, 0x100000, Entry{.kind = Kind::Page, .pfn = 0x42});
  u64* pud = a.find_slot_mut(Level::Pud, 0x100000);
  ASSERT_NE(pud, nullptr);
  u64* other = a.find_slot_mut(Level::Pud, 0x40000000); // the next PUD entry: none
  ASSERT_NE(other, nullptr);
  *other = *pud; // the same PMD table at a second PUD entry: one level, fine
  EXPECT_TRUE(std::holds_alternative<World>(translate_world(a, V61)));
  *other = (a.root_pfn() << 12) | PRESENT | RW | USER | ACCESSED | DIRTY; // the root as a PMD table
  auto t = translate_world(a, V61);
  ASSERT_TRUE(std::holds_alternative<std::string>(t));
  EXPECT_EQ(std::get<std::string>(t),
            fmt::format("pud 0x40000000: table pfn={:#x} points to a pgd table (pfn {:#x}): a "
                        "table read at two levels has no one logical reading",
                        a.root_pfn(), a.root_pfn()));
  EXPECT_TRUE(std::holds_alternative<std::string>(translate_world(a, V612)));
}

TEST(Translate, AWorldWithARaceEventIsNotTranslated) {
  World a = world(V57);
  put(a, Level::Pte, 0x100000, Entry{.kind = Kind::Page, .pfn = 0x42});
  EXPECT_TRUE(std::holds_alternative<World>(translate_world(a, V61)));
  a.races.push_back(Race{0x100000 & ~u64{0x1fffff}, RacePoint::PmdSeen, RaceOp::Zap, false});
  auto t = translate_world(a, V612);
  ASSERT_TRUE(std::holds_alternative<std::string>(t));
  EXPECT_EQ(std::get<std::string>(t),
            "race 0x0 pmd-seen: race events are not translated between versions");
  EXPECT_TRUE(std::holds_alternative<World>(translate_world(a, V57))); // its own version
}

TEST(Translate, HugetlbSlotsTranslate) {
  World a = world(V57);
  ASSERT_FALSE(a.vmas.insert(
      Vma{0x40000000, 0x40400000, vm::READ | vm::WRITE | vm::HUGETLB, true, 0x200000}, 4096));
  put(a, Level::Pmd, 0x40000000, Entry{.kind = Kind::Migration, .pfn = 0x400, .write = true});
  auto t = translate_world(a, V612);
  ASSERT_TRUE(std::holds_alternative<World>(t));
  const World& b = std::get<World>(t);
  Entry e = b.entry_at(Level::Pmd, 0x40000000, Context::HugetlbSlot);
  EXPECT_EQ(e.kind, Kind::Migration);
  EXPECT_TRUE(e.write);
  EXPECT_EQ(swp_type(*b.find_slot(Level::Pmd, 0x40000000)), 26u);
}

// A PUD table shared by two PGD entries, the first inside a 1 GiB hugetlb VMA: there its entry
// is a hugetlb slot, a leaf; through the second it points to a PMD table whose huge devmap
// entry must move to 6.12's DEVMAP bit like any other (found by fuzz --versions: the entry kept
// bit 58, which 6.12 reads as SAVED_DIRTY).
TEST(Translate, ATableReachedThroughASlotAndAPointerTranslatesOnBoth) {
  Geometry g = *builtin_geometry("x86_64");
  World a(g);
  ASSERT_FALSE(a.vmas.insert(
      Vma{0, 0x40000000, vm::READ | vm::WRITE | vm::HUGETLB, true, 0x40000000}, 4096));
  constexpr u64 kOther = u64{1} << 39; // the second PGD entry
  put(a, Level::Pmd, kOther, Entry{.kind = Kind::Huge, .pfn = 0x200, .devmap = true});
  *a.find_slot_mut(Level::Pgd, 0) = *a.find_slot(Level::Pgd, kOther);
  ASSERT_EQ(a.context_at(Level::Pud, 0), Context::HugetlbSlot);
  auto t = translate_world(a, V612);
  ASSERT_TRUE(std::holds_alternative<World>(t)) << std::get<std::string>(t);
  const u64 word = *std::get<World>(t).find_slot(Level::Pmd, kOther);
  EXPECT_TRUE(word & DEVMAP_6_12);
  EXPECT_FALSE(word & DEVMAP);
  EXPECT_TRUE(std::get<World>(t).entry_at(Level::Pmd, kOther, Context::Normal).devmap);
}

TEST(Translate, RangesKeepTheirMeaning) {
  HmmRange r; // v5.7, V 1, W 2
  r.start = 0;
  r.end = 0x5000;
  r.pfns = {0, 1, 3, 2, 0x1c};
  r.default_flags = 1;
  r.pfn_flags_mask = 0;
  HmmRange s = translate_range(r, V57, V61);
  EXPECT_EQ(s.pfns, (std::vector<u64>{0, hmm6::REQ_FAULT, hmm6::REQ_FAULT | hmm6::REQ_WRITE,
                                      hmm6::REQ_WRITE, 0}));
  EXPECT_EQ(s.default_flags, hmm6::REQ_FAULT);
  EXPECT_EQ(s.pfn_flags_mask, 0u);
  EXPECT_EQ(s.start, r.start);
  EXPECT_EQ(s.end, r.end);
  HmmRange back = translate_range(s, V61, V57);
  EXPECT_EQ(back.pfns, (std::vector<u64>{0, 1, 3, 2, 0}));
  EXPECT_EQ(back.default_flags, 1u);
  // A mask of all ones stays all ones; another mask keeps its meaning bits.
  r.pfn_flags_mask = ~0ull;
  EXPECT_EQ(translate_range(r, V57, V612).pfn_flags_mask, ~0ull);
  r.pfn_flags_mask = 2;
  EXPECT_EQ(translate_range(r, V57, V612).pfn_flags_mask, hmm6::REQ_WRITE);
  // A custom v5.7 encoding.
  HmmRange c;
  c.flags = {0x100, 0x200};
  c.pfns = {0x100, 0x300, 0x3};
  EXPECT_EQ(translate_range(c, V57, V61).pfns,
            (std::vector<u64>{hmm6::REQ_FAULT, hmm6::REQ_FAULT | hmm6::REQ_WRITE, 0}));
  // 6.1 and 6.12 share the API: nothing changes.
  EXPECT_TRUE(translate_range(s, V61, V612) == s);
}

} // namespace
} // namespace hmmspec
