# Man pages (English and Japanese) and bash/zsh/fish completions, generated at build time by the program
# itself from its CLI11 definitions (`anshin _generate`, src/cli/docgen.h), so they cannot drift from --help.
# Output: build/share/{man/man1,man/ja/man1,completions}; target anshin_docs (part of ALL).
set(ANSHIN_SHARE_DIR ${PROJECT_BINARY_DIR}/share)
set(ANSHIN_DOCS_STAMP ${ANSHIN_SHARE_DIR}/docs.stamp)
# No configuration file may change what is generated.
set(ANSHIN_GEN ${CMAKE_COMMAND} -E env LANG=C.UTF-8 LC_ALL=C.UTF-8 ANSHIN_CONFIG_SYSTEM=/nonexistent
    XDG_CONFIG_HOME=/nonexistent ANSHIN_CONFIG= $<TARGET_FILE:anshin> _generate)
add_custom_command(OUTPUT ${ANSHIN_DOCS_STAMP}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${ANSHIN_SHARE_DIR}/man ${ANSHIN_SHARE_DIR}/completions
  COMMAND ${ANSHIN_GEN} man --lang en -o ${ANSHIN_SHARE_DIR}/man/man1
  COMMAND ${ANSHIN_GEN} man --lang ja -o ${ANSHIN_SHARE_DIR}/man/ja/man1
  COMMAND ${ANSHIN_GEN} bash --lang en -o ${ANSHIN_SHARE_DIR}/completions/anshin
  COMMAND ${ANSHIN_GEN} zsh --lang en -o ${ANSHIN_SHARE_DIR}/completions/_anshin
  COMMAND ${ANSHIN_GEN} fish --lang en -o ${ANSHIN_SHARE_DIR}/completions/anshin.fish
  COMMAND ${CMAKE_COMMAND} -E touch ${ANSHIN_DOCS_STAMP}
  DEPENDS anshin
  COMMENT "Generating man pages and shell completions from the command-line definitions")
add_custom_target(anshin_docs ALL DEPENDS ${ANSHIN_DOCS_STAMP})
