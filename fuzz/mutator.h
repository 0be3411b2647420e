// SPDX-License-Identifier: GPL-2.0-or-later
// The mutator of the built-in campaigns (fuzz/campaign.h, fuzz/versions_campaign.h): random
// inputs, and a few random edits of a pool input (bit flips, interesting bytes, inserts, erases,
// duplicated chunks, splices). Deterministic for a seed. Inputs carry a kernel version in
// byte 0 (input_header): one of `versions`, v5.7 only unless told.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "fuzz/fuzz_case.h"

namespace hmmspec::fuzz {

class Mutator {
public:
  explicit Mutator(u64 seed, std::vector<KernelVersion> versions = {KernelVersion::V5_7})
      : rng_(seed), versions_(versions.empty() ? std::vector{KernelVersion::V5_7} : versions) {}

  u64 below(u64 n) { return n ? std::uniform_int_distribution<u64>(0, n - 1)(rng_) : 0; }

  std::vector<std::uint8_t> random_input(std::size_t max_len) {
    std::vector<std::uint8_t> v(1 + below(max_len));
    v[0] = input_header(any_version());
    for (std::size_t i = 1; i < v.size(); ++i) v[i] = std::uint8_t(below(256));
    return v;
  }

  // The campaign's n-th input: the first pass runs the seeds as they are; then half fresh
  // inputs, half mutations of two inputs of the pool.
  std::vector<std::uint8_t> next_input(std::uint64_t n,
                                       const std::vector<std::vector<std::uint8_t>>& pool,
                                       std::size_t seeds, std::size_t max_len) {
    if (n < pool.size() && n < seeds) return pool[n];
    if (pool.empty() || below(2) == 0) return random_input(max_len);
    return mutate(pool[below(pool.size())], pool[below(pool.size())], max_len);
  }

  // A few random edits; byte 0 (the header) is kept, but for one mutation in 16 with more
  // than one version, which moves the input to another version.
  std::vector<std::uint8_t> mutate(std::vector<std::uint8_t> v,
                                   const std::vector<std::uint8_t>& other, std::size_t max_len) {
    if (v.empty()) v.push_back(input_header(versions_.front()));
    if (versions_.size() > 1 && below(16) == 0) v[0] = input_header(any_version());
    unsigned edits = 1 + unsigned(below(4));
    for (unsigned e = 0; e < edits; ++e) {
      std::size_t n = v.size();
      std::size_t at = 1 + below(n); // 1..n
      switch (below(8)) {
      case 0: // flip a bit
        if (n > 1) v[std::min(at, n - 1)] ^= std::uint8_t(1u << below(8));
        break;
      case 1: // a random byte
        if (n > 1) v[std::min(at, n - 1)] = std::uint8_t(below(256));
        break;
      case 2: // an interesting byte
        if (n > 1)
          v[std::min(at, n - 1)] =
              std::array<std::uint8_t, 6>{0, 1, 0x7f, 0x80, 0xfe, 0xff}[below(6)];
        break;
      case 3: // insert bytes
        for (u64 k = below(8) + 1; k > 0 && v.size() < max_len; --k)
          v.insert(v.begin() + std::ptrdiff_t(std::min(at, v.size())), std::uint8_t(below(256)));
        break;
      case 4: // erase bytes
        if (n > 1) {
          std::size_t from = std::min(at, n - 1),
                      len = std::min<std::size_t>(1 + below(8), n - from);
          v.erase(v.begin() + std::ptrdiff_t(from), v.begin() + std::ptrdiff_t(from + len));
        }
        break;
      case 5: // duplicate a chunk
        if (n > 2 && v.size() < max_len) {
          std::size_t from = 1 + below(n - 1), len = std::min<std::size_t>(1 + below(16), n - from);
          std::vector<std::uint8_t> chunk(v.begin() + std::ptrdiff_t(from),
                                          v.begin() + std::ptrdiff_t(from + len));
          v.insert(v.begin() + std::ptrdiff_t(std::min(at, v.size())), chunk.begin(), chunk.end());
        }
        break;
      case 6: // splice: the tail of another input (the end is where the first choices are)
        if (other.size() > 1) {
          std::size_t from = 1 + below(other.size() - 1);
          v.resize(std::min(at, v.size()));
          v.insert(v.end(), other.begin() + std::ptrdiff_t(from), other.end());
        }
        break;
      default: // add to a byte
        if (n > 1) v[std::min(at, n - 1)] += std::uint8_t(below(32) - 16);
        break;
      }
    }
    if (v.size() > max_len) v.resize(max_len);
    return v;
  }

private:
  // One of the versions (no draw when there is one, so that v5.7-only campaigns keep their
  // sequence of inputs).
  KernelVersion any_version() {
    return versions_.size() == 1 ? versions_.front() : versions_[below(versions_.size())];
  }

  std::mt19937_64 rng_;
  std::vector<KernelVersion> versions_;
};

} // namespace hmmspec::fuzz
