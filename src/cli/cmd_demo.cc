// anshin demo: start the built-in lab fleet on loopback, scan it, print the summary, write the JSON
// and the self-contained HTML report. Everything stays on 127.77.0.0/24.
#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "lab/server.h"
#include "report/html.h"
#include "report/json.h"
#include "report/terminal.h"
#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin::cli {

int run_demo(const DemoOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("--lang must be 'ja' or 'en'");
  auto fleet = lab::Fleet::load("default");
  if (!fleet) return usage_error("demo: " + fleet.error().message);
  lab::LabServer server;
  if (auto started = server.start(*fleet, o.bind); !started) {
    std::fprintf(stderr, "anshin: demo: cannot start the lab fleet: %s\n", started.error().message.c_str());
    return 2;
  }
  std::fprintf(stderr, "demo: lab fleet '%s' is serving %zu devices on %s (loopback only)\n",
               fleet->name.c_str(), server.devices().size(), o.bind.c_str());

  scan::ScanRequest req;
  req.plan.targets = {o.bind};
  const auto ports = targets::default_camera_ports();
  req.plan.ports.assign(ports.begin(), ports.end());
  req.engine.timeout = std::chrono::milliseconds(1000);
  req.engine.progress = false;
  auto plan = scan::plan_targets(req);
  if (!plan) return usage_error("demo: " + plan.error().message);
  auto kb = scan::load_knowledge_base("");
  if (!kb) return usage_error("demo: " + kb.error().message);
  req.kb = *kb;
  auto assessor = scan::load_assessor(**kb, "");
  if (!assessor) return usage_error("demo: " + assessor.error().message);
  req.assessor = assessor->get();
  req.assess_options.lang = *lang;
  std::fprintf(stderr, "demo: scanning %s (%llu addresses x %zu ports)\n", o.bind.c_str(),
               static_cast<unsigned long long>(plan->address_count()), req.plan.ports.size());
  auto result = scan::run_scan(req, *plan);
  server.stop();
  if (!result) {
    std::fprintf(stderr, "anshin: demo: %s\n", result.error().message.c_str());
    return 2;
  }
  report::render_terminal(result->snapshot, stdout, {.color = use_color(stdout), .lang = *lang});
  std::fflush(stdout);  // the summary before any later stderr line
  if (!o.json_out.empty()) {
    if (auto w = write_file_atomically(o.json_out, report::to_json(result->snapshot)); !w) {
      std::fprintf(stderr, "anshin: %s\n", w.error().message.c_str());
      return 2;
    }
    std::fprintf(stderr, "demo: wrote %s\n", o.json_out.c_str());
  }
  if (!o.html_out.empty()) {
    if (auto w = write_file_atomically(o.html_out, report::render_html(result->snapshot, {.lang = *lang})); !w) {
      std::fprintf(stderr, "anshin: %s\n", w.error().message.c_str());
      return 2;
    }
    std::fprintf(stderr, "demo: wrote %s (open it in a browser; it works offline)\n", o.html_out.c_str());
  }
  return 0;
}

}  // namespace anshin::cli
