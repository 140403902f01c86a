# `make package`: the Debian package anshin_<version>_amd64.deb (CPack DEB), laid out as a Debian tool:
#   /usr/bin/anshin, the knowledge base in /usr/share/anshin/kb (the installed place of kbops/place.h), man pages
#   (en, ja; gzipped), bash/zsh/fish completions, systemd units, /etc/anshin/anshin.yaml (a conffile, all
#   commented), the copyright file and a Debian changelog. Runtime dependencies come from dpkg-shlibdeps.
set(ANSHIN_PKG_DIR ${PROJECT_BINARY_DIR}/packaging)
set(ANSHIN_MAINTAINER "anshin developers <anshin-devel@users.noreply.github.com>")

install(TARGETS anshin RUNTIME DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/ DESTINATION share/anshin/kb)
install(DIRECTORY ${PROJECT_BINARY_DIR}/share/man/ DESTINATION share/man)
install(FILES ${PROJECT_BINARY_DIR}/share/completions/anshin DESTINATION share/bash-completion/completions)
install(FILES ${PROJECT_BINARY_DIR}/share/completions/_anshin DESTINATION share/zsh/vendor-completions)
install(FILES ${PROJECT_BINARY_DIR}/share/completions/anshin.fish DESTINATION share/fish/vendor_completions.d)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/anshin-serve.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/anshin-scan@.service
              ${PROJECT_SOURCE_DIR}/packaging/systemd/anshin-scan@.timer
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/anshin.yaml DESTINATION /etc/anshin)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright DESTINATION share/doc/anshin)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/site.example.yaml DESTINATION share/doc/anshin/examples)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian-overrides DESTINATION share/lintian/overrides RENAME anshin)

# Debian policy: man pages and the changelog gzipped with -9n (reproducible).
string(TIMESTAMP ANSHIN_PKG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${ANSHIN_PKG_DIR}/changelog
     "anshin (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
     "  * Release ${PROJECT_VERSION}: see CHANGELOG.md in the source for what changed.\n\n"
     " -- ${ANSHIN_MAINTAINER}  ${ANSHIN_PKG_DATE}\n")
install(CODE "
  set(root \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  execute_process(COMMAND gzip -9n -c \"${ANSHIN_PKG_DIR}/changelog\"
                  OUTPUT_FILE \"\${root}/share/doc/anshin/changelog.gz\")
  file(GLOB_RECURSE pages \"\${root}/share/man/*.1\")
  foreach(page IN LISTS pages)
    execute_process(COMMAND gzip -9nf \"\${page}\")
  endforeach()
")
file(WRITE ${ANSHIN_PKG_DIR}/conffiles "/etc/anshin/anshin.yaml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME anshin)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ANSHIN_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ieee-data")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${ANSHIN_PKG_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "audit IP video-surveillance equipment on a network
anshin finds the IP cameras, recorders, encoders and intercoms on a network
and names who made them, OEM relabels included, with the evidence for each
conclusion. It reports the procurement rules that name the maker (US FCC
Covered List, NDAA section 889, UK and Australian government instructions),
known CVEs for the firmware and hygiene problems, in English or Japanese, as
terminal, HTML, CSV, JSON, JSON lines and CycloneDX reports.

It needs no credentials, sends no exploit traffic and refuses public
addresses unless told otherwise.")
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)
include(CPack)
