# anshin_module(NAME [DEPS mod...] [LIBS target...] [EMBED dir...])
#
# Creates the static library anshin_NAME from src/NAME/**/*.cc (tests and fuzzers excluded).
# - src/NAME/**/*_test.cc become the GoogleTest binary NAME_tests (one ctest entry per test case); they
#   may include the shared fixtures of tests/support/ as "support/...".
# - src/NAME/**/*_fuzz.cc each become a fuzzer: a libFuzzer binary when ANSHIN_FUZZ is on, otherwise a
#   replay binary that runs the seed corpus tests/fuzz_corpus/<fuzzer>/ as an ordinary test.
# - EMBED dirs (relative to the project root) are compiled into the library: every *.yaml and *.json
#   file below them is reachable through anshin::embedded::files("<dir>") (see core/embedded.h).
# A module without sources is an INTERFACE library, so a module can be declared before it is written.
function(anshin_module name)
  cmake_parse_arguments(M "" "" "DEPS;LIBS;EMBED" ${ARGN})
  set(dir ${PROJECT_SOURCE_DIR}/src/${name})
  file(GLOB_RECURSE all CONFIGURE_DEPENDS ${dir}/*.cc)
  set(srcs ${all})
  list(FILTER srcs EXCLUDE REGEX "_(test|fuzz)\\.cc$")
  set(tests ${all})
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")
  set(fuzzers ${all})
  list(FILTER fuzzers INCLUDE REGEX "_fuzz\\.cc$")

  foreach(edir IN LISTS M_EMBED)
    string(MAKE_C_IDENTIFIER ${edir} eid)
    file(GLOB_RECURSE efiles CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${edir}/*.yaml ${PROJECT_SOURCE_DIR}/${edir}/*.json
         ${PROJECT_SOURCE_DIR}/${edir}/*.pem)
    set(out ${PROJECT_BINARY_DIR}/embedded/${eid}.cc)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DDIR=${edir} -DOUT=${out}
              -P ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
      DEPENDS ${efiles} ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
      COMMENT "Embedding ${edir}")
    list(APPEND srcs ${out})
  endforeach()

  set(lib anshin_${name})
  set(mod_deps "")
  foreach(d IN LISTS M_DEPS)
    list(APPEND mod_deps anshin_${d})
  endforeach()
  if(srcs)
    add_library(${lib} STATIC ${srcs})
    target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${lib} PUBLIC ${mod_deps} ${M_LIBS})
  else()
    add_library(${lib} INTERFACE)
    target_include_directories(${lib} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${lib} INTERFACE ${mod_deps} ${M_LIBS})
  endif()

  if(ANSHIN_BUILD_TESTS AND tests AND NOT ANSHIN_FUZZ)
    add_executable(${name}_tests ${tests})
    target_link_libraries(${name}_tests PRIVATE ${lib} GTest::gtest_main GTest::gmock)
    # Shared fixtures (snapshots, host records, store helpers) live in tests/support/.
    target_include_directories(${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(${name}_tests PRIVATE
      ANSHIN_SOURCE_DIR="${PROJECT_SOURCE_DIR}" ANSHIN_BINARY_DIR="${PROJECT_BINARY_DIR}")
    # Lab tests share loopback address blocks between test cases of one suite: never run two at once.
    set(lock "")
    if(name STREQUAL "lab")
      set(lock RESOURCE_LOCK lab_addresses)
    endif()
    # The store suite runs on PostgreSQL too: one cluster for all its test processes (tests/CMakeLists.txt).
    if(name STREQUAL "store")
      set(lock FIXTURES_REQUIRED pg_cluster ENVIRONMENT ANSHIN_TEST_PG_CLUSTER=${PROJECT_BINARY_DIR}/pg-cluster)
    endif()
    gtest_discover_tests(${name}_tests DISCOVERY_MODE PRE_TEST
      WORKING_DIRECTORY ${PROJECT_BINARY_DIR} PROPERTIES LABELS unit ${lock})
  endif()

  foreach(f IN LISTS fuzzers)
    get_filename_component(fname ${f} NAME_WE)
    if(ANSHIN_FUZZ)
      add_executable(${fname} ${f})
      target_link_libraries(${fname} PRIVATE ${lib})
      target_link_options(${fname} PRIVATE -fsanitize=fuzzer)
    elseif(ANSHIN_BUILD_TESTS)
      add_executable(${fname} ${f} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
      target_link_libraries(${fname} PRIVATE ${lib})
      add_test(NAME fuzz_replay.${fname}
               COMMAND ${fname} ${PROJECT_SOURCE_DIR}/tests/fuzz_corpus/${fname})
      set_tests_properties(fuzz_replay.${fname} PROPERTIES LABELS fuzz)
    endif()
  endforeach()
endfunction()
