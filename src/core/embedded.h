// Files compiled into the binary by cmake/embed.cmake (see anshin_module(... EMBED dir)).
// Each function lists the files below one project folder; paths are relative to the project root,
// e.g. "data/vocab/vendors.yaml". Contents are the file bytes, without a terminating NUL in the view.
#pragma once
#include <span>
#include <string_view>

namespace anshin::embedded {

struct File {
  const char* path;
  std::string_view contents;
};

std::span<const File> data();        // data/       the knowledge base (module kb)
std::span<const File> lab_fleets();  // lab/fleets/ the lab personalities (module lab)
std::span<const File> data_i18n();   // data/i18n/  message catalogs (module i18n)
std::span<const File> keys_kb();     // keys/kb/    public keys trusted for knowledge-base bundles (module kbops)

}  // namespace anshin::embedded
