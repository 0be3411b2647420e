// SPDX-License-Identifier: GPL-2.0-or-later
#include "fuzz/minimize.h"

#include <fmt/format.h>

namespace hmmspec::fuzz {

std::string divergence_key(const Divergence& d) {
  return divergence_signature(d);
}

namespace {

class Shrinker {
public:
  Shrinker(const FuzzCase& c, const std::function<bool(const Scenario&)>& still, std::size_t max)
      : best_(c), still_(still), max_(max) {}

  MinimizeResult run() {
    bool changed = true;
    while (changed && attempts_ < max_) {
      changed = false;
      changed |= shrink_list(&FuzzCase::ops);
      changed |= shrink_range();
      changed |= shrink_list(&FuzzCase::vmas);
      changed |= shrink_list(&FuzzCase::injections);
      changed |= shrink_list(&FuzzCase::owners);
      changed |= shrink_list(&FuzzCase::shared_pfns);
      changed |= shrink_list(&FuzzCase::coherent_pfns); // (6.x)
      changed |= shrink_list(&FuzzCase::races);         // (v5.7)
      changed |= shrink_list(&FuzzCase::calls);         // (v5.7)
      changed |= shrink_call_ops();
      changed |= shrink_driver(); // (v5.7)
      changed |= clear_requests();
      changed |= simplify_fields();
      changed |= simplify_ops();
    }
    return MinimizeResult{best_, attempts_, accepted_};
  }

private:
  // Whether the candidate still fails the same way; if so it becomes the best.
  bool keep(const FuzzCase& candidate) {
    if (attempts_ >= max_ || candidate == best_) return false;
    ++attempts_;
    if (!still_(build_case(candidate))) return false;
    best_ = candidate;
    ++accepted_;
    return true;
  }

  // ddmin over one list: drop chunks of halving size.
  template <typename T>
  bool shrink_list(std::vector<T> FuzzCase::*member) {
    bool changed = false;
    for (std::size_t chunk = std::max<std::size_t>(1, (best_.*member).size() / 2); chunk >= 1;
         chunk /= 2) {
      for (std::size_t at = 0; at < (best_.*member).size();) {
        FuzzCase cand = best_;
        auto& v = cand.*member;
        v.erase(v.begin() + at, v.begin() + std::min(v.size(), at + chunk));
        if (keep(cand))
          changed = true;
        else
          at += chunk;
      }
      if (chunk == 1) break;
    }
    return changed;
  }

  // Each later call loses operations, one at a time.
  bool shrink_call_ops() {
    bool changed = false;
    for (std::size_t k = 0; k < best_.calls.size(); ++k)
      for (std::size_t i = 0; i < best_.calls[k].ops.size();) {
        FuzzCase cand = best_;
        cand.calls[k].ops.erase(cand.calls[k].ops.begin() + i);
        if (keep(cand))
          changed = true;
        else
          ++i;
      }
    return changed;
  }

  // The driver loop loses its events, one at a time, then goes.
  bool shrink_driver() {
    bool changed = false;
    for (std::size_t i = 0; best_.driver && i < best_.driver->events.size();) {
      FuzzCase cand = best_;
      cand.driver->events.erase(cand.driver->events.begin() + std::ptrdiff_t(i));
      if (keep(cand))
        changed = true;
      else
        ++i;
    }
    if (best_.driver) {
      FuzzCase cand = best_;
      cand.driver.reset();
      changed |= keep(cand);
    }
    return changed;
  }

  // The range loses pages at either end (halves first); a notifier over the whole range
  // follows it.
  bool shrink_range() {
    bool changed = false;
    auto with_range = [&](u64 start, u64 end) {
      FuzzCase cand = best_;
      bool follow = cand.notifier_start == cand.start_page && cand.notifier_end == cand.end_page;
      u64 drop_front = start - cand.start_page;
      cand.requests.erase(cand.requests.begin(),
                          cand.requests.begin() + std::min<u64>(drop_front, cand.requests.size()));
      cand.requests.resize(end - start, 0);
      cand.start_page = start, cand.end_page = end;
      if (follow) cand.notifier_start = start, cand.notifier_end = end;
      return cand;
    };
    for (bool progress = true; progress;) {
      progress = false;
      if (best_.end_page <= best_.start_page + 1) break;
      u64 n = best_.end_page - best_.start_page;
      for (u64 cut : {n / 2, u64(1)}) {
        if (cut == 0) continue;
        if (keep(with_range(best_.start_page, best_.end_page - cut)))
          progress = changed = true;
        else if (keep(with_range(best_.start_page + cut, best_.end_page)))
          progress = changed = true;
        if (progress) break;
      }
    }
    return changed;
  }

  bool clear_requests() {
    bool changed = false;
    if (std::any_of(best_.requests.begin(), best_.requests.end(), [](u64 r) { return r != 0; })) {
      FuzzCase cand = best_;
      cand.requests.assign(cand.requests.size(), 0);
      if (keep(cand)) return true;
    }
    for (std::size_t i = 0; i < best_.requests.size(); ++i) {
      if (best_.requests[i] == 0) continue;
      FuzzCase cand = best_;
      cand.requests[i] = 0;
      changed |= keep(cand);
    }
    return changed;
  }

  // Fields back to the values a scenario does not need to state.
  bool simplify_fields() {
    const FuzzCase d;
    bool changed = false;
    auto try_set = [&](auto FuzzCase::*m) {
      if (best_.*m == d.*m) return;
      FuzzCase cand = best_;
      cand.*m = d.*m;
      changed |= keep(cand);
    };
    try_set(&FuzzCase::dev_private_owner);
    try_set(&FuzzCase::default_flags);
    try_set(&FuzzCase::pfn_flags_mask);
    try_set(&FuzzCase::zero_pfn);
    try_set(&FuzzCase::next_pfn);
    try_set(&FuzzCase::highest_memmap_pfn); // (6.x)
    if (best_.flags != d.flags || best_.values != d.values || best_.pfn_shift != d.pfn_shift) {
      FuzzCase cand = best_;
      cand.flags = d.flags, cand.values = d.values, cand.pfn_shift = d.pfn_shift;
      changed |= keep(cand);
    }
    if (best_.notifier_start != best_.start_page || best_.notifier_end != best_.end_page ||
        best_.notifier_seq != 0 || best_.caller_seq != 0) {
      FuzzCase cand = best_;
      cand.notifier_start = cand.start_page, cand.notifier_end = cand.end_page;
      cand.notifier_seq = cand.caller_seq = 0;
      changed |= keep(cand);
    }
    for (u64 b : {u64(1), u64(2), u64(4)}) {
      if (best_.budget <= b) break;
      FuzzCase cand = best_;
      cand.budget = b;
      if (keep(cand)) {
        changed = true;
        break;
      }
    }
    return changed;
  }

  // Entries toward plainer forms: flags off, raw words and tables to none.
  bool simplify_ops() {
    bool changed = false;
    for (std::size_t i = 0; i < best_.ops.size(); ++i) {
      auto try_op = [&](auto&& edit) {
        FuzzCase cand = best_;
        edit(cand.ops[i]);
        changed |= keep(cand);
      };
      const FuzzOp& op = best_.ops[i];
      if (op.write) try_op([](FuzzOp& o) { o.write = false; });
      if (op.special) try_op([](FuzzOp& o) { o.special = false; });
      if (op.devmap) try_op([](FuzzOp& o) { o.devmap = false; });
      if (op.protnone) try_op([](FuzzOp& o) { o.protnone = false; });
    }
    return changed;
  }

  FuzzCase best_;
  const std::function<bool(const Scenario&)>& still_;
  std::size_t max_;
  std::size_t attempts_ = 0, accepted_ = 0;
};

} // namespace

MinimizeResult minimize_case(const FuzzCase& c, Differential& diff, const std::string& key,
                             std::size_t max_attempts) {
  const std::function<bool(const Scenario&)> same = [&](const Scenario& s) {
    ScenarioRun r = diff.run(s);
    return r.divergence && divergence_key(*r.divergence) == key;
  };
  return Shrinker(c, same, max_attempts).run();
}

MinimizeResult minimize_case(const FuzzCase& c, const std::function<bool(const Scenario&)>& still,
                             std::size_t max_attempts) {
  return Shrinker(c, still, max_attempts).run();
}

} // namespace hmmspec::fuzz
