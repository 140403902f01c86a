// The dashboard's files, compiled into the program (no CDN, works offline): one HTML page, one stylesheet,
// one script. The script builds every element with textContent/setAttribute, never innerHTML, so no
// device string is ever parsed as markup; the CSP allows only these same-origin files.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace anshin::serve::assets {

struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// "/static/app.js", "/static/app.css"; nullopt for anything else.
std::optional<Asset> find(std::string_view path);
// The page, with <html lang> set to `lang` ("en" or "ja").
std::string index_html(std::string_view lang);

}  // namespace anshin::serve::assets
