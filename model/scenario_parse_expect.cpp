// SPDX-License-Identifier: GPL-2.0-or-later
// The parser's expect lines (docs/scenario-format.md, "Expectations"): ret, pfn, final
// entries, the fault/wait log, the notifier sequence and the kernel's reports.
#include "model/scenario_parser.h"

#include <fmt/format.h>

#include "model/range_v6.h"

namespace hmmspec::scenario_text {

Expectation& Parser::add_expectation(Expectation::Type type, const Token& t) {
  Expectation e;
  e.type = type;
  e.loc = SourceLoc{file_, line_, t.col};
  s_.expectations.push_back(std::move(e));
  return s_.expectations.back();
}

Expectation& Parser::log_expectation(const Token& t) {
  if (!log_index_) {
    log_index_ = s_.expectations.size();
    add_expectation(Expectation::Type::Log, t);
  }
  return s_.expectations[*log_index_];
}

Expectation& Parser::reports_expectation(const Token& t) {
  if (!reports_index_) {
    reports_index_ = s_.expectations.size();
    add_expectation(Expectation::Type::Reports, t);
  }
  return s_.expectations[*reports_index_];
}

void Parser::expect(std::span<const Token> t) {
  const Token& what = need(t, 1, "what to expect");
  std::string_view w = what.text;
  if (w == "ret") {
    once(what, "expect ret");
    const Token& v = need(t, 2, "N, an error name or livelock");
    Expectation& e = add_expectation(Expectation::Type::Ret, t[0]);
    if (v.text == "livelock") {
      e.livelock = true;
    } else {
      if (auto named = errno_from_name(v.text)) {
        e.ret = *named;
      } else {
        bool neg = v.text.starts_with('-');
        u64 n = number(neg ? v.text.substr(1) : v.text, v.col);
        if (n > (neg ? (1ull << 63) : (1ull << 63) - 1))
          fail(v, "return value " + quote(v.text) + " does not fit in a long");
        e.ret = neg ? long(0 - n) : long(n);
      }
    }
    return no_more(t, 3);
  }
  if (w == "pfn") {
    auto [first, count] = where(need(t, 2, "WHERE"), "expect pfn");
    Expectation& e = add_expectation(Expectation::Type::Pfn, t[0]);
    e.first = first;
    e.count = count;
    outs_.emplace_back(s_.expectations.size() - 1, out(t, 3, e));
    return;
  }
  if (w == "fault" || w == "wait") return expect_event(t);
  if (w == "tries" || w == "chunk") return expect_tries(t);
  if (w == "nofault") {
    once(what, "expect nofault");
    if (log_index_)
      fail(what, fmt::format("expect nofault contradicts the expect fault/wait at line {}",
                             s_.expectations[*log_index_].loc.line));
    nofault_line_ = line_;
    log_expectation(t[0]);
    return no_more(t, 2);
  }
  if (w == "report") return expect_report(t);
  if (w == "noreport") {
    once(what, "expect noreport");
    if (reports_index_)
      fail(what, fmt::format("expect noreport contradicts the expect report at line {}",
                             s_.expectations[*reports_index_].loc.line));
    noreport_line_ = line_;
    reports_expectation(t[0]);
    return no_more(t, 2);
  }
  if (w == "notifier_seq") {
    once(what, "expect notifier_seq");
    u64 seq = number(need(t, 2, "N"));
    add_expectation(Expectation::Type::Notifier, t[0]).seq = seq;
    return no_more(t, 3);
  }
  if (level_from_name(w)) {
    auto [l, at, addr, sp, ctx] = level_addr_entry(t, 1);
    u64 word;
    if (!sp.raw && sp.e.kind == Kind::Table) {
      if (!sp.table_pfn) fail(sp.kind_col, "expect ... table needs pfn=P");
      if (l == Level::Pte || ctx == Context::HugetlbSlot)
        fail(sp.kind_col, fmt::format("{}: a table pointer cannot be a leaf", level_name(l)));
      word = encode(s_.world.geom, l, Entry{.kind = Kind::Table, .pfn = *sp.table_pfn}).word;
    } else {
      word = encode_spec(l, ctx, sp);
    }
    Expectation& e = add_expectation(Expectation::Type::Entry, t[0]);
    e.level = l;
    e.addr = addr;
    e.entry_word = word;
    return;
  }
  fail(what, "unknown expectation " + quote(w) +
                 " (expected ret, pfn, pte, pmd, pud, p4d, pgd, fault, wait, nofault, "
                 "notifier_seq, report, noreport, tries or chunk)");
}

// OUT of expect pfn: none, error, special (v5.7), a word (WORD+ increments), or
// pfn=P[+] [V] [W] (and order=N in 6.x).
Out Parser::out(std::span<const Token> t, size_t i, Expectation& e) const {
  const Token& o = need(t, i, "OUT");
  const bool v6 = has_v6_api(kernel());
  Out r;
  if (o.text == "special" && v6)
    fail(o, fmt::format("'special' is a v5.7 output (values[HMM_PFN_SPECIAL]); {} has none: "
                        "write error, none, pfn=P [V] [W] [order=N] or a word",
                        version_name(kernel())));
  if (o.text == "none" || o.text == "error" || o.text == "special") {
    r.form = o.text == "none"    ? Out::Form::None
             : o.text == "error" ? Out::Form::Error
                                 : Out::Form::Special;
    no_more(t, i + 1);
    return r;
  }
  if (o.text.starts_with("pfn=")) {
    std::string_view p = o.text.substr(4);
    if (p.ends_with('+')) {
      e.pfn_increments = true;
      p.remove_suffix(1);
    }
    if (p.empty()) fail(o, "missing value for 'pfn'");
    r.form = Out::Form::Pfn;
    r.value = number(p, o.col);
    if (v6 && (r.value & hmm6::FLAGS))
      fail(o, fmt::format("pfn {} overlaps the flag bits 56-63 of a {} output", hex(r.value),
                          version_name(kernel())));
    Opts f = options(t, i + 1, {"order"}, {"V", "W", "VW"});
    r.v = f.has("V") || f.has("VW");
    r.w = f.has("W") || f.has("VW");
    if (const Opt* ord = f.get("order")) {
      if (!v6)
        fail(ord->col, "order= is a 6.x output field (hmm_pfn_to_map_order): v5.7 outputs "
                       "carry no map order");
      r.order = small(ord->value, ord->col, hmm6::ORDER_MASK, "order");
    }
    return r;
  }
  std::string_view n = o.text;
  if (n.ends_with('+')) {
    e.pfn_increments = true;
    n.remove_suffix(1);
  }
  u64 v = 0;
  if (parse_u64(n, v))
    fail(o, "bad output " + quote(o.text) +
                (v6 ? ": expected none, error, pfn=P [V] [W] [order=N] or a word"
                    : ": expected none, error, special, pfn=P [V] [W] or a word"));
  r.value = v;
  no_more(t, i + 1);
  return r;
}

void Parser::expect_event(std::span<const Token> t) {
  const Token& what = t[1];
  if (nofault_line_)
    fail(what, fmt::format("expect {} contradicts the expect nofault at line {}", what.text,
                           nofault_line_));
  const Geometry& g = s_.world.geom;
  Event ev;
  size_t next;
  if (what.text == "wait") {
    const Token& lt = need(t, 2, "pte or pmd");
    if (lt.text != "pte" && lt.text != "pmd")
      fail(lt, "a migration wait is at pte or pmd, got " + quote(lt.text));
    ev.type = Event::Type::Wait;
    ev.level = lt.text == "pte" ? Level::Pte : Level::Pmd;
    ev.addr = address(need(t, 3, "ADDR"), g.size(ev.level), "wait address");
    next = 4;
  } else {
    ev.addr = address(need(t, 2, "ADDR"), g.page_size(), "fault address");
    const Token& f = need(t, 3, "read, write or flags=N");
    if (f.text == "read")
      ev.flags = fault::FLAG_REMOTE;
    else if (f.text == "write")
      ev.flags = fault::FLAG_REMOTE | fault::FLAG_WRITE;
    else if (f.text.starts_with("flags=") && f.text.size() > 6)
      ev.flags = small(f.text.substr(6), f.col, 0xffffffffull, "fault flags");
    else
      fail(f, "expected read, write or flags=N, got " + quote(f.text));
    next = 4;
    if (next < t.size() && t[next].text == "->") {
      const Token& b = need(t, next + 1, "BITS");
      ev.result = fault_bits(b.text, b.col);
      next += 2;
    }
  }
  no_more(t, next);
  log_expectation(t[0]).log.push_back(ev);
}

// expect report bad-pte ADDR | warn FILE:LINE [ADDR] | bug FILE:LINE [ADDR]
void Parser::expect_report(std::span<const Token> t) {
  const Token& what = t[1];
  if (noreport_line_)
    fail(what,
         fmt::format("expect report contradicts the expect noreport at line {}", noreport_line_));
  const Token& k = need(t, 2, "bad-pte, warn or bug");
  KernelReport r;
  size_t next;
  if (k.text == "bad-pte") {
    r.kind = KernelReport::Kind::BadPte;
    r.addr = address(need(t, 3, "ADDR"), s_.world.geom.page_size(), "bad page map address");
    next = 4;
  } else if (k.text == "warn" || k.text == "bug") {
    r.kind = k.text == "warn" ? KernelReport::Kind::Warn : KernelReport::Kind::Bug;
    const Token& where = need(t, 3, "FILE:LINE");
    size_t colon = where.text.rfind(':');
    u64 line = 0;
    if (colon == std::string_view::npos || colon == 0 ||
        parse_u64(where.text.substr(colon + 1), line))
      fail(where, "expected FILE:LINE (a line of the kernel tree, mm/memory.c:3757), got " +
                      quote(where.text));
    r.where = std::string(where.text);
    next = 4;
    if (next < t.size()) {
      r.addr = number(t[next]);
      ++next;
    }
  } else {
    fail(k, "expected bad-pte, warn or bug, got " + quote(k.text));
  }
  no_more(t, next);
  reports_expectation(t[0]).reports.push_back(std::move(r));
}

} // namespace hmmspec::scenario_text
