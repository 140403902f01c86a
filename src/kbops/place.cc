#include "kbops/place.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "i18n/catalog.h"

namespace anshin::kbops {
namespace {

std::filesystem::path env_path(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::filesystem::path(v) : std::filesystem::path();
}

std::optional<std::string> read_small_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string out(64 * 1024, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

KbPlaces default_places() {
  KbPlaces p;
  p.system_dir = env_path("ANSHIN_KB_SYSTEM_DIR");
  if (p.system_dir.empty()) p.system_dir = "/usr/share/anshin/kb";
  auto data_home = env_path("XDG_DATA_HOME");
  if (data_home.empty() || !data_home.is_absolute()) {  // XDG: a relative value is ignored
    auto home = env_path("HOME");
    if (!home.empty()) data_home = home / ".local" / "share";
  }
  if (!data_home.empty()) p.user_dir = data_home / "anshin" / "kb";
  return p;
}

Result<KbMeta> kb_meta_from_yaml(std::string_view kb_yaml) {
  KbMeta m;
  try {
    YAML::Node root = YAML::Load(std::string(kb_yaml));
    if (!root.IsMap()) return i18n::error(Errc::kInvalidInput, "kbops.meta_malformed");
    const YAML::Node v = root["kb_version"];
    const YAML::Node f = root["format_version"];
    if (!v || !v.IsScalar() || !f || !f.IsScalar()) return i18n::error(Errc::kInvalidInput, "kbops.meta_malformed");
    m.kb_version = v.as<std::string>();
    const std::string fs = f.as<std::string>();
    if (!all_digits(fs)) return i18n::error(Errc::kInvalidInput, "kbops.meta_malformed");
    m.format_version = std::stoi(fs);
  } catch (const std::exception&) {
    return i18n::error(Errc::kInvalidInput, "kbops.meta_malformed");
  }
  if (m.kb_version.empty() || m.kb_version.size() > 64) return i18n::error(Errc::kInvalidInput, "kbops.meta_malformed");
  return m;
}

int compare_versions(std::string_view a, std::string_view b) {
  auto pa = text::split(a, '.');
  auto pb = text::split(b, '.');
  for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    std::string_view x = i < pa.size() ? pa[i] : "";
    std::string_view y = i < pb.size() ? pb[i] : "";
    if (x == y) continue;
    if (all_digits(x) && all_digits(y)) return std::stoi(std::string(x)) < std::stoi(std::string(y)) ? -1 : 1;
    if (x.empty()) return -1;  // "2026.11.27" < "2026.11.27.1"
    if (y.empty()) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

std::optional<std::chrono::sys_days> version_date(std::string_view kb_version) {
  auto parts = text::split(kb_version, '.');
  if (parts.size() < 3 || !all_digits(parts[0]) || !all_digits(parts[1]) || !all_digits(parts[2])) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{std::stoi(std::string(parts[0]))}, month{static_cast<unsigned>(std::stoi(std::string(parts[1])))},
                           day{static_cast<unsigned>(std::stoi(std::string(parts[2])))}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::optional<int> age_in_days(std::string_view kb_version, std::chrono::sys_days today) {
  auto d = version_date(kb_version);
  if (!d) return std::nullopt;
  return static_cast<int>((today - *d).count());
}

std::chrono::sys_days today_utc() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

KbChoice rank_places(const KbPlaces& places, std::string_view builtin_kb_yaml) {
  KbChoice out;
  std::vector<KbCandidate> all;
  auto consider = [&](const std::string& place, const std::filesystem::path& dir) {
    if (dir.empty()) return;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(dir / "kb.yaml", ec)) return;
    auto text = read_small_file(dir / "kb.yaml");
    auto meta = text ? kb_meta_from_yaml(*text) : Result<KbMeta>(i18n::error(Errc::kIo, "kbops.meta_malformed"));
    if (!meta) {
      out.skipped.push_back(dir.string() + ": " + meta.error().message);
      return;
    }
    if (meta->format_version != kSupportedFormat) {
      out.skipped.push_back(dir.string() + ": format_version " + std::to_string(meta->format_version));
      return;
    }
    all.push_back({place, dir, meta->kb_version});
  };
  consider("system", places.system_dir);
  consider("user", places.user_dir);
  if (auto meta = kb_meta_from_yaml(builtin_kb_yaml)) all.push_back({"built-in", {}, meta->kb_version});
  // Newest first; stable, so a tie keeps the order system, user, built-in.
  std::stable_sort(all.begin(), all.end(), [](const KbCandidate& a, const KbCandidate& b) {
    return compare_versions(a.kb_version, b.kb_version) > 0;
  });
  // A downgrade the user installed on purpose (kbops/update.h: kb.pinned) goes first.
  if (!places.user_dir.empty()) {
    auto pin = read_small_file(places.user_dir.parent_path() / "kb.pinned");
    auto user = std::find_if(all.begin(), all.end(), [](const KbCandidate& c) { return c.place == "user"; });
    if (pin && user != all.end() && text::trim(*pin) == user->kb_version) std::rotate(all.begin(), user, user + 1);
  }
  out.ranked = std::move(all);
  return out;
}

std::string describe(const KbCandidate& c) { return c.dir.empty() ? std::string("built-in") : c.dir.string(); }

}  // namespace anshin::kbops
