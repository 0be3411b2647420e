// SPDX-License-Identifier: GPL-2.0-or-later
// The picture of a walk as one self-contained HTML page (`hmmspec explain --html`): inline CSS
// and SVG, no external resource (a Content-Security-Policy forbids any), and one inline script
// that only records script errors and how many cells were laid out, for the headless-browser
// test (tests/cli/check_html.sh). docs/picture.md says how to read it.
#pragma once

#include <string>
#include <string_view>

#include "harness/picture.h"

namespace hmmspec {

// Text for HTML (element content and quoted attribute values): & < > " ' escaped, and bytes
// that are not UTF-8 replaced by U+FFFD, so that any scenario name is shown as written.
std::string html_escape(std::string_view s);

// The page for a picture (harness/picture.h); `file` is the scenario's path, shown in it.
std::string html_picture(const Picture& p, std::string_view file);

} // namespace hmmspec
