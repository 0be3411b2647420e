// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/properties/fault_effects.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <tuple>

#include "model/fault.h"
#include "tests/properties/walk_facts.h"

namespace hmmspec::props {

namespace {

// The call's events, by kind.
struct Facts {
  std::vector<Event> faults;
  std::vector<u64> pte_waits;
  std::vector<u64> pmd_waits;

  // Whether a fault was logged in [a, b); *write tells whether one of them was a write.
  bool fault_in(u64 a, u64 b, bool* write) const {
    bool any = false;
    *write = false;
    for (const Event& e : faults)
      if (e.addr >= a && e.addr < b) {
        any = true;
        if (e.flags & fault::FLAG_WRITE) *write = true;
      }
    return any;
  }
  bool pte_wait_at(u64 a) const {
    return std::find(pte_waits.begin(), pte_waits.end(), a) != pte_waits.end();
  }
  bool pmd_wait_at(u64 a) const {
    return std::find(pmd_waits.begin(), pmd_waits.end(), a) != pmd_waits.end();
  }
};

bool accessible(const Entry& e) {
  return e.kind == Kind::Page || e.kind == Kind::Zero || (e.kind == Kind::Huge && !e.protnone);
}
// The same page with the same permission (a present PTE is Zero or Page by its pfn alone).
bool same_mapping(const Entry& a, const Entry& b) {
  auto page = [](Kind k) { return k == Kind::Page || k == Kind::Zero; };
  return (a.kind == b.kind || (page(a.kind) && page(b.kind))) && a.pfn == b.pfn &&
         a.write == b.write;
}

std::string entry_text(const Entry& e, u64 word) {
  return fmt::format("{} [{:#x}]", describe(e), word);
}

// One way a physical word (a table pfn and an index) is seen: at a level and an address,
// reached from the root of the world before or after the call. A table reached through
// several pointers has several views, and a fault that rewrites a pointer on its own path
// leaves views that only one of the two worlds has; so views of both worlds count.
struct View {
  Level level = Level::Pte;
  u64 addr = 0;
  bool split = false; // below a PMD that was a THP before and is a table after
  Entry huge;         // that THP (as a completed migration, if it was one)
};

bool descends(Kind k) {
  return k == Kind::Table || k == Kind::Bad;
}

// Checks every changed word of the page tables against the rules of fault_effects.h.
struct Compare {
  const World& b; // before
  const World& a; // after
  const HmmRange& r;
  const Facts& f;
  const Geometry& g;
  std::map<std::pair<u64, unsigned>, std::vector<View>> views;
  std::set<std::tuple<bool, u64, unsigned, u64>> visited; // (after?, table pfn, level, base)

  // A PMD migration entry as the THP it becomes once a wait or a fault completes the migration
  // (F-PMD-MIGRATION-FAULT, pmd_migration_entry_wait); other entries as they are.
  Entry completed_pmd(u64 addr, const Entry& e0) const {
    bool wf = false;
    if (e0.kind != Kind::Migration) return e0;
    if (!f.pmd_wait_at(addr) && !f.fault_in(addr, addr + g.size(Level::Pmd), &wf)) return e0;
    return Entry{.kind = Kind::Huge,
                 .pfn = e0.pfn & ~((g.size(Level::Pmd) >> g.page_shift) - 1),
                 .write = e0.write};
  }

  // The word a physical slot holds in the world before (0 in a table the call allocated).
  u64 before_word(u64 table, unsigned i) const {
    return b.tables().contains(table) ? b.table_words(table)[i] : 0;
  }

  // Records the views of every word reachable in world w from the table `table` of level l.
  void collect(const World& w, Level l, u64 table, u64 base, const View* parent) {
    if (l == Level::P4d && g.p4d_folded()) l = Level::Pud;
    if (!w.tables().contains(table) ||
        !visited.insert({&w == &a, table, unsigned(idx(l)), base}).second)
      return;
    const u64* words = w.table_words(table);
    for (unsigned i = 0; i < g.entries(l); ++i) {
      const u64 addr = base + (u64(i) << g.shift(l));
      View v{l, addr, false, {}};
      if (parent && parent->split) {
        v.split = true;
        v.huge = parent->huge;
      }
      std::vector<View>& seen = views[{table, i}];
      if (std::none_of(seen.begin(), seen.end(), [&](const View& o) {
            return o.level == v.level && o.addr == v.addr && o.split == v.split;
          }))
        seen.push_back(v);
      const Context ctx = b.context_at(l, addr);
      if (l == Level::Pte || ctx == Context::HugetlbSlot || words[i] == 0) continue;
      Entry e = classify(g, l, words[i], w.zero_pfn);
      if (!descends(e.kind)) continue;
      View below_v{l, addr, false, {}};
      if (l == Level::Pmd && &w == &a) { // a THP split (or zapped and refaulted) by the call
        Entry e0 = completed_pmd(addr, classify(g, l, before_word(table, i), b.zero_pfn));
        if (e0.kind == Kind::Huge) {
          below_v.split = true;
          below_v.huge = e0;
        }
      }
      collect(w, below(l), table_pfn(g, words[i]), addr, &below_v);
    }
  }

  // The rules for a mapping changed by a fault on its unit.
  static std::optional<std::string> faulted_mapping(const std::string& where, const Entry& e0,
                                                    const Entry& e1, bool write_fault) {
    if (!accessible(e1)) return where + ": not accessible after the fault";
    if (accessible(e0) && e0.write && !e1.write) return where + ": a fault took write away";
    if (accessible(e0) && e0.pfn != e1.pfn && !(write_fault && e1.write))
      return where + ": an accessible page was replaced without a write fault (COW)";
    return std::nullopt;
  }

  // The PTE a huge PMD stands for after __split_huge_pmd (the huge zero page becomes the zero
  // page; other pages keep their pfn and write bit).
  Entry split_pte(const Entry& huge, u64 addr) const {
    if (huge.pfn == huge_zero_pfn(b)) return Entry{.kind = Kind::Zero, .pfn = b.zero_pfn};
    return Entry{.kind = Kind::Page,
                 .pfn = huge.pfn + ((addr & ~g.mask(Level::Pmd)) >> g.page_shift),
                 .write = huge.write};
  }

  // The VMA of the first fault in [addr, addr + size) (the VMA the fault model worked in).
  const Vma* fault_vma(u64 addr, u64 size) const {
    for (const Event& e : f.faults)
      if (e.addr >= addr && e.addr < addr + size) return b.vmas.containing(e.addr);
    return nullptr;
  }

  // A leaf: a PTE, or a hugetlb slot. In a table that replaced a THP, the old entry is the
  // page of the THP.
  std::optional<std::string> leaf(const View& v, Context ctx, u64 w0, u64 w1,
                                  bool new_table) const {
    const Entry e1 = classify(g, v.level, w1, a.zero_pfn, ctx);
    const bool split = new_table && v.split;
    const Entry e0 = split ? split_pte(v.huge, v.addr) : classify(g, v.level, w0, b.zero_pfn, ctx);
    // Outside private anonymous memory a THP is zapped, not split (F-THP-ZAP): its pages are
    // dropped, and a later fault maps whatever it maps.
    const Vma* vma = fault_vma(v.addr & g.mask(Level::Pmd), g.size(Level::Pmd));
    const bool zapped = split && !(vma && vma->anonymous && !(vma->flags & vm::SHARED));
    if (split && (zapped ? e1.kind == Kind::None : same_mapping(e0, e1)))
      return std::nullopt; // the THP's page kept (F-THP-SPLIT) or dropped (F-THP-ZAP)
    bool pmd_write = false;
    if (split && !zapped && b.geom.kernel == KernelVersion::V5_7 &&
        v.huge.pfn != huge_zero_pfn(b) && accessible(e1) && e1.write && e1.pfn != e0.pfn &&
        f.fault_in(v.addr & g.mask(Level::Pmd), (v.addr & g.mask(Level::Pmd)) + g.size(Level::Pmd),
                   &pmd_write) &&
        pmd_write)
      return std::nullopt; // v5.7 copied every page of the THP (F-THP-COPY-PAGES)
    const u64 size = v.level == Level::Pte ? g.page_size() : g.size(v.level);
    std::string where = fmt::format("{} {:#x}: {} -> {}", level_name(v.level), v.addr,
                                    entry_text(e0, w0), entry_text(e1, w1));
    bool wf = false;
    if (f.fault_in(v.addr, v.addr + size, &wf))
      return faulted_mapping(where, zapped ? Entry{} : e0, e1, wf);
    if (v.level == Level::Pte && e0.kind == Kind::Migration && f.pte_wait_at(v.addr)) {
      if (accessible(e1) && e1.pfn == e0.pfn) return std::nullopt;
      return where + ": a migration wait must complete the migration in place";
    }
    return where + ": changed, but no fault or wait was logged there";
  }

  // An upper entry (PGD, P4D, PUD, PMD outside hugetlb slots).
  std::optional<std::string> upper(const View& v, u64 w0, u64 w1) const {
    const Level l = v.level;
    const u64 addr = v.addr, size = g.size(l);
    const Entry e0 = classify(g, l, w0, b.zero_pfn), e1 = classify(g, l, w1, a.zero_pfn);
    const bool in_range = addr < r.end && r.start < addr + size;
    bool wf = false;
    const bool faulted = f.fault_in(addr, addr + size, &wf);
    std::string where = fmt::format("{} {:#x}: {} -> {}", level_name(l), addr, entry_text(e0, w0),
                                    entry_text(e1, w1));
    if (e0.kind == Kind::None && e1.kind == Kind::Table && faulted)
      return std::nullopt; // allocation
    switch (l) {
    case Level::Pgd:
    case Level::P4d:
      if (e0.kind == Kind::Bad && w1 == 0 && in_range) return std::nullopt; // p?d_none_or_clear_bad
      if (e0.kind == Kind::Bad && e1.kind == Kind::Table && in_range && faulted)
        return std::nullopt; // cleared by the walk, then a table allocated by a fault
      break;
    case Level::Pud:
      if (e0.kind == Kind::Huge && w1 == 0 && in_range) return std::nullopt; // split_huge_pud
      if (e0.kind == Kind::Huge && e1.kind == Kind::Table && in_range && faulted)
        return std::nullopt; // cleared by the walk, then a table allocated by a fault
      if (e0.kind == Kind::Huge && e1.kind == Kind::Huge && faulted)
        return faulted_mapping(where, e0, e1, wf);
      break;
    case Level::Pmd: {
      if (e0.kind == Kind::None && e1.kind == Kind::Huge && faulted)
        return faulted_mapping(where, e0, e1, wf); // THP allocation or the huge zero page
      if (e0.kind == Kind::Bad && (w1 == 0 || e1.kind == Kind::Table) && faulted)
        return std::nullopt; // cleared by the fault path (F-PMD-BAD), maybe refaulted since
      const Entry h = completed_pmd(addr, e0);
      if (e0.kind == Kind::Migration && h.kind != Kind::Huge)
        return where + ": a PMD migration changed with no wait or fault there";
      if (h.kind == Kind::Huge && e1.kind == Kind::Huge && same_mapping(h, e1)) return std::nullopt;
      if (h.kind == Kind::Huge && (e1.kind == Kind::Table || w1 == 0) && faulted)
        return std::nullopt; // split (F-THP-SPLIT), or zapped (F-THP-ZAP) and maybe refaulted
      if (h.kind == Kind::Huge && e1.kind == Kind::Huge && faulted)
        return faulted_mapping(where, h, e1, wf);
      break;
    }
    default:
      break;
    }
    return where + ": a change no fault, wait or walker rule explains";
  }

  std::optional<std::string> judge(u64 table, unsigned i, u64 w0, u64 w1, bool new_table) const {
    auto it = views.find({table, i});
    if (it == views.end())
      return fmt::format(
          "word {} of table {:#x} changed from {:#x} to {:#x}, and no page-table path "
          "of either world reaches it",
          i, table, w0, w1);
    std::optional<std::string> first_problem;
    std::string seen;
    for (const View& v : it->second) {
      const Context ctx = b.context_at(v.level, v.addr);
      auto problem = (v.level == Level::Pte || ctx == Context::HugetlbSlot)
                         ? leaf(v, ctx, w0, w1, new_table)
                         : upper(v, w0, w1);
      if (!problem) return std::nullopt;
      if (!first_problem) first_problem = problem;
      seen += fmt::format("{}{} {:#x}", seen.empty() ? "" : ", ", level_name(v.level), v.addr);
    }
    if (it->second.size() > 1) *first_problem += " (the word is seen as " + seen + ")";
    return first_problem;
  }

  std::optional<std::string> problem() {
    collect(b, Level::Pgd, b.root_pfn(), 0, nullptr);
    collect(a, Level::Pgd, a.root_pfn(), 0, nullptr);
    for (const auto& [pfn, t1] : a.tables()) {
      const bool new_table = !b.tables().contains(pfn);
      for (unsigned i = 0; i < t1.words.size(); ++i) {
        const u64 w0 = before_word(pfn, i), w1 = t1.words[i];
        if (w0 == w1) continue; // (in a new table: an entry left none)
        if (auto p = judge(pfn, i, w0, w1, new_table)) return p;
      }
    }
    for (const auto& [pfn, t0] : b.tables())
      if (!a.tables().contains(pfn)) return fmt::format("table {:#x} disappeared", pfn);
    return std::nullopt;
  }
};

std::optional<std::string> check_log(const World& before, const World& after, const HmmRange& r,
                                     Facts& f) {
  const Geometry& g = before.geom;
  for (std::size_t i = before.log.size(); i < after.log.size(); ++i) {
    const Event& e = after.log[i];
    std::string what = fmt::format("log[{}] {}", i, describe(e));
    if (e.type == Event::Type::Fault) {
      if (e.addr < r.start || e.addr >= r.end || (e.addr & (g.page_size() - 1)))
        return what + ": a fault outside the range";
      const Vma* v = before.vmas.containing(e.addr);
      if (!v || !vma_supported(*v)) return what + ": a fault outside the VMAs hmm walks";
      if ((e.flags & ~fault::FLAG_WRITE) != fault::FLAG_REMOTE)
        return what + ": hmm faults with FAULT_FLAG_REMOTE (and WRITE) only (hmm.c:92)";
      if ((e.flags & fault::FLAG_WRITE) && !(v->flags & vm::WRITE))
        return what + ": a write fault in a VMA without VM_WRITE (hmm.c:86-88 returns -EPERM)";
      f.faults.push_back(e);
    } else if (e.level == Level::Pte) {
      if (e.addr < r.start || e.addr >= r.end) return what + ": a wait outside the range";
      f.pte_waits.push_back(e.addr);
    } else {
      if (e.addr >= r.end || e.addr + g.size(Level::Pmd) <= r.start)
        return what + ": a PMD wait outside the range";
      f.pmd_waits.push_back(e.addr);
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> unexplained_change(const World& before, const World& after,
                                              const HmmRange& r) {
  if (!(after.vmas == before.vmas) || after.device_owner != before.device_owner ||
      after.geom != before.geom || after.zero_pfn != before.zero_pfn)
    return "the call changed the VMAs, the device owners, the geometry or the zero pfn";
  if (after.log.size() < before.log.size() ||
      !std::equal(before.log.begin(), before.log.end(), after.log.begin()))
    return "the call rewrote the log of earlier calls";
  Facts f;
  if (auto p = check_log(before, after, r, f)) return p;
  Compare c{before, after, r, f, before.geom, {}, {}};
  return c.problem();
}

} // namespace hmmspec::props
