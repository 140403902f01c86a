#include "store/diff.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <tuple>

#include "core/text.h"
#include "i18n/catalog.h"

namespace anshin::store {
namespace {

std::optional<std::string> norm(const std::optional<std::string>& s, bool lower) {
  if (!s) return std::nullopt;
  std::string v(text::trim(*s));
  if (v.empty()) return std::nullopt;
  return lower ? text::to_lower(v) : v;
}

bool conflict(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  return a && b && *a != *b;
}

// In-memory identities with the store's rules, for snapshots that carry none.
void assign_identities(IdentifiedSnapshot& older, IdentifiedSnapshot& newer) {
  const auto& od = older.snapshot.devices;
  const auto& nd = newer.snapshot.devices;
  older.ids.resize(od.size());
  std::iota(older.ids.begin(), older.ids.end(), DeviceId{1});
  newer.ids.assign(nd.size(), 0);
  std::vector<bool> taken(od.size(), false);
  auto match = [&](auto&& pred) {
    for (size_t n = 0; n < nd.size(); ++n) {
      if (newer.ids[n]) continue;
      for (size_t o = 0; o < od.size(); ++o) {
        if (!taken[o] && pred(od[o], nd[n])) {
          taken[o] = true;
          newer.ids[n] = older.ids[o];
          break;
        }
      }
    }
  };
  match([](const Device& a, const Device& b) {
    const auto ma = norm(a.mac, true);
    return ma && ma == norm(b.mac, true);
  });
  match([](const Device& a, const Device& b) {
    const auto sa = norm(a.verdict.serial, false);
    return sa && sa == norm(b.verdict.serial, false) && !conflict(norm(a.mac, true), norm(b.mac, true));
  });
  match([](const Device& a, const Device& b) {
    return a.address == b.address && !conflict(norm(a.mac, true), norm(b.mac, true)) &&
           !conflict(norm(a.verdict.serial, false), norm(b.verdict.serial, false));
  });
  DeviceId next = static_cast<DeviceId>(od.size()) + 1;
  for (auto& id : newer.ids)
    if (!id) id = next++;
}

std::set<std::string> finding_ids(const Device& d) {
  std::set<std::string> ids;
  for (const auto& f : d.findings) ids.insert(f.id);
  return ids;
}

// Pairs a gone device with an added one at the same address with the same model (case-insensitive) whose
// serial or MAC differs: another unit in the same place.
void pair_replaced(ScanDiff& diff) {
  std::vector<Device> still_added;
  for (auto& now : diff.added) {
    const auto model = norm(now.verdict.model, true);
    auto same_place = [&](const Device& was) {
      return model && was.address == now.address && norm(was.verdict.model, true) == model &&
             (conflict(norm(was.verdict.serial, false), norm(now.verdict.serial, false)) ||
              conflict(norm(was.mac, true), norm(now.mac, true)));
    };
    auto it = std::find_if(diff.gone.begin(), diff.gone.end(), same_place);
    if (it == diff.gone.end()) {
      still_added.push_back(std::move(now));
      continue;
    }
    diff.replaced.push_back({std::move(*it), std::move(now)});
    diff.gone.erase(it);
  }
  diff.added = std::move(still_added);
}

}  // namespace

ScanDiff diff_scans(const IdentifiedSnapshot& older_in, const IdentifiedSnapshot& newer_in,
                    const FirmwareOrder& firmware_order) {
  IdentifiedSnapshot older_copy;
  IdentifiedSnapshot newer_copy;
  const IdentifiedSnapshot* older = &older_in;
  const IdentifiedSnapshot* newer = &newer_in;
  if (older_in.ids.size() != older_in.snapshot.devices.size() ||
      newer_in.ids.size() != newer_in.snapshot.devices.size()) {
    older_copy = older_in;
    newer_copy = newer_in;
    assign_identities(older_copy, newer_copy);
    older = &older_copy;
    newer = &newer_copy;
  }

  ScanDiff diff;
  diff.old_scan = older->snapshot.scan;
  diff.new_scan = newer->snapshot.scan;
  std::map<DeviceId, const Device*> before;
  for (size_t i = 0; i < older->ids.size(); ++i) before.emplace(older->ids[i], &older->snapshot.devices[i]);
  std::set<DeviceId> seen;
  for (size_t i = 0; i < newer->ids.size(); ++i) {
    const DeviceId id = newer->ids[i];
    const Device& now = newer->snapshot.devices[i];
    auto it = before.find(id);
    if (it == before.end() || !seen.insert(id).second) {
      diff.added.push_back(now);
      continue;
    }
    const Device& was = *it->second;
    if (was.address != now.address) diff.moved.push_back(MovedDevice{id, was.address, now});
    if (was.verdict.firmware != now.verdict.firmware) {
      FirmwareChange change{id, was.verdict.firmware, now.verdict.firmware, now};
      if (firmware_order && change.from && change.to) {
        const auto order = firmware_order(now, *change.from, *change.to);
        change.downgrade = order && *order > 0;
      }
      diff.firmware_changed.push_back(std::move(change));
    }
    const auto a = finding_ids(was);
    const auto b = finding_ids(now);
    if (a != b) {
      FindingsChange fc{id, {}, {}, now, was};
      std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(fc.added));
      std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(fc.removed));
      diff.findings_changed.push_back(std::move(fc));
    }
  }
  for (const auto& [id, d] : before)
    if (!seen.count(id)) diff.gone.push_back(*d);
  auto by_address = [](const Device& x, const Device& y) { return x.address < y.address; };
  std::sort(diff.added.begin(), diff.added.end(), by_address);
  std::sort(diff.gone.begin(), diff.gone.end(), by_address);
  pair_replaced(diff);
  return diff;
}

std::optional<ScanPair> newest_comparable_pair(const std::vector<StoredScan>& scans, const std::string& site) {
  std::vector<const StoredScan*> ended;
  for (const auto& sc : scans)
    if (!sc.info.finished.empty() && sc.info.site == site) ended.push_back(&sc);
  ScanPair pair;
  for (size_t i = ended.size(); i-- > 0;) {
    const ScanKind kind = scan_kind(ended[i]->info);
    for (size_t j = i; j-- > 0;) {
      if (scan_kind(ended[j]->info) != kind) continue;
      pair.older = ended[j]->number;
      pair.newer = ended[i]->number;
      pair.kind = kind;
      return pair;
    }
    pair.skipped.push_back(ended[i]->number);
  }
  return std::nullopt;
}

namespace {

using nlohmann::ordered_json;

ordered_json s(const std::string& v) { return text::sanitize_utf8(v); }
ordered_json opt(const std::optional<std::string>& v) { return v ? s(*v) : ordered_json(nullptr); }

ordered_json scan_json(const ScanInfo& i) {
  ordered_json j;
  j["id"] = s(i.id);
  j["started"] = s(i.started);
  j["finished"] = s(i.finished);
  j["interrupted"] = i.interrupted;
  j["site"] = i.site.empty() ? ordered_json(nullptr) : s(i.site);
  j["kind"] = scan_kind_name(scan_kind(i));
  return j;
}

ordered_json device_json(const Device& d, std::optional<DeviceId> id = std::nullopt) {
  ordered_json j;
  if (id) j["device_id"] = *id;
  j["address"] = d.address.to_string();
  j["mac"] = opt(d.mac);
  j["category"] = category_name(d.verdict.category);
  j["manufacturer"] = opt(d.verdict.manufacturer);
  j["brand"] = opt(d.verdict.brand);
  j["model"] = opt(d.verdict.model);
  j["firmware"] = opt(d.verdict.firmware);
  j["serial"] = opt(d.verdict.serial);
  return j;
}

ordered_json strings(const std::vector<std::string>& v) {
  ordered_json a = ordered_json::array();
  for (const auto& x : v) a.push_back(s(x));
  return a;
}

// "192.0.2.7 Hikvision DS-2CD2043G0-I", escaped for a terminal; without maker and model the category
// as the terminal table names it (terminal.category_short): "192.0.2.7 (nvr)", "192.0.2.7 （その他）".
std::string label(const Device& d, std::string_view lang) {
  std::string out = d.address.to_string();
  const auto& v = d.verdict;
  const auto& who = v.brand ? v.brand : v.manufacturer;
  if (who) out += " " + text::escape_for_terminal(*who);
  if (v.model) out += " " + text::escape_for_terminal(*v.model);
  if (!who && !v.model) {
    const std::string key = std::string("terminal.category_short.") + category_name(v.category);
    out += " " + i18n::tr(lang, "cli.diff.unidentified", {{"category", std::string(i18n::catalog(lang).get(key))}});
  }
  return out;
}

std::string show(const std::optional<std::string>& v, std::string_view lang) {
  return v ? "\"" + text::escape_for_terminal(*v) + "\"" : i18n::tr(lang, "cli.diff.unknown");
}

// The findings `ids` of `device` by their titles in `lang`: "Telnet is open [high], CVE-2021-36260: … [critical]".
std::string titles(const std::vector<std::string>& ids, const Device& device, std::string_view lang) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ", ";
    auto it = std::find_if(device.findings.begin(), device.findings.end(), [&](const Finding& f) { return f.id == id; });
    if (it == device.findings.end()) {
      out += text::escape_for_terminal(id);
      continue;
    }
    const Finding f = localized(*it, lang);
    const std::string severity(i18n::catalog(lang).get(std::string("severity.") + severity_name(f.severity)));
    out += i18n::tr(lang, "cli.diff.finding",
                    {{"title", text::escape_for_terminal(f.title.empty() ? f.id : f.title.str())}, {"severity", severity}});
  }
  return out;
}

}  // namespace

std::string diff_to_json(const ScanDiff& diff, int indent) {
  ordered_json doc;
  doc["schema"] = "anshin.diff/1";
  doc["old"] = scan_json(diff.old_scan);
  doc["new"] = scan_json(diff.new_scan);
  ordered_json added = ordered_json::array();
  for (const auto& d : diff.added) added.push_back(device_json(d));
  doc["new_devices"] = added;
  ordered_json gone = ordered_json::array();
  for (const auto& d : diff.gone) gone.push_back(device_json(d));
  doc["gone"] = gone;
  ordered_json replaced = ordered_json::array();
  for (const auto& r : diff.replaced) {
    ordered_json j = device_json(r.after);
    j["before"] = device_json(r.before);
    replaced.push_back(j);
  }
  doc["replaced"] = replaced;
  ordered_json moved = ordered_json::array();
  for (const auto& m : diff.moved) {
    ordered_json j = device_json(m.device, m.id);
    j["from"] = m.from.to_string();
    j["to"] = m.device.address.to_string();
    moved.push_back(j);
  }
  doc["moved"] = moved;
  ordered_json fw = ordered_json::array();
  for (const auto& f : diff.firmware_changed) {
    ordered_json j = device_json(f.device, f.id);
    j["firmware_from"] = opt(f.from);
    j["firmware_to"] = opt(f.to);
    j["downgrade"] = f.downgrade;
    fw.push_back(j);
  }
  doc["firmware_changed"] = fw;
  ordered_json fc = ordered_json::array();
  for (const auto& f : diff.findings_changed) {
    ordered_json j = device_json(f.device, f.id);
    j["added"] = strings(f.added);
    j["removed"] = strings(f.removed);
    fc.push_back(j);
  }
  doc["findings_changed"] = fc;
  return doc.dump(indent) + "\n";
}

std::string diff_to_text(const ScanDiff& diff, std::string_view lang) {
  const auto T = [lang](std::string_view key, std::initializer_list<i18n::Arg> args = {}) {
    return i18n::tr(lang, key, args) + "\n";
  };
  const auto heading = [&](std::string_view key, size_t count) {
    return "\n" + T(key, {{"count", std::to_string(count)}});
  };
  std::string out = T("cli.diff.header", {{"old", text::escape_for_terminal(diff.old_scan.id)},
                                           {"new", text::escape_for_terminal(diff.new_scan.id)}});
  if (!diff.new_scan.site.empty()) out += T("cli.diff.site_line", {{"site", text::escape_for_terminal(diff.new_scan.site)}});
  if (scan_kind(diff.new_scan) == ScanKind::kTraffic) out += T("cli.diff.traffic_kind");
  if (diff.new_scan.interrupted) out += T("cli.diff.interrupted");
  if (diff.empty()) return out + T("cli.diff.no_changes");
  if (!diff.added.empty()) {
    out += heading("cli.diff.new", diff.added.size());
    for (const auto& d : diff.added) out += "  + " + label(d, lang) + "\n";
  }
  if (!diff.gone.empty()) {
    out += heading("cli.diff.gone", diff.gone.size());
    for (const auto& d : diff.gone) out += "  - " + label(d, lang) + "\n";
  }
  if (!diff.replaced.empty()) {
    out += heading("cli.diff.replaced", diff.replaced.size());
    for (const auto& r : diff.replaced) {
      const auto& from = r.before.verdict.serial ? r.before.verdict.serial : r.before.mac;
      const auto& to = r.after.verdict.serial ? r.after.verdict.serial : r.after.mac;
      out += "  " + T("cli.diff.replaced_line", {{"device", label(r.after, lang)}, {"from", show(from, lang)}, {"to", show(to, lang)}});
    }
  }
  if (!diff.moved.empty()) {
    out += heading("cli.diff.moved", diff.moved.size());
    for (const auto& m : diff.moved)
      out += "  " + T("cli.diff.moved_line", {{"from", m.from.to_string()}, {"device", label(m.device, lang)}});
  }
  if (!diff.firmware_changed.empty()) {
    out += heading("cli.diff.firmware_changed", diff.firmware_changed.size());
    for (const auto& f : diff.firmware_changed) {
      std::string line = i18n::tr(lang, "cli.diff.firmware_line",
                                  {{"device", label(f.device, lang)}, {"from", show(f.from, lang)}, {"to", show(f.to, lang)}});
      if (f.downgrade) line += i18n::tr(lang, "cli.diff.downgrade");
      out += "  " + line + "\n";
    }
  }
  if (!diff.findings_changed.empty()) {
    out += heading("cli.diff.findings_changed", diff.findings_changed.size());
    for (const auto& f : diff.findings_changed) {
      const std::string device = label(f.device, lang);
      const std::string added = titles(f.added, f.device, lang);
      const std::string removed = titles(f.removed, f.before, lang);
      if (f.removed.empty()) {
        out += "  " + T("cli.diff.findings_added", {{"device", device}, {"added", added}});
      } else if (f.added.empty()) {
        out += "  " + T("cli.diff.findings_removed", {{"device", device}, {"removed", removed}});
      } else {
        out += "  " + T("cli.diff.findings_both", {{"device", device}, {"added", added}, {"removed", removed}});
      }
    }
  }
  return out;
}

namespace {

void count_finding(std::map<std::string, FindingCount>& into, const Finding& f) {
  auto& c = into[f.id];
  c.finding = f.id;
  c.severity = c.devices == 0 ? f.severity : std::max(c.severity, f.severity);
  ++c.devices;
}

void identity_changes(const Device& a, const Device& b, std::vector<IdentityChange>& out) {
  auto add = [&](const char* what, const std::optional<std::string>& x, const std::optional<std::string>& y) {
    if (x.value_or("") != y.value_or("")) out.push_back({b.address, what, x.value_or(""), y.value_or("")});
  };
  add("manufacturer", a.verdict.manufacturer, b.verdict.manufacturer);
  add("brand", a.verdict.brand, b.verdict.brand);
  add("model", a.verdict.model, b.verdict.model);
  if (a.verdict.category != b.verdict.category)
    out.push_back({b.address, "category", category_name(a.verdict.category), category_name(b.verdict.category)});
}

}  // namespace

ReassessChanges reassessment_changes(const ScanSnapshot& before, const ScanSnapshot& after) {
  ReassessChanges out;
  std::map<IpAddr, const Device*> old_by_address;
  for (const auto& d : before.devices) old_by_address[d.address] = &d;
  std::map<std::tuple<std::string, Severity, Severity>, size_t> moved;
  std::map<std::string, FindingCount> added, removed;
  std::set<IpAddr> seen;
  for (const auto& b : after.devices) {
    seen.insert(b.address);
    auto it = old_by_address.find(b.address);
    if (it == old_by_address.end()) {
      for (const auto& f : b.findings) count_finding(added, f);
      continue;
    }
    const Device& a = *it->second;
    identity_changes(a, b, out.identity);
    std::map<std::string, Severity> old_findings;
    for (const auto& f : a.findings) old_findings.emplace(f.id, f.severity);
    std::set<std::string> now;
    for (const auto& f : b.findings) {
      now.insert(f.id);
      auto o = old_findings.find(f.id);
      if (o == old_findings.end()) count_finding(added, f);
      else if (o->second != f.severity) ++moved[{f.id, o->second, f.severity}];
    }
    for (const auto& f : a.findings)
      if (!now.count(f.id)) count_finding(removed, f);
  }
  for (const auto& a : before.devices)
    if (!seen.count(a.address))
      for (const auto& f : a.findings) count_finding(removed, f);
  for (const auto& [key, n] : moved) out.severity.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  for (auto& [id, c] : added) out.added.push_back(std::move(c));
  for (auto& [id, c] : removed) out.removed.push_back(std::move(c));
  return out;
}

}  // namespace anshin::store
