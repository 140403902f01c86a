// anshin demo: start a lab fleet on loopback (the built-in default fleet unless --fleet names another,
// e.g. `real`), scan it on the default camera ports, print the summary, write the JSON and the
// self-contained HTML report. Everything stays on --bind (127.77.0.0/24 by default).
#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "lab/server.h"
#include "report/html.h"
#include "report/json.h"
#include "report/table.h"
#include "report/terminal.h"
#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin::cli {
namespace {

// A progress line of the demo on stderr ("demo: ...").
void status(std::string_view key, std::initializer_list<i18n::Arg> args) {
  std::fprintf(stderr, "%s\n", msg(key, args).c_str());
}

}  // namespace

int run_demo(const DemoOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  auto fleet = lab::Fleet::load(o.fleet);
  if (!fleet) return usage_error(with_prefix(fleet.error(), "demo: "));
  lab::LabServer server;
  if (auto started = server.start(*fleet, o.bind); !started) {
    std::fprintf(stderr, "anshin: %s\n",
                 msg("cli.demo.lab_failed", {{"reason", i18n::message(ui_lang(), started.error())}}).c_str());
    return 2;
  }
  status("cli.demo.serving", {{"fleet", fleet->name}, {"devices", std::to_string(server.devices().size())}, {"bind", o.bind}});

  scan::ScanRequest req;
  req.plan.targets = {o.bind};
  const auto ports = targets::default_camera_ports();
  req.plan.ports.assign(ports.begin(), ports.end());
  req.engine.timeout = std::chrono::milliseconds(1000);
  req.engine.progress = false;
  auto plan = scan::plan_targets(req);
  if (!plan) return usage_error(with_prefix(plan.error(), "demo: "));
  auto kb = scan::load_knowledge_base("");
  if (!kb) return usage_error(with_prefix(kb.error(), "demo: "));
  req.kb = *kb;
  auto assessor = scan::load_assessor(**kb, "");
  if (!assessor) return usage_error(with_prefix(assessor.error(), "demo: "));
  req.assessor = assessor->get();
  req.assess_options.lang = *lang;
  status("cli.demo.scanning", {{"bind", o.bind},
                               {"addresses", std::to_string(plan->address_count())},
                               {"ports", std::to_string(req.plan.ports.size())}});
  auto result = scan::run_scan(req, *plan);
  server.stop();
  if (!result) return fail(2, with_prefix(result.error(), "demo: "));
  report::render_terminal(result->snapshot, stdout,
                         {.color = use_color(stdout), .lang = *lang, .width = report::terminal_width(fileno(stdout)),
                          .exploited = assess::exploited_finding_ids((*assessor)->data())});
  std::fflush(stdout);  // the summary before any later stderr line
  if (!o.json_out.empty()) {
    auto w = write_file_atomically(o.json_out, [&result](std::ostream& out) { report::write_json(result->snapshot, out); });
    if (!w) return fail(2, w.error());
    status("cli.demo.wrote", {{"path", o.json_out}});
  }
  if (!o.html_out.empty()) {
    const report::HtmlOptions html{.lang = *lang,
                                   .policies = assess::policy_infos((*assessor)->data(), req.assess_options),
                                   .exploited = assess::exploited_finding_ids((*assessor)->data())};
    if (auto w = write_file_atomically(o.html_out, report::render_html(result->snapshot, html)); !w)
      return fail(2, w.error());
    status("cli.demo.wrote_html", {{"path", o.html_out}});
  }
  return 0;
}

}  // namespace anshin::cli
