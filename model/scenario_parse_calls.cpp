// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's sequence lines (docs/scenario-format.md, "Sequences of calls"): `call`, which
// starts the next call, and the mm operations applied before it (mprotect, munmap,
// madvise-dontneed, fork, migrate-to-device, migrate-to-ram, reclaim, thp-split, thp-collapse,
// mmap, cpu-read, cpu-write). Each operation is tried on a copy of
// the world with the earlier operations applied, so that one the model cannot apply is an error at
// its line.
#include "model/scenario_parser.h"

#include <fmt/format.h>

namespace hmmspec::scenario_text {

// After the first `call` line, only operations, expectations and further calls.
void Parser::after_call(const Token& t) const {
  fail(t, fmt::format("{} after the 'call' line at line {}: a later call issues the first "
                      "call's range again on the world its operations leave, so only "
                      "operation, expect and call lines follow",
                      quote(t.text), call_line_));
}

void Parser::call(std::span<const Token> t) {
  if (kernel() != KernelVersion::V5_7)
    fail(t[0], fmt::format("'call': sequences of calls are modelled for v5.7 worlds only, and "
                           "this is kernel {}",
                           version_name(kernel())));
  if (!range_line_) fail(t[0], "'call' before the 'range' line: a later call re-issues it");
  no_more(t, 1);
  if (!call_line_) {
    call_line_ = line_;
    ops_world_ = s_.world;
  }
  call_starts_.push_back(s_.expectations.size());
  s_.calls.push_back(Call{SourceLoc{file_, line_, t[0].col}, {}, {}});
  // the expectations allowed once are allowed once per call
  for (const char* k :
       {"expect ret", "expect nofault", "expect noreport", "expect notifier_seq", "expect tries"})
    once_.erase(k);
  log_index_.reset();
  reports_index_.reset();
  nofault_line_ = noreport_line_ = 0;
}

// OP ADDR+LEN [PROT]: ADDR and LEN page aligned, LEN not 0 (START-END is accepted too); `fork`
// has no argument; the migrations take the device's owner from dev_private_owner.
void Parser::mm_op(std::span<const Token> t, MmOpKind kind) {
  const std::string_view name = mm_op_name(kind);
  if (!call_line_)
    fail(t[0], fmt::format("{} before the first 'call' line: an operation belongs to the call "
                           "after it, and is written after that call's 'call' line",
                           quote(name)));
  Call& c = s_.calls.back();
  if (s_.expectations.size() > call_starts_.back())
    fail(t[0], fmt::format("{} after an expect line of its call: the operations of a call come "
                           "before its expectations",
                           quote(name)));
  size_t next = 1;
  MmOp op = mm_op_fields(t, 0, kind, next);
  if (kind == MmOpKind::MigrateToDevice || kind == MmOpKind::MigrateToRam)
    op.owner = s_.range.dev_private_owner;
  no_more(t, next);
  if (auto why = apply_mm_op_line(*ops_world_, op))
    fail(t[next > 1 ? 1 : 0], fmt::format("{}: {}", name, *why));
  c.ops.push_back(MmOpLine{op, SourceLoc{file_, line_, t[0].col}});
}

MmOp Parser::mm_op_fields(std::span<const Token> t, size_t first, MmOpKind kind,
                          size_t& next) const {
  MmOp op;
  op.kind = kind;
  next = first + 1;
  if (mm_op_has_range(kind)) {
    const Token& span = need(t, first + 1, "ADDR+LEN");
    std::tie(op.start, op.end) = address_span(span, mm_op_name(kind));
    next = first + 2;
    // the CPU touches every page: as many as a range may have, so that the work stays in
    // proportion to the call's (docs/scenario-format.md, "Limits")
    const u64 pages = (op.end - op.start) >> s_.world.geom.page_shift;
    if ((kind == MmOpKind::CpuRead || kind == MmOpKind::CpuWrite) && pages > kMaxRangePages)
      fail(span, fmt::format("{} of {} pages is too large (at most {}: the CPU touches each)",
                             mm_op_name(kind), pages, kMaxRangePages));
  }
  if (mm_op_has_prot(kind)) {
    const Token& p = need(t, first + 2, "PROT (none, r or rw)");
    auto prot = prot_from_name(p.text);
    if (!prot) fail(p, fmt::format("unknown PROT {} (expected none, r or rw)", quote(p.text)));
    op.prot = *prot;
    next = first + 3;
  }
  return op;
}

// The expectations after each `call` line move to their call (after finish() resolved them).
void Parser::split_calls() {
  for (size_t i = call_starts_.size(); i-- > 0;) {
    auto from = s_.expectations.begin() + std::ptrdiff_t(call_starts_[i]);
    s_.calls[i].expectations.assign(std::make_move_iterator(from),
                                    std::make_move_iterator(s_.expectations.end()));
    s_.expectations.erase(from, s_.expectations.end());
  }
}

} // namespace hmmspec::scenario_text
