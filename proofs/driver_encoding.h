// SPDX-License-Identifier: GPL-2.0-or-later
// The driver encoding a proof run is about: flags[], values[], pfn_shift, default_flags and
// pfn_flags_mask of struct hmm_range (hmm.h:83-95), either left symbolic (every encoding at
// once) or fixed to one driver's constants. Z3-free: the CLI and the tests use it.
//
// The FILE format (docs/proofs.md, "Custom encodings") is one `key value` pair a line, `#`
// starts a comment, numbers are decimal or 0x-hex and may be prefixed by `~` (bitwise not):
//   name           mydriver          (optional; defaults to the file name)
//   valid          0x1               flags[HMM_PFN_VALID]      (required)
//   write          0x2               flags[HMM_PFN_WRITE]      (required)
//   error          ~0x1              values[HMM_PFN_ERROR]     (required)
//   none           0                 values[HMM_PFN_NONE]      (required)
//   special        ~0x1              values[HMM_PFN_SPECIAL]   (required)
//   pfn_shift      12                0..63                     (required)
//   default_flags  0                 (optional, default 0)
//   pfn_flags_mask ~0                (optional, default all ones)
//   pfn_bits       50                widest pfn the outputs carry, 1..64 (optional, default 50)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/kernel_version.h"
#include "model/range.h"

namespace hmmspec::proofs {

// The widest pfn hmm.c can write on x86-64 in this project's worlds: a device-private swap
// offset (50 bits, hmm.c:262-265); page-table pfns are at most 40 bits (52 - PAGE_SHIFT).
inline constexpr unsigned kDefaultPfnBits = 50;

struct Encoding {
  std::string name = "symbolic";
  bool symbolic = true; // true: every field is a free variable; range is ignored
  HmmRange range;       // flags, values, pfn_shift, default_flags, pfn_flags_mask
  unsigned pfn_bits = kDefaultPfnBits;
  // The API: v5.7's driver encoding, or a 6.x family's fixed bits (v6_encoding).
  KernelVersion kernel = KernelVersion::V5_7;
};

// The symbolic encoding: all drivers at once.
Encoding symbolic_encoding();
// The built-in v5.7 encodings (model/range.h apply_driver_encoding, docs/proofs.md):
// "nouveau", "amdgpu". Returns nothing for another name.
std::optional<Encoding> builtin_encoding(std::string_view name);

// The fixed bits of a 6.x family (model/range_v6.h, 6.1 include/linux/hmm.h:34-46): its range
// as the reference reads it (hmm6::range_as_read), default_flags and pfn_flags_mask left
// symbolic; named "6.1" or "6.12". The 6.x obligations of docs/proofs.md run on it.
Encoding v6_encoding(KernelVersion v);

// Parses the FILE format. On error returns nothing and sets `error` to "path:line:col: msg".
std::optional<Encoding> parse_encoding(std::string_view text, const std::string& path,
                                       std::string& error);
// Reads and parses a file; errors as above (also "path: cannot read").
std::optional<Encoding> load_encoding(const std::string& path, std::string& error);

// One line naming every field, for reports: "V=0x1 W=0x2 ERROR=0xff..fe ...".
std::string describe_encoding(const Encoding& e);

} // namespace hmmspec::proofs
