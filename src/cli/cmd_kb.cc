// `anshin kb verify`: load the built-in knowledge base (or --kb DIR), run every check of
// docs/kb-format.md, print one diagnostic a line ("file:line: message") and a summary.
// Exit 0 when clean, 1 otherwise.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
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
  const size_t assess_examples =
      astats.policy_examples + astats.cve_examples + astats.scheme_examples + astats.model_examples;
  std::printf("%s\n", msg(assess_ok ? "cli.kb.assess_ok" : "cli.kb.assess_errors",
                          {{"policies", std::to_string(astats.policies)},
                           {"cves", std::to_string(astats.cves)},
                           {"examples", std::to_string(assess_examples)}})
                         .c_str());
  ok = ok && assess_ok;
  std::string version = stats.kb_version.empty() ? "?" : stats.kb_version;
  if (ok) {
    std::printf("%s\n", msg("cli.kb.ok", {{"version", version},
                                          {"vendors", std::to_string(stats.vendors)},
                                          {"rules", std::to_string(stats.rules)},
                                          {"examples", std::to_string(stats.examples)},
                                          {"oui", std::to_string(stats.oui_prefixes)}})
                           .c_str());
    return 0;
  }
  std::printf("%s\n", msg("cli.kb.errors", {{"version", version},
                                            {"vendors", std::to_string(stats.vendors)},
                                            {"rules", std::to_string(stats.rules)},
                                            {"examples", std::to_string(stats.examples)},
                                            {"errors", std::to_string(diags.error_count() + assess_diags.error_count())}})
                         .c_str());
  return 1;
}

}  // namespace anshin::cli
