// SPDX-License-Identifier: GPL-2.0-or-later
// The registry of the parties this build has: the reference always, the walker, and the kernel
// party when the build was pointed at an hmm.c (-DHMMSPEC_KERNEL_HMM_C=...). The ground truth
// is the kernel party when built, else the reference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/party.h"

namespace hmmspec {

// Every built party, in registry order (reference, walker, kernel).
std::vector<Party> built_parties();

// The built party of this kind, if the build has one.
std::optional<Party> built_party(PartyKind kind);

// The registry entry of the built party named `name` ("kernel", "reference", "walker"), as a
// name given on the command line (--party) is read; nothing when this build has no such party.
std::optional<PartyId> parse_party(std::string_view name);

// Orders parties with the ground truth first: kernel parties, then references, then walkers
// (by kind; the order within a kind is kept).
std::vector<Party> ground_truth_first(std::vector<Party> parties);

// "kernel reference walker": the display names in the order given.
std::string party_names(const std::vector<Party>& parties);

} // namespace hmmspec
