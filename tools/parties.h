// SPDX-License-Identifier: GPL-2.0-or-later
// The parties this build has: the reference always, the walker, and the kernel party when
// the build was pointed at an hmm.c (-DHMMSPEC_KERNEL_HMM_C=...).
#pragma once

#include <vector>

#include "model/party.h"

namespace hmmspec {

std::vector<Party> built_parties();

} // namespace hmmspec
