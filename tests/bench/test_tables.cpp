// SPDX-License-Identifier: GPL-2.0-or-later
// The benchmark tables at every --shrink a quick run uses: pfns[] has one entry per page of
// the range, every entry a table writes lies in its range (the PTE loops once wrote a whole
// PMD chunk of requests past a shrunk pfns[]), and every built party agrees on the table.
#include "bench/measure.h"
#include "bench/tables.h"

#include <gtest/gtest.h>

namespace hmmspec::bench {
namespace {

TEST(BenchTables, ShrunkTablesStayInTheirRange) {
  for (const std::string& id : table_ids())
    for (unsigned shrink = 8; shrink <= 20; ++shrink) {
      SCOPED_TRACE("table " + id + " shrink " + std::to_string(shrink));
      std::optional<BenchTable> t = make_table(id, shrink);
      ASSERT_TRUE(t);
      const Geometry& g = t->world.geom;
      const HmmRange& r = t->range;
      ASSERT_LT(r.start, r.end);
      EXPECT_EQ(r.pfns.size(), (r.end - r.start) >> g.page_shift);
      unsigned outside = 0;
      t->world.visit([&](Level l, u64 addr, u64, Context) {
        if (addr >= r.end || addr + g.size(l) <= r.start) ++outside;
      });
      EXPECT_EQ(outside, 0u);
      EXPECT_EQ(check_agreement(*t), std::vector<std::string>{});
    }
}

// Each table has a reading in 6.1 and 6.12, and there every party of the version gives the
// version's walker's outcome.
TEST(BenchTables, TablesTranslateToEveryVersionAndAgreeThere) {
  for (const std::string& id : table_ids())
    for (unsigned shrink = 8; shrink <= 12; shrink += 2)
      for (KernelVersion v : {KernelVersion::V6_1, KernelVersion::V6_12}) {
        SCOPED_TRACE("table " + id + " shrink " + std::to_string(shrink) + " kernel " +
                     std::string(version_name(v)));
        std::optional<BenchTable> t5 = make_table(id, shrink);
        ASSERT_TRUE(t5);
        std::optional<BenchTable> t = table_in_version(*t5, v);
        ASSERT_TRUE(t);
        EXPECT_EQ(t->world.geom.kernel, v);
        EXPECT_EQ(t->pages(), t5->pages());
        EXPECT_EQ(check_agreement(*t), std::vector<std::string>{});
        TableResult r = run_table(*t, Options{.min_time = 0, .min_calls = 1});
        EXPECT_EQ(r.version, v);
        EXPECT_NE(report_text({r}).find("== kernel " + std::string(version_name(v))),
                  std::string::npos);
      }
}

TEST(BenchTables, ShrinkKeepsAPageOrAPmd) {
  EXPECT_EQ(make_table("b", 20)->pages(), 1u);   // 1 GiB >> 20 is less than a page
  EXPECT_EQ(make_table("c", 20)->pages(), 512u); // the THP table keeps one huge page
  EXPECT_EQ(make_table("e", 10)->pages(), 256u); // 1 MiB: half a PMD chunk
}

} // namespace
} // namespace hmmspec::bench
