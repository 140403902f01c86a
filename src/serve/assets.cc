#include "serve/assets.h"

namespace anshin::serve {
namespace web {
extern const std::string_view kIndexHtml;  // generated: build/embedded/serve_web.cc
extern const std::string_view kAppCss;
extern const std::string_view kAppJs;
}  // namespace web

namespace assets {

std::optional<Asset> find(std::string_view path) {
  if (path == "/static/app.js") return Asset{"text/javascript; charset=utf-8", web::kAppJs};
  if (path == "/static/app.css") return Asset{"text/css; charset=utf-8", web::kAppCss};
  return std::nullopt;
}

std::string index_html(std::string_view lang) {
  std::string page(web::kIndexHtml);
  const std::string_view marker = "{{lang}}";
  const size_t at = page.find(marker);
  if (at != std::string::npos) page.replace(at, marker.size(), lang == "ja" ? "ja" : "en");
  return page;
}

}  // namespace assets
}  // namespace anshin::serve
