# Writes OUT: the dashboard files of src/serve/web as C++ string_views (anshin::serve::web::k*), so the
# program serves them without reading the disk. Run by the serve module's custom command.
file(READ ${DIR}/index.html html)
file(READ ${DIR}/app.css css)
file(READ ${DIR}/app.js js)
foreach(text IN ITEMS "${html}" "${css}" "${js}")
  string(FIND "${text}" ")ANSHIN_WEB\"" found)
  if(NOT found EQUAL -1)
    message(FATAL_ERROR "a dashboard file contains the raw-string delimiter")
  endif()
endforeach()
file(WRITE ${OUT} "// Generated from src/serve/web by cmake/embed_web.cmake. Do not edit.\n#include <string_view>\nnamespace anshin::serve::web {\nextern const std::string_view kIndexHtml = R\"ANSHIN_WEB(${html})ANSHIN_WEB\";\nextern const std::string_view kAppCss = R\"ANSHIN_WEB(${css})ANSHIN_WEB\";\nextern const std::string_view kAppJs = R\"ANSHIN_WEB(${js})ANSHIN_WEB\";\n}\n")
