#include "kbops/update.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/clock.h"
#include "i18n/catalog.h"
#include "kbops/place.h"

namespace anshin::kbops {
namespace {

namespace fs = std::filesystem;

Error io_error(const fs::path& p, std::string reason) {
  return i18n::error(Errc::kIo, "kbops.cannot_write", {{"path", p.string()}, {"reason", std::move(reason)}});
}

Result<void> fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return io_error(p, std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return io_error(p, std::strerror(err));
  return {};
}

Result<void> write_synced(const fs::path& p, std::string_view bytes) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(p, std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return io_error(p, std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return io_error(p, std::strerror(err));
  return {};
}

std::string random_suffix() {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(random_u64()));
  return buf;
}

// Writes the bundle's files below `staging` (created here), every file and folder fsynced.
Result<void> stage(const Bundle& bundle, const fs::path& staging) {
  std::error_code ec;
  fs::create_directory(staging, ec);
  if (ec) return io_error(staging, ec.message());
  std::vector<fs::path> dirs{staging};
  for (const auto& f : bundle.files) {
    const fs::path target = staging / f.path;  // paths were validated by decode_bundle_payload
    fs::create_directories(target.parent_path(), ec);
    if (ec) return io_error(target.parent_path(), ec.message());
    if (std::find(dirs.begin(), dirs.end(), target.parent_path()) == dirs.end()) dirs.push_back(target.parent_path());
    if (auto w = write_synced(target, f.contents); !w) return w;
  }
  // Deepest folders first, so each folder's entry is durable in its parent.
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) { return a.string() > b.string(); });
  for (const auto& d : dirs)
    if (auto s = fsync_path(d, true); !s) return s;
  return {};
}

void remove_stale_staging(const fs::path& versions) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(versions, ec))
    if (e.path().filename().string().starts_with(".staging-")) fs::remove_all(e.path(), ec);
}

void hook(const UpdateOptions& o, std::string_view point) {
  if (o.crash_point) o.crash_point(point);
}

}  // namespace

Result<UpdateOutcome> install_bundle(const Bundle& bundle, const fs::path& user_dir, const UpdateOptions& o) {
  UpdateOutcome out;
  out.kb_version = bundle.manifest.kb_version;
  out.previous_version = o.current_version;
  if (!o.current_version.empty() && !o.allow_downgrade && compare_versions(bundle.manifest.kb_version, o.current_version) < 0)
    return i18n::error(Errc::kInvalidInput, "kbops.downgrade",
                       {{"version", bundle.manifest.kb_version}, {"current", o.current_version}});
  if (user_dir.empty()) return i18n::error(Errc::kInvalidInput, "kbops.no_user_dir");

  const fs::path parent = user_dir.parent_path();
  const fs::path versions = parent / "kb.d";
  std::error_code ec;
  fs::create_directories(versions, ec);
  if (ec) return io_error(versions, ec.message());
  remove_stale_staging(versions);

  const std::string suffix = random_suffix();
  const fs::path staging = versions / (".staging-" + suffix);
  if (auto s = stage(bundle, staging); !s) {
    fs::remove_all(staging, ec);
    return s.error();
  }
  hook(o, "staged");
  if (o.verify) {
    if (auto v = o.verify(staging); !v) {
      fs::remove_all(staging, ec);
      return v.error();
    }
  }
  hook(o, "verified");
  const std::string name = bundle.manifest.kb_version + "-" + suffix;
  out.dir = versions / name;
  fs::rename(staging, out.dir, ec);
  if (ec) return io_error(out.dir, ec.message());
  if (auto s = fsync_path(versions, true); !s) return s.error();
  hook(o, "renamed");

  // What `kb` points at now: removed once the switch is done. A real folder (made by hand) is moved
  // into kb.d first, since rename(2) cannot replace a non-empty folder with a symlink.
  fs::path previous;
  if (fs::is_symlink(fs::symlink_status(user_dir, ec))) {
    previous = fs::read_symlink(user_dir, ec);
    if (!previous.empty() && previous.is_relative()) previous = parent / previous;
  } else if (fs::is_directory(fs::symlink_status(user_dir, ec))) {
    previous = versions / ("previous-" + suffix);
    fs::rename(user_dir, previous, ec);
    if (ec) return io_error(user_dir, ec.message());
  }
  const fs::path link_tmp = parent / (".kb.new-" + suffix);
  fs::create_directory_symlink(fs::path("kb.d") / name, link_tmp, ec);
  if (ec) return io_error(link_tmp, ec.message());
  hook(o, "linked");
  fs::rename(link_tmp, user_dir, ec);
  if (ec) {
    fs::remove(link_tmp, ec);
    return io_error(user_dir, ec.message());
  }
  if (auto s = fsync_path(parent, true); !s) return s.error();
  hook(o, "switched");
  // A downgrade the user asked for stays in use although an older place may hold a newer version.
  const fs::path pin = parent / "kb.pinned";
  const bool downgrade = !o.current_version.empty() && compare_versions(bundle.manifest.kb_version, o.current_version) < 0;
  if (downgrade) {
    const fs::path pin_tmp = parent / (".kb.pinned-" + suffix);
    if (auto w = write_synced(pin_tmp, bundle.manifest.kb_version); !w) return w.error();
    fs::rename(pin_tmp, pin, ec);
    if (ec) return io_error(pin, ec.message());
  } else {
    fs::remove(pin, ec);
  }
  if (!previous.empty() && fs::weakly_canonical(previous, ec) != fs::weakly_canonical(out.dir, ec) &&
      previous.parent_path() == versions)
    fs::remove_all(previous, ec);
  return out;
}

}  // namespace anshin::kbops
