// SPDX-License-Identifier: GPL-2.0-or-later
// An ordered log held as runs, losslessly: consecutive entries that are equal but for an
// address that moves by a fixed step (the faults of a span, page after page; a fault retried
// at one address) are one run. A call that faults every page of a 2^24-page range logs one
// run, not 2^24 entries, and two logs compare run by run, as exactly as entry by entry: the
// runs are made greedily, so one sequence of entries always gives the same runs.
//
// E is an entry with a u64 member `addr` and operator==. The log reads like a vector of E:
// size, operator[], back, iteration (entries by value), equality with a vector.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <vector>

namespace hmmspec {

template <typename E>
class RunLog {
public:
  // Entries [index, index + count): first, then first with addr + step, + 2 * step, ...
  struct Run {
    E first{};
    std::uint64_t count = 0;
    std::uint64_t step = 0;  // addr increment (mod 2^64); 0 for a run of one entry
    std::uint64_t index = 0; // of its first entry in the log
    E at(std::uint64_t k) const {
      E e = first;
      e.addr += k * step;
      return e;
    }
    bool operator==(const Run&) const = default;
  };

  RunLog() = default;
  RunLog(std::initializer_list<E> entries) {
    for (const E& e : entries) push_back(e);
  }

  void push_back(const E& e) {
    if (!runs_.empty()) {
      Run& r = runs_.back();
      std::uint64_t step = r.count == 1 ? e.addr - r.first.addr : r.step;
      E next = r.first;
      next.addr += r.count * step;
      if (next == e) {
        r.step = step;
        ++r.count;
        return;
      }
    }
    runs_.push_back(Run{e, 1, 0, size()});
  }
  void clear() { runs_.clear(); }

  std::size_t size() const {
    return runs_.empty() ? 0 : std::size_t(runs_.back().index + runs_.back().count);
  }
  bool empty() const { return runs_.empty(); }
  const std::vector<Run>& runs() const { return runs_; }

  // The entry at i (i < size()), found by binary search over the runs.
  E operator[](std::size_t i) const {
    const Run& r = run_of(i);
    return r.at(i - r.index);
  }
  E front() const { return runs_.front().first; }
  E back() const { return runs_.back().at(runs_.back().count - 1); }

  class const_iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = E;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = E;
    const_iterator() = default;
    const_iterator(const RunLog* log, std::size_t run, std::uint64_t k)
        : log_(log), run_(run), k_(k) {}
    E operator*() const { return log_->runs_[run_].at(k_); }
    const_iterator& operator++() {
      if (++k_ == log_->runs_[run_].count) ++run_, k_ = 0;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return run_ == o.run_ && k_ == o.k_; }

  private:
    const RunLog* log_ = nullptr;
    std::size_t run_ = 0;
    std::uint64_t k_ = 0;
  };
  using iterator = const_iterator;
  const_iterator begin() const { return const_iterator(this, 0, 0); }
  const_iterator end() const { return const_iterator(this, runs_.size(), 0); }

  // Equal as sequences of entries (the runs of one sequence are always the same runs).
  bool operator==(const RunLog&) const = default;
  friend bool operator==(const RunLog& a, const std::vector<E>& b) {
    return a.size() == b.size() && std::equal(b.begin(), b.end(), a.begin());
  }

  // The first index at which a and b differ (an entry, or the end of the shorter one);
  // nothing when they are equal. Goes run by run: O(runs), not O(entries).
  friend std::optional<std::size_t> first_mismatch(const RunLog& a, const RunLog& b) {
    std::size_t i = 0, ra = 0, rb = 0;
    const std::size_t n = std::min(a.size(), b.size());
    while (i < n) {
      while (a.runs_[ra].index + a.runs_[ra].count <= i) ++ra;
      while (b.runs_[rb].index + b.runs_[rb].count <= i) ++rb;
      const Run &x = a.runs_[ra], &y = b.runs_[rb];
      const std::uint64_t kx = i - x.index, ky = i - y.index;
      const std::uint64_t len = std::min(x.count - kx, y.count - ky);
      if (!(x.at(kx) == y.at(ky))) return i;
      // the same entry at i: the rest of the overlap is alike iff the steps agree
      if (len > 1 && x.step != y.step) return i + 1;
      i += std::size_t(len);
    }
    if (a.size() != b.size()) return n;
    return std::nullopt;
  }

private:
  const Run& run_of(std::size_t i) const {
    auto it = std::upper_bound(runs_.begin(), runs_.end(), std::uint64_t(i),
                               [](std::uint64_t v, const Run& r) { return v < r.index; });
    return *std::prev(it);
  }

  std::vector<Run> runs_;
};

} // namespace hmmspec
