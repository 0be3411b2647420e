# SPDX-License-Identifier: GPL-2.0-or-later
# Reading a kernel tree's version and telling its shim family (docs/kernel-party.md): used at
# configure time by kernel/CMakeLists.txt and at build time by kernel_label.cmake.

# VERSION, PATCHLEVEL, SUBLEVEL and EXTRAVERSION of a kernel's top Makefile.
function(hmmspec_kernel_makefile_version makefile out_major out_minor out_sub out_extra)
  file(STRINGS "${makefile}" lines LIMIT_COUNT 20 REGEX "^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION) *=")
  foreach(key VERSION PATCHLEVEL SUBLEVEL EXTRAVERSION)
    set(${key} "")
    foreach(line ${lines})
      if(line MATCHES "^${key} *= *(.*)$")
        string(STRIP "${CMAKE_MATCH_1}" ${key})
      endif()
    endforeach()
  endforeach()
  if(VERSION STREQUAL "" OR PATCHLEVEL STREQUAL "")
    message(FATAL_ERROR "hmmspec: ${makefile} has no VERSION and PATCHLEVEL lines")
  endif()
  set(${out_major} "${VERSION}" PARENT_SCOPE)
  set(${out_minor} "${PATCHLEVEL}" PARENT_SCOPE)
  set(${out_sub} "${SUBLEVEL}" PARENT_SCOPE)
  set(${out_extra} "${EXTRAVERSION}" PARENT_SCOPE)
endfunction()

# The shim family of a VERSION.PATCHLEVEL ("5.7", "6.1", "6.12"), or "" when hmmspec has none.
function(hmmspec_kernel_family_of_version out major minor)
  set(v "${major}.${minor}")
  if(v STREQUAL "5.7" OR v STREQUAL "6.1" OR v STREQUAL "6.12")
    set(${out} "${v}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# One entry of HMMSPEC_KERNELS, "[FAMILY=]PATH/mm/hmm.c": its family (stated, or told from
# PATH/../Makefile), its absolute path, and the Makefile ("" when there is none). A family that
# cannot be told, or is not one of hmmspec's, stops the configuration with what to write.
function(hmmspec_parse_kernel_spec spec out_family out_path out_makefile)
  set(family "")
  set(path "${spec}")
  if(spec MATCHES "^([0-9.]+)=(.+)$")
    set(family "${CMAKE_MATCH_1}")
    set(path "${CMAKE_MATCH_2}")
    if(NOT (family STREQUAL "5.7" OR family STREQUAL "6.1" OR family STREQUAL "6.12"))
      message(FATAL_ERROR "hmmspec: HMMSPEC_KERNELS entry '${spec}' names family ${family}; "
                          "the families are 5.7, 6.1 and 6.12")
    endif()
  endif()
  get_filename_component(path "${path}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
  if(NOT EXISTS "${path}" OR IS_DIRECTORY "${path}")
    message(FATAL_ERROR "hmmspec: HMMSPEC_KERNELS entry '${spec}': ${path} is not a file. "
                        "Name a kernel tree's mm/hmm.c, e.g. /path/to/linux/mm/hmm.c")
  endif()
  get_filename_component(dir "${path}" DIRECTORY)
  get_filename_component(makefile "${dir}/../Makefile" ABSOLUTE)
  if(NOT EXISTS "${makefile}")
    set(makefile "")
  endif()
  if(family STREQUAL "")
    if(makefile STREQUAL "")
      message(FATAL_ERROR "hmmspec: HMMSPEC_KERNELS entry '${spec}': no Makefile beside the tree "
                          "(${dir}/../Makefile) to tell its kernel version from. State the shim "
                          "family: 5.7=${path}, 6.1=${path} or 6.12=${path}")
    endif()
    hmmspec_kernel_makefile_version("${makefile}" major minor sub extra)
    hmmspec_kernel_family_of_version(family "${major}" "${minor}")
    if(family STREQUAL "")
      message(FATAL_ERROR "hmmspec: HMMSPEC_KERNELS entry '${spec}' is Linux ${major}.${minor} "
                          "(${makefile}), which has no shim family of its own. If its hmm.c "
                          "compiles under one, state it: e.g. 6.1=${path} "
                          "(the families are 5.7, 6.1 and 6.12)")
    endif()
  elseif(NOT makefile STREQUAL "")
    # A stated family wins; the label still shows the tree's own version.
    hmmspec_kernel_makefile_version("${makefile}" major minor sub extra)
    if(NOT "${major}.${minor}" STREQUAL "${family}")
      set(makefile "") # kernel_label.cmake would refuse the mismatch: label by family instead
    endif()
  endif()
  set(${out_family} "${family}" PARENT_SCOPE)
  set(${out_path} "${path}" PARENT_SCOPE)
  set(${out_makefile} "${makefile}" PARENT_SCOPE)
endfunction()
