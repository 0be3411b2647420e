// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/x86_kernel.h"

namespace hmmspec::proofs::kx86 {

namespace {

expr k(const expr& w, u64 v) {
  return w.ctx().bv_val(static_cast<uint64_t>(v), 64);
}
expr set(const expr& w, u64 m) {
  return (w & k(w, m)) != k(w, 0);
}
expr flags_with(const expr& w, const expr& pfn_mask) {
  return w & ~pfn_mask;
}

// pmd_pfn_mask / pud_pfn_mask: the level's huge mask when PSE is set, else PTE_PFN_MASK.
expr pmd_pfn_mask(const expr& w) {
  return z3::ite(set(w, kPse), k(w, kPhysPmdPageMask), k(w, kPtePfnMask));
}
expr pud_pfn_mask(const expr& w) {
  return z3::ite(set(w, kPse), k(w, kPhysPudPageMask), k(w, kPtePfnMask));
}
expr pte_flags(const expr& w) {
  return w & k(w, ~kPtePfnMask);
}
expr pmd_flags(const expr& w) {
  return flags_with(w, pmd_pfn_mask(w));
}
expr pud_flags(const expr& w) {
  return flags_with(w, pud_pfn_mask(w));
}

// swp_entry(__swp_type(a), __swp_offset(a)) for the arch word a, then swp_type/swp_offset.
expr arch_type(const expr& a) {
  return z3::lshr(a, 64 - int(kSwpTypeBits));
}
expr arch_offset(const expr& a) {
  return z3::lshr(z3::shl(~a, int(kSwpTypeBits)), int(kSwpOffsetShift));
}
expr swp_val(const expr& a) {
  u64 offset_mask = (1ull << kSwpTypeShift) - 1;
  return z3::shl(arch_type(a), int(kSwpTypeShift)) | (arch_offset(a) & k(a, offset_mask));
}
expr clear(const expr& w, u64 m) {
  return w & k(w, ~m);
}
expr pte_swp_val(const expr& w) {
  return swp_val(clear(clear(w, kSwpSoftDirty), kSwpUffdWp));
}
expr pmd_swp_val(const expr& w) {
  return swp_val(clear(w, kSwpSoftDirty));
}

} // namespace

expr protnone_mask(const expr& w) {
  expr needs_invert = w != k(w, 0) && !set(w, kPresent);
  return z3::ite(needs_invert, k(w, ~0ull), k(w, 0));
}

expr pte_none(const expr& w) {
  return (w & k(w, ~kKnlErratum)) == k(w, 0);
}
expr pte_present(const expr& w) {
  return (pte_flags(w) & k(w, kPresent | kProtnone)) != k(w, 0);
}
expr pte_protnone(const expr& w) {
  return (pte_flags(w) & k(w, kProtnone | kPresent)) == k(w, kProtnone);
}
expr pte_write(const expr& w) {
  return (pte_flags(w) & k(w, kRw)) != k(w, 0);
}
expr pte_special(const expr& w) {
  return (pte_flags(w) & k(w, kSpecial)) != k(w, 0);
}
expr pte_pfn(const expr& w) {
  return z3::lshr((w ^ protnone_mask(w)) & k(w, kPtePfnMask), int(kPageShift));
}

expr swp_type_of_pte(const expr& w) {
  return z3::lshr(pte_swp_val(w), int(kSwpTypeShift));
}
expr swp_offset_of_pte(const expr& w) {
  return pte_swp_val(w) & k(w, (1ull << kSwpTypeShift) - 1);
}
expr swp_type_of_pmd(const expr& w) {
  return z3::lshr(pmd_swp_val(w), int(kSwpTypeShift));
}
expr is_migration_type(const expr& t) {
  return t == k(t, kSwpMigrationRead) || t == k(t, kSwpMigrationWrite);
}
expr is_device_private_type(const expr& t) {
  return t == k(t, kSwpDeviceRead) || t == k(t, kSwpDeviceWrite);
}

expr pmd_none(const expr& w) {
  return (w & k(w, ~kKnlErratum)) == k(w, 0);
}
expr pmd_present(const expr& w) {
  return (pmd_flags(w) & k(w, kPresent | kProtnone | kPse)) != k(w, 0);
}
expr pmd_trans_huge(const expr& w) {
  return (w & k(w, kPse | kDevmap)) == k(w, kPse);
}
expr pmd_devmap(const expr& w) {
  return set(w, kDevmap);
}
expr pmd_protnone(const expr& w) {
  return (pmd_flags(w) & k(w, kProtnone | kPresent)) == k(w, kProtnone);
}
expr pmd_write(const expr& w) {
  return (pmd_flags(w) & k(w, kRw)) != k(w, 0);
}
expr pmd_bad(const expr& w) {
  return (pmd_flags(w) & k(w, ~kUser)) != k(w, kKernPgTable);
}
expr pmd_pfn(const expr& w) {
  return z3::lshr((w ^ protnone_mask(w)) & pmd_pfn_mask(w), int(kPageShift));
}
expr pmd_table_pfn(const expr& w) {
  return z3::lshr(w & pmd_pfn_mask(w), int(kPageShift));
}
expr is_pmd_migration_entry(const expr& w) {
  return !pmd_present(w) && is_migration_type(swp_type_of_pmd(w));
}

expr pmd_huge(const expr& w) {
  return !pmd_none(w) && (w & k(w, kPresent | kPse)) != k(w, kPresent);
}

expr pud_none(const expr& w) {
  return (w & k(w, ~kKnlErratum)) == k(w, 0);
}
expr pud_present(const expr& w) {
  return (pud_flags(w) & k(w, kPresent)) != k(w, 0);
}
expr pud_trans_huge(const expr& w) {
  return (w & k(w, kPse | kDevmap)) == k(w, kPse);
}
expr pud_devmap(const expr& w) {
  return set(w, kDevmap);
}
expr pud_huge(const expr& w) {
  return set(w, kPse);
}
expr pud_write(const expr& w) {
  return (pud_flags(w) & k(w, kRw)) != k(w, 0);
}
expr pud_pfn(const expr& w) {
  return z3::lshr((w ^ protnone_mask(w)) & pud_pfn_mask(w), int(kPageShift));
}
expr pud_table_pfn(const expr& w) {
  return z3::lshr(w & pud_pfn_mask(w), int(kPageShift));
}

expr p4d_none(const expr& w) {
  return (w & k(w, ~kKnlErratum)) == k(w, 0);
}
expr p4d_bad(const expr& w) { // page-table isolation adds NX to the ignored flags
  return (pte_flags(w) & k(w, ~(kKernPgTable | kUser | kNx))) != k(w, 0);
}
expr p4d_table_pfn(const expr& w) {
  return z3::lshr(w & k(w, kPtePfnMask), int(kPageShift));
}
expr pgd5_none(const expr& w) {
  return w == k(w, 0);
} // no stray A/D workaround at the PGD
expr pgd5_bad(const expr& w) {
  return (pte_flags(w) & k(w, ~(kUser | kNx))) != k(w, kKernPgTable);
}
expr pgd5_table_pfn(const expr& w) {
  return z3::lshr(w & k(w, kPtePfnMask), int(kPageShift));
}

} // namespace hmmspec::proofs::kx86
