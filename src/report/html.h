// The HTML report: ONE self-contained file (inline CSS and vanilla JS, inline SVG charts; no network
// access, works offline) for IT/security and facility staff: executive summary (policy-named devices,
// critical/high findings), charts, a filterable and sortable device table, and one section per device with
// its evidence chain and findings. Print-friendly (A4, one device section per page, no controls).
//
// Security: every device-provided string goes through html_text() or html_attr(); the only <script> is a
// constant that reads the DOM (no data in JS), and the Content-Security-Policy allows that exact script
// by its SHA-256 hash, so an escaping mistake still could not run injected script or event handlers.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "model/device.h"

namespace anshin::report {

struct HtmlOptions {
  std::string lang = "en";  // "en" or "ja"
  // The policies of the knowledge base in display order, texts in `lang` (assess::policy_infos): rules that
  // name vendors get a row with their device count; context records are listed below without counts.
  std::vector<PolicyInfo> policies;
};

std::string render_html(const ScanSnapshot& snapshot, const HtmlOptions& options = {});

// Escapers, exposed for tests. Both replace invalid UTF-8 with U+FFFD and show control characters as
// visible "\xNN" text. html_text() is for element content; html_attr() for a double-quoted attribute value.
std::string html_text(std::string_view s);
std::string html_attr(std::string_view s);
// True for an absolute http:// or https:// URL without spaces or control characters: only those
// references become links.
bool is_linkable_url(std::string_view url);

}  // namespace anshin::report
