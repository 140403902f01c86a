// HTML <title> extraction: first <title ...>...</title> outside comments (case-insensitive),
// whitespace collapsed, common entities decoded (&amp; &lt; &gt; &quot; &apos; &#39; &nbsp;
// &#NNN; &#xHH;). Limits: scans at most 256 KiB of the page; the title is cut to 1 KiB.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::codec::html {

struct Limits {
  size_t max_scan = 256 * 1024;
  size_t max_title = 1024;
};

// Errc::kNotFound when the page has no (terminated) <title>.
Result<std::string> extract_title(std::string_view page, const Limits& limits = {});

// Decodes the common entities listed above; unknown or malformed entities are kept verbatim.
std::string decode_entities(std::string_view s);

}  // namespace anshin::codec::html
