// SPDX-License-Identifier: GPL-2.0-or-later
// The Z3 encodings evaluate like the C++ they transcribe, on many concrete inputs.
#include <gtest/gtest.h>

#include "proofs/selfcheck.h"

namespace hmmspec::proofs {
namespace {

TEST(Transcription, Z3EncodingsMatchTheModelOnConcreteInputs) {
  for (std::uint64_t seed : {1ull, 2ull, 0x5eedull}) {
    std::vector<std::string> bad = transcription_mismatches(150, seed);
    for (const std::string& b : bad) ADD_FAILURE() << "seed " << seed << ": " << b;
  }
}

} // namespace
} // namespace hmmspec::proofs
