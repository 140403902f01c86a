// `anshin kb suggest OBSERVATIONS.jsonl`: for every surveillance-like device of an observations file
// (`scan --observations`) that the knowledge base cannot name, print draft YAML rules built from its
// strongest clues (the device's own strings as examples), for a fingerprint author to finish: choose the
// vendor, generalise the pattern into a grammar, cite where the string was recorded, run `kb verify`.
#include <cstdio>
#include <fstream>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "kb/kb.h"
#include "report/observations.h"
#include "verdict/verdict.h"

namespace anshin::cli {
namespace {

// A value can become a YAML example and an RE2 pattern only if it is printable text: no control bytes,
// valid UTF-8 without C1 controls, line separators or bidi overrides (hostile bytes are not echoed).
bool usable(const std::string& v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return false;
  // valid UTF-8 that the terminal escaper leaves alone: no C1 controls, line separators or bidi overrides
  return !v.empty() && text::sanitize_utf8(v) == v && text::escape_for_terminal(v) == v;
}

// RE2 pattern matching exactly `v` (ASCII only: other bytes as \x{NN}, as the KB requires), with runs of
// three or more digits generalised to \d+ so the draft already reads as a grammar.
std::string pattern_for(const std::string& v) {
  std::string p = "^";
  for (size_t i = 0; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    size_t j = i;
    while (j < v.size() && v[j] >= '0' && v[j] <= '9') ++j;
    if (j - i >= 3) {
      p += "\\d+";
      i = j - 1;
      continue;
    }
    if (c >= 0x80) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x{%02x}", c);
      p += buf;
    } else if (std::string_view("\\^$.|?*+()[]{}").find(static_cast<char>(c)) != std::string_view::npos) {
      p += '\\';
      p += static_cast<char>(c);
    } else {
      p += static_cast<char>(c);
    }
  }
  return p + "$";
}

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string file_for(const std::string& key) {
  std::string f = key;
  for (char& c : f)
    if (c == '.') c = '_';
  return "data/fingerprints/" + f + ".yaml";
}

void print_drafts(const Device& d, size_t& drafts) {
  std::printf("# %s: %s, no manufacturer identified%s\n", d.address.to_string().c_str(),
              category_name(d.verdict.category),
              d.verdict.possible_manufacturer ? (" (clone-prone tells suggest " +
                                                 text::escape_for_terminal(*d.verdict.possible_manufacturer) + ")")
                                                    .c_str()
                                              : "");
  size_t n = 0;
  for (const auto& c : d.verdict.clues) {
    if (!usable(c.value)) continue;
    ++n;
    std::string id = "todo-" + d.address.to_string() + "-" + c.source + "-" + std::to_string(n);
    for (char& ch : id)
      if (ch == '.' || ch == '_' || ch == ':') ch = '-';
    std::printf("# %s (matches: %s)\n", file_for(c.source).c_str(), c.source.c_str());
    std::printf("  - id: %s\n", id.c_str());
    std::printf("    description: 'TODO: what this string is and which firmware writes it'\n");
    std::printf("    pattern: %s\n", single_quoted(pattern_for(c.value)).c_str());
    std::printf("    set: { hw.vendor: TODO }\n");
    std::printf("    tier: medium   # strong | medium | clone (docs/verdict.md \"Evidence tiers\")\n");
    std::printf("    source: 'TODO: where this string was recorded (a public fixture or issue, or this scan of %s port %u)'\n",
                d.address.to_string().c_str(), static_cast<unsigned>(c.port));
    std::printf("    examples:\n      - value: %s\n", single_quoted(c.value).c_str());
    ++drafts;
  }
  std::printf("\n");
}

}  // namespace

int run_kb_suggest(const KbSuggestOptions& opts) {
  std::ifstream in(opts.observations);
  if (!in) return usage_error("cli.kb.suggest_open", {{"path", quote_value(opts.observations)}});
  kb::Diagnostics diags;
  auto kb = opts.kb_dir.empty() ? kb::KnowledgeBase::load_embedded(diags) : kb::KnowledgeBase::load(opts.kb_dir, diags);
  if (!kb) return usage_error(kb.error());
  std::string line;
  size_t line_no = 0, hosts = 0, unidentified = 0, drafts = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (text::trim(line).empty()) continue;
    auto host = report::parse_observations_line(line);
    if (!host)
      return usage_error("cli.kb.suggest_line", {{"path", quote_value(opts.observations)},
                                                 {"line", std::to_string(line_no)},
                                                 {"reason", host.error().message}});
    ++hosts;
    Device d = verdict::decide(*host, **kb);
    if (d.verdict.manufacturer || d.verdict.category == Category::kOther || d.verdict.clues.empty()) continue;
    ++unidentified;
    print_drafts(d, drafts);
  }
  std::fprintf(stderr, "%s\n", msg("cli.kb.suggest_done", {{"hosts", std::to_string(hosts)},
                                                           {"unidentified", std::to_string(unidentified)},
                                                           {"drafts", std::to_string(drafts)}})
                                   .c_str());
  return 0;
}

}  // namespace anshin::cli
