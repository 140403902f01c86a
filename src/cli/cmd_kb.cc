// `anshin kb verify`: load the built-in knowledge base (or --kb DIR), run every check of
// docs/kb-format.md, print one diagnostic a line ("file:line: message") and a summary.
// Exit 0 when clean, 1 otherwise.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "core/text.h"
#include "assess/assess.h"
#include "kb/kb.h"

namespace anshin::cli {

int run_kb_verify(const KbOptions& opts) {
  kb::Diagnostics diags;
  kb::KbStats stats;
  bool ok = opts.kb_dir.empty() ? kb::KnowledgeBase::verify_embedded(diags, &stats)
                                : kb::KnowledgeBase::verify_dir(opts.kb_dir, diags, &stats);
  for (const auto& d : diags.all()) std::printf("%s\n", text::escape_for_terminal(kb::Diagnostics::format(d)).c_str());
  // The assessment data (policies, CVE ranges, finding texts) has examples too: run them as well.
  kb::Diagnostics assess_diags;
  assess::AssessStats astats;
  bool assess_ok = assess::verify_assessment(opts.kb_dir, assess_diags, &astats);
  for (const auto& d : assess_diags.all())
    std::printf("%s\n", text::escape_for_terminal(kb::Diagnostics::format(d)).c_str());
  std::printf("assess: %zu policies, %zu CVEs, %zu examples: %s\n", astats.policies, astats.cves,
              astats.policy_examples + astats.cve_examples + astats.scheme_examples + astats.model_examples,
              assess_ok ? "ok" : "errors");
  ok = ok && assess_ok;
  std::string version = stats.kb_version.empty() ? "?" : stats.kb_version;
  if (ok) {
    std::printf("kb %s: %zu vendors, %zu rules, %zu examples, %zu OUI prefixes: ok\n", version.c_str(), stats.vendors,
                stats.rules, stats.examples, stats.oui_prefixes);
    return 0;
  }
  std::printf("kb %s: %zu vendors, %zu rules, %zu examples: %zu error(s)\n", version.c_str(), stats.vendors, stats.rules,
              stats.examples, diags.error_count() + assess_diags.error_count());
  return 1;
}

}  // namespace anshin::cli
