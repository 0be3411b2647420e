// SPDX-License-Identifier: GPL-2.0-or-later
// The driver contract (docs/checking.md, "The driver contract"): what a device driver may
// rely on once its loop around hmm_range_fault ended in success with the final
// mmu_interval_read_retry check passing (lib/test_hmm.c:360-369 at 6.1): every output agrees
// with the CPU page table at that moment. It is an oracle of its own, read straight off the
// page tables and independent of the reference: a party that agrees with the others but
// breaks it shows a wrong specification, not a wrong party. Stated for the outputs of v5.7
// (the driver's encoding) and of 6.1 and 6.12 (HMM_PFN_VALID, HMM_PFN_WRITE and the pfn).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/outcome.h"
#include "model/range.h"
#include "model/world.h"

namespace hmmspec {

// What the CPU page table maps at an address, as a device may mirror it: the page's pfn and
// whether the CPU may write it. Nothing when the CPU entry gives no page to the device.
struct CpuPage {
  u64 pfn = 0;
  bool write = false;
};
// The page at addr in `w`, for a range whose device-private owner is `owner`: a present PTE
// (a PROT_NONE one: its pfn, no write), a huge PMD or PUD (the page at addr's offset in it), a
// hugetlb entry, or a device-private entry of that owner (the device pfn); outside every VMA,
// or for any other entry, nothing.
std::optional<CpuPage> cpu_page_at(const World& w, u64 addr, u64 owner);

// A page whose output breaks the contract.
struct ContractViolation {
  u64 addr = 0;
  std::size_t index = 0; // in the chunk's pfns[]
  std::size_t chunk = 0; // the driver loop's chunk
  std::string rule;      // C-VALID, C-NOPAGE, C-REQUESTED or C-STILL
  std::string message;   // what the CPU entry gives and what the output says
};

// Whether the driver can tell its outputs apart (v5.7 encodings): VALID and WRITE distinct
// single bits below pfn_shift, and no value word (ERROR, NONE, SPECIAL) carrying VALID. With
// another encoding a page's word can be a value word too (the zero page read as a NONE of
// 0x401), and no driver could rely on what it decodes: the contract is not checked there.
bool unambiguous_encoding(const HmmRange& r);

// The contract over one chunk (a v5.7 encoding that is not unambiguous is not checked):
// `requests` is the chunk's range with its requests, `outputs` its final pfns[], `after` the
// world when the loop ended. (In 6.x, decoding to a page is HMM_PFN_VALID without
// HMM_PFN_ERROR, the word is HMM_PFN_VALID | pfn [| HMM_PFN_WRITE] with any map order, and
// VALID and WRITE are asked for with HMM_PFN_REQ_FAULT and HMM_PFN_REQ_WRITE.)
//  C-VALID: an output that decodes to a page (hmm_device_entry_to_page) is exactly the word
//    hmm_device_entry_from_pfn gives for the CPU's page, with WRITE only if the CPU may write
//    it. (Not "if and only if": the kernel gives the CPU write permission without invalidating,
//    v5.7 wp_page_reuse, mm/memory.c:2605-2625, and do_numa_page, so a mirror read before that
//    lacks a WRITE the CPU has; with less than the CPU allows it is safe, and faults again.)
//  C-NOPAGE: where the CPU entry gives no page, the output decodes to none (ERROR, NONE or
//    SPECIAL).
//  Both only inside the notifier's interval: the driver hears of no change outside it.
//  C-REQUESTED: a page whose request asked for VALID (after pfn_flags_mask and default_flags,
//    hmm.c:113) decodes to a page, with WRITE if it asked for WRITE (but a device-private page
//    of the owner, which hmm reports as it is, hmm.c:258-265).
std::optional<ContractViolation> check_driver_contract(const World& after, const HmmRange& requests,
                                                       const std::vector<u64>& outputs);

// "driver contract C-VALID at 0x2000 (chunk 0): the CPU gives pfn 0x42 writable, ...".
std::string describe(const ContractViolation& v);

// The contract over one driver call (model/driver.h), fed as the loop goes: every chunk whose
// loop ended in success is checked against the world at that moment (check_driver_contract);
// at the end of the call, the device still mirrors the chunks no invalidation has touched
// since their check (the notifier's sequence has not moved: the driver's invalidate callback
// was not called), and those must still match the CPU page table (C-STILL). An invalidation
// drops the mirrored chunks, as test_hmm's dmirror_interval_invalidate does
// (lib/test_hmm.c:306-330 at 6.1, erasing with dmirror_do_update, :290-304); the notifier
// tells not where, so all of them.
class DriverContractCheck {
public:
  // A chunk's loop ended (a DriverChunkDone).
  void chunk_done(const World& after, const HmmRange& requests, const DriverChunk& c);
  // The call ended with `end` as its world.
  void call_done(const World& end);
  const std::vector<ContractViolation>& violations() const { return violations_; }

private:
  struct Mirrored {
    std::size_t chunk = 0;
    HmmRange requests;
    std::vector<u64> outputs;
    u64 seq = 0; // the sequence its check passed with
  };
  std::vector<Mirrored> mirrored_;
  std::size_t chunks_ = 0;
  std::vector<ContractViolation> violations_;
};

} // namespace hmmspec
