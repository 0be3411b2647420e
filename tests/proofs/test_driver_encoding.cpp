// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in driver encodings and the custom encoding FILE format.
#include <gtest/gtest.h>

#include "proofs/driver_encoding.h"

namespace hmmspec::proofs {
namespace {

TEST(DriverEncoding, BuiltinsAreTheV57Constants) {
  auto n = builtin_encoding("nouveau");
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->symbolic);
  EXPECT_EQ(n->range.flags[HMM_PFN_VALID], 1u);
  EXPECT_EQ(n->range.flags[HMM_PFN_WRITE], 2u);
  EXPECT_EQ(n->range.values[HMM_PFN_ERROR], n->range.values[HMM_PFN_SPECIAL]);
  EXPECT_EQ(n->range.pfn_flags_mask, ~0ull);
  auto a = builtin_encoding("amdgpu");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->range.values[HMM_PFN_SPECIAL], 0xfffffffffffffffcull);
  EXPECT_EQ(a->range.pfn_flags_mask, 0u);
  EXPECT_EQ(a->range.default_flags, 1u);
  EXPECT_FALSE(builtin_encoding("radeon"));
}

TEST(DriverEncoding, ParsesTheFileFormat) {
  std::string err;
  auto e = parse_encoding(
      "# a driver\nname demo\nvalid 0x8   # bit 3\nwrite 0x10\nerror ~0x8\nnone 0\n"
      "special ~0x18\npfn_shift 6\ndefault_flags 0x8\npfn_flags_mask 0x10\npfn_bits 40\n",
      "demo.enc", err);
  ASSERT_TRUE(e) << err;
  EXPECT_EQ(e->name, "demo");
  EXPECT_EQ(e->range.flags[HMM_PFN_VALID], 8u);
  EXPECT_EQ(e->range.values[HMM_PFN_ERROR], ~8ull);
  EXPECT_EQ(e->range.values[HMM_PFN_SPECIAL], ~0x18ull);
  EXPECT_EQ(e->range.pfn_shift, 6u);
  EXPECT_EQ(e->range.default_flags, 8u);
  EXPECT_EQ(e->range.pfn_flags_mask, 0x10u);
  EXPECT_EQ(e->pfn_bits, 40u);
  auto d =
      parse_encoding("valid 1\nwrite 2\nerror 3\nnone 4\nspecial 5\npfn_shift 12\n", "d.enc", err);
  ASSERT_TRUE(d) << err;
  EXPECT_EQ(d->name, "d.enc");
  EXPECT_EQ(d->range.pfn_flags_mask, ~0ull);
  EXPECT_EQ(d->pfn_bits, kDefaultPfnBits);
}

TEST(DriverEncoding, ErrorsNameFileLineAndColumn) {
  const std::string base = "valid 1\nwrite 2\nerror 3\nnone 4\nspecial 5\n";
  struct Case {
    std::string text, error;
  } cases[] = {
      {base + "pfn_shift 12\ncolour 3\n", "x.enc:7:1: unknown key 'colour'"},
      {base + "pfn_shift 0xZZ\n",
       "x.enc:6:11: '0xZZ' is not a number (decimal, 0x-hex, optional ~)"},
      {base + "pfn_shift 64\n", "x.enc:6:11: pfn_shift must be 0..63"},
      {base + "pfn_shift 12\nvalid 1\n", "x.enc:7:1: 'valid' given twice (first on line 1)"},
      {base, "x.enc:6:1: missing required key 'pfn_shift'"},
      {base + "pfn_shift\n", "x.enc:6:10: missing value for 'pfn_shift'"},
      {base + "pfn_shift 12 13\n", "x.enc:6:14: unexpected text after the value"},
      {base + "pfn_shift 12\npfn_bits 0\n", "x.enc:7:10: pfn_bits must be 1..64"},
  };
  for (const Case& c : cases) {
    std::string err;
    EXPECT_FALSE(parse_encoding(c.text, "x.enc", err)) << c.text;
    EXPECT_EQ(err.substr(0, c.error.size()), c.error) << err;
  }
  std::string err;
  EXPECT_FALSE(load_encoding("/nonexistent/enc", err));
  EXPECT_EQ(err, "/nonexistent/enc: cannot read the encoding file");
}

} // namespace
} // namespace hmmspec::proofs
