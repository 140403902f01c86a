// The HTML report: ONE self-contained file (inline CSS and vanilla JS, inline SVG charts; no network
// access, works offline) for IT/security and facility staff: executive summary (policy-named devices,
// critical/high findings), charts, the top actions, a filterable and sortable device table, and one section
// per device with its evidence chain (collapsed) and findings. Printing gives the summary only (A4: cards,
// policy table, charts, top actions, device table; no controls, no per-device sections). Times are shown in
// the report maker's time zone with its offset; the script re-renders them in the reader's zone when it differs.
//
// Security: every device-provided string goes through html_text() or html_attr(); the only <script> is a
// constant that reads the DOM (no data in JS), and the Content-Security-Policy allows that exact script
// by its SHA-256 hash, so an escaping mistake still could not run injected script or event handlers.
#pragma once
#include <set>
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
  // Finding ids of CVEs known to be exploited (CISA KEV in the knowledge base): they rank the top actions.
  std::set<std::string> exploited;
};

std::string render_html(const ScanSnapshot& snapshot, const HtmlOptions& options = {});

// An RFC 3339 UTC time ("2026-12-06T12:09:00Z") in the time zone of this process (TZ), with its offset:
// "2026-12-06 21:09 JST (+09:00)". Text that is not such a time is returned as it is.
std::string local_time_text(std::string_view rfc3339_utc);

// Escapers, exposed for tests. Both replace invalid UTF-8 with U+FFFD and show control characters as
// visible "\xNN" text. html_text() is for element content; html_attr() for a double-quoted attribute value.
std::string html_text(std::string_view s);
std::string html_attr(std::string_view s);
// True for an absolute http:// or https:// URL without spaces or control characters: only those
// references become links.
bool is_linkable_url(std::string_view url);

}  // namespace anshin::report
