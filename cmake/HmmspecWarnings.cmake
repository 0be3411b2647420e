# SPDX-License-Identifier: GPL-2.0-or-later
# -Wall -Wextra -Werror on project code (not on the kernel's hmm.c, which is an input).
function(hmmspec_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
