// SPDX-License-Identifier: GPL-2.0-or-later
// TRUSTED: part of the specification. One logical scenario in the words of another kernel
// version: the world's swap-type words re-encoded in the target's numbering (the rest of an
// x86-64 word means the same in every version), and the range's requests carried over by what
// they ask for (fault? write?) between the v5.7 driver encoding and the 6.x fixed bits.
#pragma once

#include <string>
#include <variant>

#include "model/range.h"
#include "model/world.h"

namespace hmmspec {

// The world `w` in the words of `to`: every reachable word is decoded to its logical entry by
// w's version and, where it is a swap-type word, encoded again by `to` (the word's other low
// bits, soft-dirty and uffd-wp, kept); a PTE, PMD or PUD word with DEVMAP has it moved to
// `to`'s bit (58 in v5.7 and 6.1, 57 in 6.12). Tables, their pfns and every other word stay as
// they are (so a word whose meaning changed between the kernels, a PMD without ACCESSED, keeps
// its bits); words no address reaches are copied unchanged. Fails, naming the entry, when `to`
// cannot hold one ("pte 0x1000: marker uffd-wp: PTE markers do not exist in v5.7"), when a word has
// the bit `to` reads as DEVMAP without being devmap here, when the world has
// device-coherent pages and `to` is v5.7, or when an upper entry points to a table of another
// level (its words would be entries of two levels at once: no logical world has that). 6.x
// migration entries' young and dirty bits (above the pfn) are not carried: no version's hmm reads
// them.
std::variant<World, std::string> translate_world(const World& w, KernelVersion to);

// The range `r` of a `from` call as a `to` call: each request word, default_flags and
// pfn_flags_mask carry the same meaning (requests a fault, requests write); a mask of all ones
// stays all ones. Between versions of one API family (6.1 and 6.12) the range is unchanged.
// In a v5.7 result, flags[] are r's own (the defaults when r was a 6.x range).
HmmRange translate_range(const HmmRange& r, KernelVersion from, KernelVersion to);

} // namespace hmmspec
