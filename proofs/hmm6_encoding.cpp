// SPDX-License-Identifier: GPL-2.0-or-later
#include "proofs/hmm6_encoding.h"

#include <fmt/format.h>

#include "proofs/x86_kernel.h"

namespace hmmspec::proofs::k6 {

namespace {

expr w64(const expr& like, u64 v) {
  return like.ctx().bv_val(static_cast<uint64_t>(v), 64);
}
// (write ? VALID | WRITE : VALID), the common tail of the three derivations.
expr valid_write(const expr& write) {
  return z3::ite(write, w64(write, kValid | kWrite), w64(write, kValid));
}

} // namespace

expr pfn_flags_order(const expr& order) {
  return z3::shl(order, w64(order, kOrderShift));
}

expr pte_cpu_flags(const expr& w) {
  using namespace kx86;
  return z3::ite(pte_none(w) || !pte_present(w) || pte_protnone(w), w64(w, 0),
                 valid_write(pte_write(w)));
}

expr pmd_cpu_flags(const expr& w) {
  return z3::ite(kx86::pmd_protnone(w), w64(w, 0),
                 valid_write(kx86::pmd_write(w)) | pfn_flags_order(w64(w, kPmdOrder)));
}

expr pud_cpu_flags(const expr& w) {
  return z3::ite(!kx86::pud_present(w), w64(w, 0),
                 valid_write(kx86::pud_write(w)) | pfn_flags_order(w64(w, kPudOrder)));
}

expr hugetlb_cpu_flags(const expr& w, const expr& order) {
  return pte_cpu_flags(w) | pfn_flags_order(order);
}

expr device_private_output(const expr& pfn, const expr& writable) {
  return pfn | valid_write(writable);
}

expr page_pfn(const expr& out) {
  return out & w64(out, ~kFlags);
}

expr map_order(const expr& out) {
  return z3::lshr(out, w64(out, kOrderShift)) & w64(out, 0x1F);
}

Cites cites(KernelVersion v) {
  const bool v12 = v == KernelVersion::V6_12;
  const std::string t(version_name(v));
  auto hmm = [&](const char* lines) { return fmt::format("{} mm/hmm.c:{}", t, lines); };
  return Cites{hmm("215-221"),
               hmm("177-185"),
               hmm(v12 ? "401-409" : "400-408"),
               hmm(v12 ? "487-488" : "491-492"),
               hmm("253-256"),
               hmm("171-174"),
               t + " include/linux/hmm.h:34-46, 55-58, 74-77",
               hmm("311"),
               hmm("204-206"),
               hmm(v12 ? "450-452" : "454-456"),
               hmm(v12 ? "509-511" : "500-502")};
}

} // namespace hmmspec::proofs::k6
