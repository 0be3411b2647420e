# SPDX-License-Identifier: GPL-2.0-or-later
# How an HMMSPEC_KERNELS entry's shim family is told (cmake/HmmspecKernelVersion.cmake): stated
# ("6.1=PATH"), or from the tree's Makefile, and the errors for a version without a family of
# its own and for a tree without a Makefile. Run by ctest as
#   cmake -DWORK=<scratch dir> -P family_test.cmake
# which calls itself with -DPROBE=<entry> for each case (an error stops the probe).
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/HmmspecKernelVersion.cmake)

if(DEFINED PROBE)
  hmmspec_parse_kernel_spec("${PROBE}" family path makefile)
  message("family=${family} path=${path} makefile=${makefile}")
  return()
endif()

function(tree name version patchlevel)
  file(MAKE_DIRECTORY ${WORK}/${name}/mm)
  file(WRITE ${WORK}/${name}/mm/hmm.c "/* empty */\n")
  if(NOT version STREQUAL "")
    file(WRITE ${WORK}/${name}/Makefile
         "# SPDX-License-Identifier: GPL-2.0\nVERSION = ${version}\nPATCHLEVEL = ${patchlevel}\nSUBLEVEL = 3\nEXTRAVERSION =\n")
  endif()
endfunction()

set(failures 0)
function(expect entry want_rc want_text)
  execute_process(COMMAND ${CMAKE_COMMAND} "-DPROBE=${entry}" -P ${CMAKE_CURRENT_LIST_FILE}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX REPLACE "[ \n]+" " " text "${out}${err}")
  set(ok TRUE)
  if((want_rc EQUAL 0 AND NOT rc EQUAL 0) OR (NOT want_rc EQUAL 0 AND rc EQUAL 0))
    set(ok FALSE)
  endif()
  string(FIND "${text}" "${want_text}" at)
  if(at EQUAL -1)
    set(ok FALSE)
  endif()
  if(ok)
    message(STATUS "ok   ${entry}")
  else()
    message(STATUS "FAIL ${entry}: exit ${rc}, wanted '${want_text}' in: ${text}")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
tree(v57 5 7)
tree(v61 6 1)
tree(v612 6 12)
tree(v510 5 10)
tree(bare "" "")

expect("${WORK}/v57/mm/hmm.c" 0 "family=5.7 ")
expect("${WORK}/v61/mm/hmm.c" 0 "family=6.1 ")
expect("${WORK}/v612/mm/hmm.c" 0 "family=6.12 ")
expect("6.1=${WORK}/v61/mm/hmm.c" 0 "family=6.1 ")
expect("6.1=${WORK}/bare/mm/hmm.c" 0 "family=6.1 path=${WORK}/bare/mm/hmm.c makefile=")
expect("6.12=${WORK}/v510/mm/hmm.c" 0 "family=6.12 path=${WORK}/v510/mm/hmm.c makefile=")
expect("${WORK}/v510/mm/hmm.c" 1 "is Linux 5.10")
expect("${WORK}/v510/mm/hmm.c" 1 "state it: e.g. 6.1=${WORK}/v510/mm/hmm.c")
expect("${WORK}/bare/mm/hmm.c" 1 "State the shim family: 5.7=${WORK}/bare/mm/hmm.c")
expect("6.2=${WORK}/v61/mm/hmm.c" 1 "names family 6.2")
expect("${WORK}/none/mm/hmm.c" 1 "is not a file")
if(failures)
  message(FATAL_ERROR "${failures} case(s) failed")
endif()
