// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's C idioms that hmm.c uses, for a user-space gnu11 build: attributes, one-time
// loads, compiler barriers, WARN and lockdep assertions, symbol exports. Only the seed's
// translation unit sees this file (through kernel/include/linux/*.h); C++ code never includes
// it, so macros such as barrier() cannot collide with the C++ library.
#ifndef HMMSPEC_COMPILER_H
#define HMMSPEC_COMPILER_H

#ifdef __cplusplus
#error "hmmspec/compiler.h is for the C translation unit of the seed only"
#endif

#include "kconfig.h"
#include "services.h"

#define __always_unused __attribute__((__unused__))
#define __maybe_unused __attribute__((__unused__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

// One load of x, which may be a struct (pmd_t): a volatile access the compiler cannot split,
// repeat or drop.
#define READ_ONCE(x) (*(const volatile __typeof__(x)*)&(x))
#define barrier() __asm__ __volatile__("" : : : "memory")

// An expression whose value is the condition; the shim counts every time it holds.
#define WARN_ON_ONCE(cond)                                                                         \
  ({                                                                                               \
    int __hmmspec_warned = !!(cond);                                                               \
    if (__hmmspec_warned) hmmspec_warn(__FILE__, __LINE__);                                        \
    __hmmspec_warned;                                                                              \
  })
#define WARN_ON(cond) WARN_ON_ONCE(cond)

// The caller holds mmap_sem; lockdep is not part of the model (kernel-context.md §9.23).
#define lockdep_assert_held(lock) ((void)(lock))

// Exporting is a declaration here: it keeps the trailing semicolon legal at file scope.
#define EXPORT_SYMBOL(sym) extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym) EXPORT_SYMBOL(sym)

#define min(a, b)                                                                                  \
  ({                                                                                               \
    __typeof__(a) __hmmspec_a = (a);                                                               \
    __typeof__(b) __hmmspec_b = (b);                                                               \
    __hmmspec_a < __hmmspec_b ? __hmmspec_a : __hmmspec_b;                                         \
  })

#endif // HMMSPEC_COMPILER_H
