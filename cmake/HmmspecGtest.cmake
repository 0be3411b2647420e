# SPDX-License-Identifier: GPL-2.0-or-later
# hmmspec_gtest_tests(TARGET [PROPERTIES name value ...]): the GoogleTest tests of TARGET as
# ctest tests. By default one ctest test per GoogleTest test (gtest_discover_tests). With
# HMMSPEC_CTEST_BY_SUITE, one per test suite (`TARGET:Suite`, running `--gtest_filter=Suite.*`):
# every test still runs, in a process per suite rather than per test. That is for sanitizer
# builds, whose executables take a quarter of a second to start: over a thousand tests, that was
# four minutes of CI's sanitizer step.
option(HMMSPEC_CTEST_BY_SUITE "Register GoogleTest tests with ctest one per test suite" OFF)
include(GoogleTest)
set(HMMSPEC_GTEST_SUITES_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/gtest_suites.cmake)

function(hmmspec_gtest_tests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "PROPERTIES")
  if(NOT HMMSPEC_CTEST_BY_SUITE)
    if(arg_PROPERTIES)
      gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES ${arg_PROPERTIES})
    else()
      gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60)
    endif()
    return()
  endif()
  # The properties travel to the script as one argument, | between the words.
  string(REPLACE ";" "|" props "${arg_PROPERTIES}")
  set(suites ${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:${target}> -DTARGET=${target} -DOUT=${suites}
            -DPROPS=${props} -P ${HMMSPEC_GTEST_SUITES_SCRIPT}
    VERBATIM)
  set(include_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake)
  file(WRITE ${include_file}
       "if(EXISTS \"${suites}\")\n  include(\"${suites}\")\nelse()\n"
       "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
