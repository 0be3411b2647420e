// SPDX-License-Identifier: GPL-2.0-or-later
// "internal.h" for a 6.x hmm.c (6.1 mm/hmm.c:29): mm/'s private header. hmm.c uses nothing of
// it that the other shim headers do not give, so it is empty. A kernel tree's own
// mm/internal.h beside hmm.c is found first by #include "internal.h"; the build defines its
// guard (-D__MM_INTERNAL_H), so that file is read as empty too (kernel/CMakeLists.txt).
#ifndef HMMSPEC_INTERNAL_H
#define HMMSPEC_INTERNAL_H

#include <hmmspec/compiler.h>

#endif // HMMSPEC_INTERNAL_H
