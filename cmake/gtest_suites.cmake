# SPDX-License-Identifier: GPL-2.0-or-later
# cmake -DEXE=... -DTARGET=... -DOUT=... [-DPROPS=a|b|...] -P gtest_suites.cmake: writes to OUT
# one ctest test per test suite that `EXE --gtest_list_tests` lists (cmake/HmmspecGtest.cmake).
execute_process(COMMAND ${EXE} --gtest_list_tests OUTPUT_VARIABLE listing RESULT_VARIABLE rc
                ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} --gtest_list_tests failed (${rc}):\n${err}")
endif()
string(REPLACE "|" " " props "${PROPS}")
string(REPLACE "\n" ";" lines "${listing}")
set(text "# Written by cmake/gtest_suites.cmake from ${EXE} --gtest_list_tests.\n")
set(count 0)
foreach(line IN LISTS lines)
  # A suite is a line that does not start with a space: "Suite." or "Prefix/Suite.  # TypeParam"
  if(line MATCHES "^([^ ]+)\\.( .*)?$")
    set(suite ${CMAKE_MATCH_1})
    string(APPEND text "add_test([==[${TARGET}:${suite}]==] [==[${EXE}]==] [==[--gtest_filter=${suite}.*]==])\n")
    if(props)
      string(APPEND text "set_tests_properties([==[${TARGET}:${suite}]==] PROPERTIES ${props})\n")
    endif()
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${EXE} --gtest_list_tests listed no test suite")
endif()
file(WRITE ${OUT} "${text}")
