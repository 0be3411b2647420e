// SPDX-License-Identifier: GPL-2.0-or-later
// The registry of the parties this process has: the reference always, once per kernel version
// ("reference" for v5.7, "reference-6.1", "reference-6.12"), the walker likewise ("walker",
// "walker-6.1", "walker-6.12"), and one kernel party per kernel shared object loaded: those this
// build made (-DHMMSPEC_KERNEL_HMM_C, the Debian kernels, -DHMMSPEC_KERNELS), then those named
// at run time (`hmmspec --kernel X.so`).
// For each kernel version the ground truth is that version's kernel party when there is one,
// else that version's reference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/party.h"

namespace hmmspec {

// Every party, of every kernel version, in registry order: the references, the walkers, then the
// kernel parties in load order.
std::vector<Party> all_parties();

// The parties that run worlds of kernel version v, in registry order.
std::vector<Party> built_parties(KernelVersion v = KernelVersion::V5_7);

// The first party of this kind that runs version v, if there is one.
std::optional<Party> built_party(PartyKind kind, KernelVersion v = KernelVersion::V5_7);

// The registry entry of the party named `name` ("kernel-6.1", "reference", "walker"), as a name
// given on the command line (--party) is read; "kernel" names the first v5.7 kernel party.
// Nothing when there is no such party.
std::optional<PartyId> parse_party(std::string_view name);

// Loads the kernel party in the shared object at `path` (kernel/loader.h) into the registry;
// a message saying why not when it cannot be. The same object twice is loaded once; a party
// whose name is taken gets a suffix ("kernel-6.1-2").
std::optional<std::string> load_kernel_party(const std::string& path);

// The built kernel objects that could not be loaded, each with why (empty when all were).
// Each is also printed on stderr when the registry first loads the built objects.
std::vector<std::string> kernel_party_errors();

// One line per party: "kernel-6.1  6.1  Debian 6.1.192  (/path/libhmmspec_kernel_6.1.so)".
// The shared object a kernel party was loaded from ("" for the other parties).
std::string party_object(const PartyId& id);
// The hmm.c a kernel party was compiled from, as its object says ("" for the other parties).
std::string party_source(const PartyId& id);
std::string party_table(const std::vector<Party>& parties);

// Orders parties with the ground truth first: kernel parties, then references, then walkers
// (by kind, ground_truth_rank; the order within a kind is kept).
std::vector<Party> ground_truth_first(std::vector<Party> parties);
int ground_truth_rank(PartyKind kind); // 0 kernel, 1 reference, 2 walker

// "kernel-5.7 reference walker": the display names in the order given.
std::string party_names(const std::vector<Party>& parties);

} // namespace hmmspec
