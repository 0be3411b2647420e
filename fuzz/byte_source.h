// SPDX-License-Identifier: GPL-2.0-or-later
// A byte reader with the consumption semantics of libFuzzer's FuzzedDataProvider, for the
// calls the decoder makes: ConsumeIntegralInRange<uint64_t> and ConsumeBool. Integers come off
// the END of the input, most significant byte first, as many bytes as the range needs; a
// short input yields the low bound for the missing bytes; the value is reduced modulo the
// range. GCC builds (the replay test, `hmmspec fuzz`, `hmmspec reproduce`) decode through
// this; the libFuzzer targets decode through FuzzedDataProvider itself, and the clang build
// checks that both give the same cases (fuzz/provider_equivalence.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace hmmspec::fuzz {

class ByteSource {
public:
  ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), remaining_(size) {}

  template <typename T>
  T ConsumeIntegralInRange(T min, T max) {
    static_assert(sizeof(T) <= sizeof(std::uint64_t));
    if (min > max) std::abort();
    std::uint64_t range = static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(min);
    std::uint64_t result = 0;
    std::size_t offset = 0;
    while (offset < sizeof(T) * 8 && (range >> offset) > 0 && remaining_ != 0) {
      --remaining_;
      result = (result << 8) | data_[remaining_];
      offset += 8;
    }
    if (range != ~std::uint64_t{0}) result = result % (range + 1);
    return static_cast<T>(static_cast<std::uint64_t>(min) + result);
  }

  bool ConsumeBool() { return 1 & ConsumeIntegralInRange<std::uint8_t>(0, 255); }

  std::size_t remaining_bytes() const { return remaining_; }

private:
  const std::uint8_t* data_;
  std::size_t remaining_;
};

} // namespace hmmspec::fuzz
