// SPDX-License-Identifier: GPL-2.0-or-later
#include "tools/html_picture.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <map>
#include <span>

#include "tools/render.h"

namespace hmmspec {

namespace {

// Colours of the kinds of entries (the tree) and of the page classes (the cells).
struct Colour {
  std::string_view name;
  std::string_view fill;
  std::string_view meaning;
};
constexpr std::array<Colour, 14> kKindColours{{
    {"table", "#90a4ae", "pointer to the next level's table"},
    {"huge", "#ff7043", "PMD/PUD leaf: THP, devmap, or a hugetlb page"},
    {"page", "#66bb6a", "present PTE mapping a page"},
    {"zero", "#c5e1a5", "present PTE mapping the zero page"},
    {"protnone", "#ffe082", "PROTNONE (NUMA hint): present but no access"},
    {"swap", "#ab47bc", "swap entry"},
    {"migration", "#7e57c2", "migration entry"},
    {"device", "#26c6da", "device-private entry"},
    {"hwpoison", "#e53935", "hardware-poisoned page"},
    {"bad", "#212121", "a word the level's *_bad test rejects"},
    {"exclusive", "#00897b", "device-exclusive entry (6.x)"},
    {"marker", "#8d6e63", "PTE marker (6.x)"},
    {"swapin-error", "#f06292", "swapin-error entry (6.1)"},
    {"none", "#eeeeee", "no entry"},
}};
constexpr std::array<Colour, 7> kClassColours{{
    {"valid", "#64b5f6", "valid: a page, read-only"},
    {"valid-write", "#2e7d32", "valid + write: a writable page"},
    {"fault", "#ffb300", "faulted in by this call (handle_mm_fault), then filled"},
    {"error", "#d32f2f", "the error value"},
    {"none", "#bdbdbd", "the none value, or no VALID"},
    {"special", "#8e24aa", "the special value (v5.7)"},
    {"not-written", "#ffffff", "not written: holds its request"},
}};

constexpr double kWidth = 960;     // the drawings' width in CSS pixels (wider when they must be)
constexpr double kTreeRow = 20;    // one row of the tree
constexpr double kCellHeight = 30; // one cell of pages
constexpr std::size_t kMaxRegions = 200;

// Where a UTF-8 sequence starting at s[i] ends, or i when it is not one.
std::size_t utf8_end(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xe  ? 3
                  : (c >> 3) == 0x1e ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return i;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xc0) != 0x80) return i;
  if (n == 2 && c < 0xc2) return i; // overlong
  if (n == 3) {
    const unsigned cp = ((c & 0xfu) << 12) | ((b(i + 1) & 0x3fu) << 6) | (b(i + 2) & 0x3fu);
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return i;
  }
  if (n == 4) {
    const unsigned cp = ((c & 0x7u) << 18) | ((b(i + 1) & 0x3fu) << 12) |
                        ((b(i + 2) & 0x3fu) << 6) | (b(i + 3) & 0x3fu);
    if (cp < 0x10000 || cp > 0x10ffff) return i;
  }
  return i + n;
}

std::string pages_text(u64 n) {
  return n == 1 ? "1 page" : fmt::format("{} pages", n);
}

std::string css() {
  std::string s = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#212121;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
code,.mono,svg text{font-family:ui-monospace,monospace}
.meta{color:#424242}.drawing{overflow-x:auto}
svg text{font-size:11px;fill:#212121}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0;font-size:12px}
.legend span.chip{display:inline-block;width:12px;height:12px;border:1px solid #757575;
 vertical-align:-2px;margin-right:4px}
ul.parties{margin:4px 0;padding-left:20px}.truth{font-weight:600}
.differs{color:#b71c1c;font-weight:600}
table.cells{border-collapse:collapse;font-size:12px}
table.cells td,table.cells th{border:1px solid #e0e0e0;padding:2px 6px;text-align:left;
 vertical-align:top}
table.cells tr.disagree td{background:#ffebee}
.omitted{color:#616161;font-style:italic}
rect.cell{stroke:#616161;stroke-width:1}rect.cell.disagree{stroke:#b71c1c;stroke-width:3}
rect.cls-not-written{stroke-dasharray:3 2}
rect.region{stroke-width:1.5}rect.vma{fill:#e3f2fd;stroke:#1e88e5}
rect.vma.hugetlb{fill:#fff3e0;stroke:#fb8c00}rect.gap{fill:url(#gap-hatch);stroke:#9e9e9e}
rect.kind{stroke:#616161;stroke-width:.5}line.branch{stroke:#9e9e9e}
text.count{pointer-events:none;paint-order:stroke;stroke:#fff;stroke-width:3px}
)";
  for (const Colour& c : kKindColours)
    s += fmt::format(".k-{0}{{fill:{1}}}span.k-{0}{{background:{1}}}\n", c.name, c.fill);
  for (const Colour& c : kClassColours)
    s += fmt::format(".cls-{0}{{fill:{1}}}span.cls-{0}{{background:{1}}}\n", c.name, c.fill);
  return s;
}

// Records script errors and how many cells have a box, into #self-check: nothing else runs.
constexpr std::string_view kSelfCheck = R"(<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push('error: ' + e.message); });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  var original = console.error;
  console.error = function () {
    errors.push('console: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
  window.addEventListener('load', function () {
    var cells = document.querySelectorAll('[data-cell]'), drawn = 0;
    for (var i = 0; i < cells.length; i++) {
      var b = cells[i].getBoundingClientRect();
      if (b.width > 0 && b.height > 0) drawn++;
    }
    var out = document.getElementById('self-check');
    out.setAttribute('data-errors', String(errors.length));
    out.setAttribute('data-cells-drawn', String(drawn));
    out.textContent = errors.join('\n');
  });
})();
</script>)";

std::string legend(std::span<const Colour> colours, std::string_view prefix,
                   const std::map<std::string_view, bool>* only = nullptr) {
  std::string s = "<div class=\"legend\">";
  for (const Colour& c : colours) {
    if (only && !only->count(c.name)) continue;
    s += fmt::format("<span><span class=\"chip {}{}\"></span><b>{}</b> {}</span>", prefix, c.name,
                     c.name, html_escape(c.meaning));
  }
  return s + "</div>\n";
}

std::string header(const Picture& p, std::string_view file) {
  std::string s = fmt::format("<h1>hmmspec explain: {}</h1>\n", html_escape(p.scenario));
  s += fmt::format("<p class=\"meta\"><span class=\"mono\">{}</span> &middot; kernel {} &middot; "
                   "geometry {} &middot; range <span class=\"mono\">{}-{}</span> ({}) &middot; "
                   "the reference returns <b>{}</b> after {} walk{}</p>\n",
                   html_escape(file), html_escape(p.kernel), html_escape(p.geometry), hex(p.start),
                   hex(p.end), pages_text(p.npages), html_escape(p.result), p.walks,
                   p.walks == 1 ? "" : "s");
  return s;
}

std::string parties_section(const Picture& p) {
  std::string s = "<h2>Parties</h2>\n";
  if (!p.unsupported.empty()) return s + fmt::format("<p>{}</p>\n", html_escape(p.unsupported));
  s += "<ul class=\"parties\">\n";
  bool agree = true;
  for (const PartyLine& l : p.parties) {
    s += fmt::format("<li data-party=\"{}\"><span class=\"{}\">{}</span>{}: returns {}",
                     html_escape(l.name), l.ground_truth ? "truth" : "", html_escape(l.name),
                     l.ground_truth ? " (ground truth)" : "", html_escape(l.result));
    if (l.failed_expectations)
      s += fmt::format(", <span class=\"differs\">{} expectations failed</span>",
                       l.failed_expectations);
    if (!l.difference.empty()) {
      agree = false;
      s += fmt::format(" &middot; <span class=\"differs\">differs</span>: {}",
                       html_escape(l.difference));
      if (l.pages_differing)
        s += fmt::format(" ({} with another output)", pages_text(l.pages_differing));
    }
    s += "</li>\n";
  }
  s += "</ul>\n";
  if (agree && p.parties.size() > 1) s += "<p>All parties agree.</p>\n";
  if (!p.divergence.empty())
    s += fmt::format("<pre class=\"differs\">{}</pre>\n", html_escape(p.divergence));
  return s;
}

// The VMAs and gaps of the range as bands, each as wide as the log of its pages.
std::string regions_section(const Picture& p) {
  std::string s = "<h2>VMAs and gaps over the range</h2>\n";
  if (p.regions.empty()) return s + "<p>The range is empty.</p>\n";
  const std::size_t n = std::min(p.regions.size(), kMaxRegions);
  std::vector<double> w(n);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const RangeRegion& r = p.regions[i];
    sum += w[i] = 1 + std::log2(double(std::max<u64>(1, (r.end - r.start) / p.page_size)));
  }
  double total = 0;
  for (double& x : w) total += x = std::max(150.0, kWidth * x / sum);
  const double height = 62;
  s += fmt::format("<div class=\"drawing\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "width=\"{:.0f}\" height=\"{:.0f}\" role=\"img\" aria-label=\"VMAs and gaps\">"
                   "<defs><pattern id=\"gap-hatch\" width=\"8\" height=\"8\" "
                   "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                   "<rect width=\"8\" height=\"8\" fill=\"#fafafa\"/><line x1=\"0\" y1=\"0\" "
                   "x2=\"0\" y2=\"8\" stroke=\"#cfcfcf\" stroke-width=\"3\"/></pattern></defs>\n",
                   total + 2, height + 2);
  double x = 1;
  for (std::size_t i = 0; i < n; ++i) {
    const RangeRegion& r = p.regions[i];
    const std::string span = fmt::format("{}-{}", hex(r.start), hex(r.end));
    const std::string pages = pages_text((r.end - r.start) / p.page_size);
    std::string title, line1, line2;
    std::string cls = "region gap";
    if (r.vma) {
      cls = r.vma->hugetlb() ? "region vma hugetlb" : "region vma";
      line1 = "VMA " + span;
      line2 = vma_flags_text(*r.vma);
      title = fmt::format("VMA {} ({} of the range), vm_flags {}: {}", span, pages,
                          hex(r.vma->flags), line2);
    } else {
      line1 = "gap " + span;
      line2 = "no VMA";
      title = fmt::format("gap {} ({} of the range): no VMA", span, pages);
    }
    s += fmt::format("<g data-region=\"{}\"><title>{}</title><rect class=\"{}\" x=\"{:.1f}\" "
                     "y=\"1\" width=\"{:.1f}\" height=\"{:.0f}\"/><svg x=\"{:.1f}\" y=\"1\" "
                     "width=\"{:.1f}\" height=\"{:.0f}\"><text x=\"6\" y=\"17\">{}</text>"
                     "<text x=\"6\" y=\"33\">{}</text><text x=\"6\" y=\"49\">{}</text></svg></g>\n",
                     r.vma ? "vma" : "gap", html_escape(title), cls, x, w[i] - 2, height, x,
                     w[i] - 4, height, html_escape(line1), html_escape(line2), pages);
    x += w[i];
  }
  s += "</svg></div>\n";
  if (p.regions.size() > n)
    s += fmt::format("<p class=\"omitted\">&hellip; {} more VMAs and gaps (at most {} are drawn)"
                     "</p>\n",
                     p.regions.size() - n, kMaxRegions);
  s += "<div class=\"legend\"><span><span class=\"chip\" style=\"background:#e3f2fd\"></span>VMA"
       "</span><span><span class=\"chip\" style=\"background:#fff3e0\"></span>hugetlb VMA</span>"
       "<span><span class=\"chip\" style=\"background:#eee\"></span>gap (no VMA)</span></div>\n";
  return s;
}

// The page-table tree: one row per slot (a run of none slots as one row), indented by depth.
std::string tree_section(const Picture& p, std::size_t cap) {
  std::string s = "<h2>Page tables over the range, before the call</h2>\n";
  if (p.tree.empty()) return s + "<p>No table covers the range.</p>\n";
  const double height = kTreeRow * double(p.tree.size()) + 4;
  s += fmt::format("<div class=\"drawing\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "width=\"{:.0f}\" height=\"{:.0f}\" role=\"img\" aria-label=\"page tables\">\n",
                   kWidth, height);
  std::map<std::string_view, bool> kinds;
  std::vector<double> parent_y; // the y of the last row of each depth
  for (std::size_t i = 0; i < p.tree.size(); ++i) {
    const TreeRow& r = p.tree[i];
    const double y = 2 + kTreeRow * double(i), mid = y + kTreeRow / 2;
    const double x = 8 + 26.0 * r.depth;
    const std::string_view kind = kind_name(r.kind);
    kinds[kind] = true;
    if (r.depth > 0 && r.depth <= parent_y.size())
      s += fmt::format("<line class=\"branch\" x1=\"{0:.0f}\" y1=\"{1:.0f}\" x2=\"{0:.0f}\" "
                       "y2=\"{2:.0f}\"/><line class=\"branch\" x1=\"{0:.0f}\" y1=\"{2:.0f}\" "
                       "x2=\"{3:.0f}\" y2=\"{2:.0f}\"/>",
                       x - 19, parent_y[r.depth - 1] + 7, mid, x - 2);
    parent_y.resize(r.depth + 1);
    parent_y[r.depth] = mid;
    // a run of slots: its addresses [first, end) and its number of slots
    std::string where = hex(r.addr), text = html_escape(r.text);
    if (r.count > 1) {
      where += "-" + hex(r.addr + (r.count << r.shift));
      text += fmt::format(" &times;{}", r.count);
    }
    if (r.hugetlb_slot) text += " (hugetlb slot)";
    s += fmt::format("<g data-entry=\"{}\"><title>{} {}: word {}</title><rect class=\"kind k-{}\" "
                     "x=\"{:.0f}\" y=\"{:.0f}\" width=\"14\" height=\"14\"/><text x=\"{:.0f}\" "
                     "y=\"{:.0f}\"><tspan font-weight=\"600\">{}</tspan> {} {}</text></g>\n",
                     kind, level_name(r.level), hex(r.addr), hex(r.word), kind, x, mid - 7, x + 20,
                     mid + 4, level_name(r.level), where, text);
  }
  s += "</svg></div>\n";
  if (p.tree_omitted)
    s += fmt::format("<p class=\"omitted\">&hellip; {} more rows (at most {} are drawn)</p>\n",
                     p.tree_omitted, cap);
  for (std::string_view k : {"table", "huge", "page", "swap", "migration", "device", "none"})
    kinds[k] = true;
  return s + legend(kKindColours, "k-", &kinds);
}

std::string cell_title(const PageCell& c, u64 page_size) {
  std::string s = fmt::format("{} at {}-{}\nrequest {}\noutput {}", pages_text(c.count),
                              hex(c.addr), hex(c.addr + c.count * page_size), c.request, c.output);
  for (const std::string& r : c.rules) s += "\n" + r;
  for (const CellDifference& d : c.differ) s += fmt::format("\n{} differs: {}", d.party, d.output);
  return s;
}

// The pages as cells, one per run of alike pages, each as wide as the log of its pages,
// wrapping into rows.
std::string cells_section(const Picture& p, std::size_t cap) {
  std::string s = "<h2>Pages: request, output, rule</h2>\n";
  if (p.cells.empty()) return s + "<p>The range has no pages.</p>\n";
  struct Placed {
    double x, y, w;
  };
  std::vector<Placed> at;
  double x = 1, y = 1;
  for (const PageCell& c : p.cells) {
    const double w = std::min(110.0, 16.0 + 7.0 * std::floor(std::log2(double(c.count))));
    if (x + w > kWidth) x = 1, y += kCellHeight + 6;
    at.push_back({x, y, w});
    x += w + 2;
  }
  s += fmt::format("<div class=\"drawing\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "width=\"{:.0f}\" height=\"{:.0f}\" role=\"img\" aria-label=\"pages\">\n",
                   kWidth + 2, y + kCellHeight + 2);
  for (std::size_t i = 0; i < p.cells.size(); ++i) {
    const PageCell& c = p.cells[i];
    const Placed& a = at[i];
    std::string differs;
    for (const CellDifference& d : c.differ) differs += (differs.empty() ? "" : " ") + d.party;
    const std::string_view cls = page_class_name(c.cls);
    s += fmt::format("<rect data-cell=\"{}\" data-first=\"{}\" data-count=\"{}\"{} class=\"cell "
                     "cls-{}{}\" x=\"{:.0f}\" y=\"{:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\">"
                     "<title>{}</title></rect>",
                     cls, c.first, c.count,
                     differs.empty() ? ""
                                     : fmt::format(" data-differs=\"{}\"", html_escape(differs)),
                     cls, differs.empty() ? "" : " disagree", a.x, a.y, a.w, kCellHeight,
                     html_escape(cell_title(c, p.page_size)));
    if (c.count > 1 && a.w >= 30)
      s += fmt::format("<text class=\"count\" x=\"{:.0f}\" y=\"{:.0f}\">{}</text>", a.x + 4,
                       a.y + 19, c.count);
    if (!differs.empty())
      s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" pointer-events=\"none\" "
                       "style=\"fill:#b71c1c;font-weight:700\">!</text>",
                       a.x + a.w - 9, a.y + 12);
    s += "\n";
  }
  s += "</svg></div>\n";
  if (p.cells_omitted)
    s += fmt::format("<p class=\"omitted\">&hellip; {} more runs of pages (at most {} are drawn)"
                     "</p>\n",
                     p.cells_omitted, cap);
  s += legend(kClassColours, "cls-");
  s += "<div class=\"legend\"><span><span class=\"chip\" style=\"border:3px solid #b71c1c\">"
       "</span>a party differs from the ground truth there (<b>!</b>)</span></div>\n";

  s += "<table class=\"cells\"><tr><th></th><th>pages</th><th>address</th><th>request</th>"
       "<th>output (reference)</th><th>decided by</th><th>parties that differ</th></tr>\n";
  for (const PageCell& c : p.cells) {
    std::string rules, differs;
    for (const std::string& r : c.rules) rules += (rules.empty() ? "" : "<br>") + html_escape(r);
    if (c.rules.empty()) rules = "(not reached by any walk)";
    for (const CellDifference& d : c.differ)
      differs +=
          fmt::format("{}<span class=\"differs\">{}</span>: {}", differs.empty() ? "" : "<br>",
                      html_escape(d.party), html_escape(d.output));
    const std::string pages = c.count == 1 ? std::to_string(c.first)
                                           : fmt::format("{}-{}", c.first, c.first + c.count - 1);
    s += fmt::format("<tr data-row=\"{}\"{}><td><span class=\"chip cls-{}\" style=\"display:"
                     "inline-block;width:12px;height:12px;border:1px solid #757575\"></span></td>"
                     "<td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}"
                     "</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td></tr>\n",
                     c.first, differs.empty() ? "" : " class=\"disagree\"", page_class_name(c.cls),
                     pages, hex(c.addr), html_escape(c.request), html_escape(c.output), rules,
                     differs);
  }
  return s + "</table>\n";
}

} // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char ch = s[i];
    switch (ch) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default: {
      const std::size_t end = utf8_end(s, i);
      if (end == i) {
        out += "\xEF\xBF\xBD"; // U+FFFD
        ++i;
      } else {
        out.append(s.substr(i, end - i));
        i = end;
      }
      continue;
    }
    }
    ++i;
  }
  return out;
}

std::string html_picture(const Picture& p, std::string_view file) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n";
  s += fmt::format("<title>hmmspec explain: {}</title>\n", html_escape(p.scenario));
  s += std::string(kSelfCheck) + "\n<style>" + css() + "</style></head>\n";
  s += fmt::format("<body data-cells=\"{}\" data-entries=\"{}\">\n", p.cells.size(), p.tree.size());
  s += header(p, file);
  s += parties_section(p);
  s += regions_section(p);
  s += tree_section(p, p.tree_cap);
  s += cells_section(p, p.cells_cap);
  s += "<div id=\"self-check\" hidden></div>\n</body></html>\n";
  return s;
}

} // namespace hmmspec
