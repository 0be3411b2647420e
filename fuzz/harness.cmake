# SPDX-License-Identifier: GPL-2.0-or-later
# The fuzz harness: bytes -> case -> scenario (fuzz/fuzz_case.h), the differential run with its
# divergence report and rule coverage (fuzz/differential.h), minimization (fuzz/minimize.h) and
# the built-in campaign (fuzz/campaign.h). It is built in every build, with any compiler: the
# replay test (tests/unit/test_fuzz_replay.cpp), `hmmspec fuzz` and `hmmspec reproduce` use it;
# the libFuzzer targets (fuzz/CMakeLists.txt, clang only) link it too.
#
# Include this file from the top-level CMakeLists.txt after add_subdirectory(tools) and
# add_subdirectory(tests): it links the library into `hmmspec` and `unit_tests` when they exist.
set(HMMSPEC_FUZZ_DIR ${PROJECT_SOURCE_DIR}/fuzz)
add_library(hmmspec_fuzz_harness STATIC
  ${HMMSPEC_FUZZ_DIR}/fuzz_case.cpp
  ${HMMSPEC_FUZZ_DIR}/differential.cpp
  ${HMMSPEC_FUZZ_DIR}/minimize.cpp
  ${HMMSPEC_FUZZ_DIR}/campaign.cpp
  ${HMMSPEC_FUZZ_DIR}/scenario_check.cpp)
target_link_libraries(hmmspec_fuzz_harness PUBLIC hmmspec_parties)
target_include_directories(hmmspec_fuzz_harness PUBLIC ${PROJECT_SOURCE_DIR})
hmmspec_warnings(hmmspec_fuzz_harness)
# The harness itself is not instrumented for coverage in fuzz builds: the feedback that matters
# comes from the parties and the model, and libFuzzer's per-feature bookkeeping (entropic
# schedule, comparison tracing) costs time per instrumented branch on every execution.

if(TARGET hmmspec)
  target_link_libraries(hmmspec PRIVATE hmmspec_fuzz_harness)
endif()
if(TARGET unit_tests)
  target_link_libraries(unit_tests PRIVATE hmmspec_fuzz_harness)
endif()
