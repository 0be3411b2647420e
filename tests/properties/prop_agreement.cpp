// SPDX-License-Identifier: GPL-2.0-or-later
// Property: the reference, the walker and the kernel party give the same outcome (the return
// value, pfns[], every table word, the notifier and the log: model/outcome.h), on every
// generated world and range, with and without events at interleaving points, and on sequences
// of calls with mm operations between them; and the parties of
// 6.1 and 6.12 on worlds and ranges of their version. Parties not built are
// left out; with fewer than two the test is skipped. The ground truth is the kernel party when
// built, else the reference.
#include "fuzz/fuzz_case.h"
#include "harness/check.h"
#include "harness/parties.h"
#include "model/table_tree.h"
#include "model/translate.h"
#include "tests/properties/generators.h"
#include "tests/properties/props_support.h"
#include "tests/properties/walk_facts.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace hmmspec::props {
namespace {

// The parties of the scenario's kernel version agree on it.
void parties_agree_on(const Scenario& s) {
  const ScenarioRun run = run_scenario(s, built_parties(s.world.geom.kernel));
  RC_ASSERT(!run.unsupported);
  const Outcome& truth = run.results.front().outcome;
  RC_TAG(truth.livelock   ? std::string("livelock")
         : truth.ret >= 0 ? std::string("success")
                          : errno_name(truth.ret));
  if (!s.world.races.empty()) {
    bool fired = false;
    for (const Race& r : truth.world.races) fired |= r.fired;
    RC_TAG(fired ? std::string("an event fired") : std::string("no event fired"));
  }
  if (!s.calls.empty()) {
    std::size_t ops = 0;
    for (const Call& k : s.calls) ops += k.ops.size();
    RC_TAG(fmt::format("{} later calls", s.calls.size()),
           ops ? std::string("with operations") : std::string("no operation applies"));
    // every party makes every call its previous one returned from, each operation applying,
    // but for an operation the calls' faults made inapplicable (the generator tries each on
    // the worlds without them, as the parser does), which stops every party at the same call;
    // under the driver loop the contract is checked too, and v5.7's hugetlb walk breaks it
    // (docs/checking.md), on every party alike
    bool hugetlb = false;
    for (const Vma& v : s.world.vmas.all()) hugetlb |= v.hugetlb();
    const std::size_t made = run.results.front().later.size();
    for (const PartyResult& pr : run.results) {
      for (const Failure& f : pr.failures) {
        const bool stopped = f.message.find("cannot be applied") != std::string::npos;
        const bool contract = hugetlb && f.message.find("driver contract") != std::string::npos;
        RC_ASSERT(stopped || contract);
        if (stopped) RC_TAG(std::string("an operation the faults made inapplicable"));
      }
      RC_ASSERT(pr.later.size() == made);
      const Outcome* last = pr.call(pr.later.size() + 1);
      RC_ASSERT(pr.later.size() == s.calls.size() || last->failure || !pr.failures.empty());
    }
  }
  if (s.driver_loop) RC_TAG(std::string("driver loop"));
  if (!run.divergence) return;
  for (const PartyResult& pr : run.results) {
    RC_LOG() << outcome_text(pr.party.name, s.range, pr.outcome);
    for (std::size_t k = 0; k < pr.later.size(); ++k)
      RC_LOG() << outcome_text(fmt::format("{} (call {})", pr.party.name, k + 2), s.range,
                               pr.later[k]);
  }
  RC_FAIL(divergence_text(*run.divergence));
}

void parties_agree(const WorldDesc& d) {
  parties_agree_on(build_scenario(d));
}

// The 6.x versions with two parties or more in this build.
std::vector<KernelVersion> compared_v6_versions() {
  std::vector<KernelVersion> out;
  for (KernelVersion v : kAllKernelVersions)
    if (has_v6_api(v) && built_parties(v).size() >= 2) out.push_back(v);
  return out;
}

} // namespace

TEST(Property, PartiesAgree) {
  if (built_parties().size() < 2) GTEST_SKIP() << "fewer than two parties in this build";
  rc::detail::checkGTest(&parties_agree);
}

// The same with events at interleaving points (model/race.h): every party reaches the same
// points for the same entries and decides alike afterwards.
// Only worlds whose tables form a tree: the reference looks every page up afresh from the root,
// while the kernel's walker goes on through the pointers it holds, so an event that clears an
// entry reached through two pointers would change the one and not the other (docs/spec.md,
// section 6a).
TEST(Property, PartiesAgreeWithRaces) {
  if (built_parties().size() < 2) GTEST_SKIP() << "fewer than two parties in this build";
  rc::detail::checkGTest([] {
    const WorldDesc d = *gen_world_desc_with_races();
    RC_PRE(tables_form_a_tree(build_scenario(d).world));
    parties_agree(d);
  });
}

// The same on sequences of calls (docs/scenario-format.md, "Sequences of calls"): every party
// makes every call on the world its previous call left with the mm operations applied, and the
// outcomes agree call by call (run_scenario compares each); races may fire in any call. As
// above, worlds with races only when their tables form a tree.
TEST(Property, PartiesAgreeOnSequences) {
  if (built_parties().size() < 2) GTEST_SKIP() << "fewer than two parties in this build";
  rc::detail::checkGTest([] {
    const WorldDesc d = *gen_world_desc_with_calls();
    const Scenario s = build_scenario(d);
    RC_PRE(s.world.races.empty() || tables_form_a_tree(s.world));
    RC_ASSERT(s.calls.size() == d.calls.size());
    parties_agree_on(s);
  });
}

// The parties of 6.1 and 6.12 (kernel-6.x, reference-6.x, and any other party of that version)
// agree on the generated worlds translated to the version (model/translate.h: the same logical
// entries in its words, the requests carried by meaning to its fixed bits); worlds the version
// cannot hold are discarded.
TEST(Property, SixXPartiesAgreeOnTranslatedWorlds) {
  const std::vector<KernelVersion> versions = compared_v6_versions();
  if (versions.empty()) GTEST_SKIP() << "fewer than two 6.x parties of a version in this build";
  rc::detail::checkGTest([&] {
    const KernelVersion v = *rc::gen::elementOf(versions);
    Scenario s = build_scenario(*gen_world_desc());
    RC_PRE(s.world.races.empty()); // (races are modelled for the v5.7 walk only)
    auto world = translate_world(s.world, v);
    RC_PRE(std::holds_alternative<World>(world));
    s.range = translate_range(s.range, s.world.geom.kernel, v);
    s.world = std::get<World>(std::move(world));
    RC_ASSERT(s.world.geom.kernel == v);
    RC_TAG(std::string(version_name(v)));
    parties_agree_on(s);
  });
}

// The same with events at interleaving points, which 6.1 and 6.12 have at the same places
// (docs/spec.md, 6a): the generated worlds with races translated without them, the races put
// back at the same entries; worlds whose tables form a tree, as above.
TEST(Property, SixXPartiesAgreeWithRaces) {
  const std::vector<KernelVersion> versions = compared_v6_versions();
  if (versions.empty()) GTEST_SKIP() << "fewer than two 6.x parties of a version in this build";
  rc::detail::checkGTest([&] {
    const KernelVersion v = *rc::gen::elementOf(versions);
    Scenario s = build_scenario(*gen_world_desc_with_races());
    RC_PRE(!s.world.races.empty() && tables_form_a_tree(s.world));
    const std::vector<Race> races = s.world.races;
    s.world.races.clear();
    auto world = translate_world(s.world, v);
    RC_PRE(std::holds_alternative<World>(world));
    s.range = translate_range(s.range, s.world.geom.kernel, v);
    s.world = std::get<World>(std::move(world));
    s.world.races = races;
    RC_TAG(std::string(version_name(v)));
    parties_agree_on(s);
  });
}

// The same on 6.x cases of the fuzz encoding (fuzz/fuzz_case.h), which hold what only 6.x words
// and worlds can: device-exclusive entries, read-exclusive migration entries, PTE markers,
// 6.1's swapin errors, device-coherent pages, a memmap that ends.
TEST(Property, SixXPartiesAgreeOnSixXCases) {
  const std::vector<KernelVersion> versions = compared_v6_versions();
  if (versions.empty()) GTEST_SKIP() << "fewer than two 6.x parties of a version in this build";
  rc::detail::checkGTest([&] {
    const KernelVersion v = *rc::gen::elementOf(versions);
    std::vector<std::uint8_t> bytes = *rc::gen::arbitrary<std::vector<std::uint8_t>>();
    bytes.insert(bytes.begin(), fuzz::input_header(v));
    const Scenario s = fuzz::build_case(fuzz::decode_case(bytes));
    RC_ASSERT(s.world.geom.kernel == v);
    RC_TAG(std::string(version_name(v)));
    parties_agree_on(s);
  });
}

} // namespace hmmspec::props
