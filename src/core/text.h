// Small text helpers. Everything a device sends is hostile: use escape_for_terminal() before a
// device-provided string reaches a terminal, and the report layer's escapers for HTML and CSV.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace anshin::text {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::vector<std::string_view> split(std::string_view s, char sep);

// Valid UTF-8 passes through; C0/C1 controls, DEL, ESC and invalid bytes become "\xNN" (or "\n",
// "\t", "\r"), so no device string can move the cursor, change colours or retitle the terminal.
std::string escape_for_terminal(std::string_view s);

// Replaces invalid UTF-8 sequences with U+FFFD so the result is safe for JSON writers.
std::string sanitize_utf8(std::string_view s);

// Number of terminal columns the (already escaped) UTF-8 text occupies; East Asian wide = 2.
size_t display_width(std::string_view utf8);

// A bounded NFKC (Unicode normalization form KC) for what people type in Japanese input methods:
// full-width ASCII (U+FF01-FF5E) and the ideographic space (U+3000) become ASCII; half-width katakana
// (U+FF61-FF9F) become full-width, with a following half-width (semi-)voiced mark composed (ｶﾞ -> ガ,
// ﾊﾟ -> パ), as is a combining mark U+3099/U+309A after a full-width katakana. Every other character
// passes through unchanged (it is already NFKC for the ranges lookup needs); invalid bytes pass through.
std::string nfkc_basic(std::string_view utf8);

}  // namespace anshin::text
