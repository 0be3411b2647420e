// SPDX-License-Identifier: GPL-2.0-or-later
// The 6.x hmm_range_fault words (model/range_v6.h): the bits of enum hmm_pfn_flags, requests by
// meaning, and describe_request/describe_output dispatched by version.
#include <gtest/gtest.h>

#include "model/range_v6.h"

namespace hmmspec {
namespace {

constexpr KernelVersion V57 = KernelVersion::V5_7, V61 = KernelVersion::V6_1,
                        V612 = KernelVersion::V6_12;

TEST(RangeV6, BitsOfHmmPfnFlags) {
  // 6.1 include/linux/hmm.h:34-46: BITS_PER_LONG - 1, - 2, - 3, order shift BITS_PER_LONG - 8.
  EXPECT_EQ(hmm6::VALID, 0x8000000000000000ull);
  EXPECT_EQ(hmm6::WRITE, 0x4000000000000000ull);
  EXPECT_EQ(hmm6::ERROR, 0x2000000000000000ull);
  EXPECT_EQ(hmm6::ORDER_SHIFT, 56u);
  EXPECT_EQ(hmm6::FLAGS, 0xff00000000000000ull);
  EXPECT_EQ(hmm6::REQ_FAULT, hmm6::VALID);
  EXPECT_EQ(hmm6::REQ_WRITE, hmm6::WRITE);
  EXPECT_EQ(hmm6::pfn_of(0xc900000000001234ull), 0x1234u);
  EXPECT_EQ(hmm6::order_of(0xc900000000001234ull), 9u);
  EXPECT_EQ(hmm6::order_of(0xff00000000000000ull), 31u); // 5 bits: ERROR is not order
}

TEST(RangeV6, DescribeDispatchesByVersion) {
  HmmRange r;
  EXPECT_EQ(describe_output(V61, r, 0), "NONE");
  EXPECT_EQ(describe_output(V61, r, hmm6::ERROR), "ERROR");
  EXPECT_EQ(describe_output(V61, r, hmm6::VALID | hmm6::WRITE | (9ull << 56) | 0x42),
            "pfn=0x42 V W order=9");
  EXPECT_EQ(describe_output(V612, r, hmm6::VALID | 0x42), "pfn=0x42 V");
  EXPECT_EQ(describe_output(V57, r, 0), "NONE");
  EXPECT_EQ(describe_output(V57, r, (0x42ull << 12) | 3), "pfn=0x42 V W");
  EXPECT_EQ(describe_request(V61, r, hmm6::REQ_FAULT | hmm6::REQ_WRITE), "VW");
  EXPECT_EQ(describe_request(V61, r, 3), "-");
  EXPECT_EQ(describe_request(V57, r, 3), "VW");
  EXPECT_EQ(request_meaning(V61, r, hmm6::REQ_WRITE), (RequestMeaning{false, true}));
  EXPECT_EQ(request_word(V57, r, RequestMeaning{true, true}), 3u);
  EXPECT_EQ(request_word(V612, r, RequestMeaning{true, false}), hmm6::REQ_FAULT);
}

} // namespace
} // namespace hmmspec
