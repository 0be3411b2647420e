# SPDX-License-Identifier: GPL-2.0-or-later
# -Wall -Wextra on project code (not on the kernel's hmm.c, which is an input), and -Werror
# with HMMSPEC_WERROR: the project's own CI (.ci/run, ./build.sh test and test-asan) turns it
# on; a user's build leaves it off, so a compiler's false positive (GCC 12's -Wrestrict in
# libstdc++, GCC bug 105329, in Release builds) stays a warning.
option(HMMSPEC_WERROR "Treat warnings in project code as errors" OFF)
function(hmmspec_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(HMMSPEC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
