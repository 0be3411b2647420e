// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario parser: scenario text -> Scenario. Splits the text into lines, dispatches each
// directive to its reader (scenario_parse_*.cpp) and resolves what is symbolic at the end.
#include "model/scenario_parser.h"

#include "model/file_io.h"

#include <algorithm>
#include <fmt/format.h>

namespace hmmspec {

namespace scenario_text {

void Parser::feed(std::string_view text, unsigned lineno) {
  line_ = lineno;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (in_description_) {
    size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return;
    if (text[first] == '#') {
      std::string_view c = text.substr(first + 1);
      if (!c.empty() && c[0] == ' ') c.remove_prefix(1);
      if (!c.starts_with(kSpdx)) description_.emplace_back(c);
      return;
    }
    in_description_ = false;
  }
  std::vector<Token> t = tokenize(text);
  if (t.empty()) return;
  directive(t);
}

Scenario Parser::finish() {
  if (!range_line_) fail_at(1, 1, "no 'range' line: every scenario needs one");
  HmmRange& r = s_.range;
  if (default_flags_) r.default_flags = default_flags_->resolve(kernel(), r);
  if (mask_) r.pfn_flags_mask = mask_->resolve(kernel(), r);
  paint_requests();
  check_races();
  check_driver_loop();
  check_driver_events();
  for (auto& [index, out] : outs_) s_.expectations[index].word = out.resolve(kernel(), r);
  split_calls();
  if (!notifier_line_) s_.world.notifier = Notifier{r.start, r.end, 0, 0};
  if (stale_)
    r.notifier_seq = s_.world.notifier.seq - 1;
  else if (notifier_seq_)
    r.notifier_seq = *notifier_seq_;
  else
    r.notifier_seq = s_.world.notifier.seq;
  for (size_t i = 0; i < description_.size(); ++i) s_.text += (i ? "\n" : "") + description_[i];
  if (!name_line_) s_.name = default_name();
  return std::move(s_);
}

void Parser::fail_at(unsigned line, unsigned col, std::string msg) const {
  throw Stop{ParseError{SourceLoc{file_, line, col}, std::move(msg)}};
}

void Parser::fail(unsigned col, std::string msg) const {
  fail_at(line_, col, std::move(msg));
}

std::string Parser::default_name() const {
  std::string_view f = file_;
  if (size_t slash = f.find_last_of('/'); slash != std::string_view::npos)
    f.remove_prefix(slash + 1);
  if (size_t dot = f.find_last_of('.'); dot != std::string_view::npos && dot > 0)
    f = f.substr(0, dot);
  return std::string(f);
}

void Parser::once(const Token& t, std::string key) {
  auto [it, fresh] = once_.emplace(key, line_);
  if (!fresh) fail(t, fmt::format("duplicate {} (first at line {})", quote(key), it->second));
}

void Parser::directive(std::span<const Token> t) {
  std::string_view d = t[0].text;
  if (d == "call") return call(t);
  if (auto k = mm_op_from_name(d)) return mm_op(t, *k);
  if (call_line_ && d != "expect") after_call(t[0]);
  if (d == "scenario") return scenario(t);
  if (d == "rule") return rule(t);
  if (d == "geometry") return geometry(t);
  if (d == "kernel") return kernel_line(t);
  if (!first_world_line_) {
    first_world_line_ = line_;
    first_world_name_ = d;
  }
  if (d == "zero_pfn") return zero_pfn(t);
  if (d == "next_pfn") return next_pfn(t);
  if (d == "highest_memmap_pfn") return highest_memmap_pfn(t);
  if (d == "vma") return vma(t);
  if (d == "owner") return owner_line(t);
  if (d == "shared_pfn") return shared_pfn(t);
  if (d == "inject") return inject(t);
  if (d == "race") return race(t);
  if (d == "table") return table_line(t);
  if (d == "word") return word_line(t);
  if (level_from_name(d)) return entry_line(t);
  if (d == "notifier") return notifier(t);
  if (d == "range") return range(t);
  if (d == "driver") return driver(t);
  if (d == "driver-loop") return driver_loop(t);
  if (d == "during") return during(t);
  if (d == "flags" || d == "values" || d == "pfn_shift" || d == "default_flags" ||
      d == "pfn_flags_mask")
    return encoding(t);
  if (d == "dev_private_owner") return dev_private_owner(t);
  if (d == "notifier_seq") return notifier_seq(t);
  if (d == "request") return request(t);
  if (d == "budget") return budget(t);
  if (d == "expect") return expect(t);
  fail(t[0], "unknown directive " + quote(d));
}

void Parser::scenario(std::span<const Token> t) {
  once(t[0], "scenario");
  name_line_ = line_;
  s_.name = std::string(need(t, 1, "NAME").text);
  no_more(t, 2);
}

void Parser::rule(std::span<const Token> t) {
  const Token& r = need(t, 1, "R-NAME");
  if (!r.text.starts_with("R-") || r.text.size() < 3)
    fail(r, "a rule is named R-SOMETHING, got " + quote(r.text));
  if (!rule_names_.emplace(r.text).second) fail(r, "duplicate rule " + quote(r.text));
  s_.rules.emplace_back(r.text);
  no_more(t, 2);
}

} // namespace scenario_text

ParseResult parse_scenario(std::string_view text, std::string_view file) {
  scenario_text::Parser p(file);
  try {
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
      p.feed(line, ++lineno);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    return p.finish();
  } catch (const scenario_text::Stop& s) {
    return s.error;
  } catch (const std::bad_alloc&) {
    return ParseError{SourceLoc{std::string(file), 0, 0}, "out of memory"};
  }
}

ParseResult load_scenario(const std::string& path) {
  std::string reason;
  std::optional<std::string> text = read_file(path, reason);
  if (!text) return ParseError{SourceLoc{path, 0, 0}, reason};
  return parse_scenario(*text, path);
}

} // namespace hmmspec
