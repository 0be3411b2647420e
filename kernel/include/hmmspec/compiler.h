// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel's C idioms that hmm.c uses, for a user-space gnu11 build: attributes, one-time
// loads, compiler barriers, WARN/BUG and lockdep assertions, symbol exports. Only the seed's
// translation unit sees this file (through kernel/include/linux/*.h); C++ code never includes
// it, so macros such as barrier() cannot collide with the C++ library.
#ifndef HMMSPEC_COMPILER_H
#define HMMSPEC_COMPILER_H

#ifdef __cplusplus
#error "hmmspec/compiler.h is for the C translation unit of the seed only"
#endif

#include "budget.h"
#include "kconfig.h"
#include "services.h"

#define __always_unused __attribute__((__unused__))
#define __maybe_unused __attribute__((__unused__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

// One load of x, which may be a struct (pmd_t): a volatile access the compiler cannot split,
// repeat or drop; it counts as a page-table read of the walk (budget.h).
#define READ_ONCE(x) (hmmspec_count_read(), *(const volatile __typeof__(x)*)&(x))
#define barrier() __asm__ __volatile__("" : : : "memory")

// The kernel's assertions (include/asm-generic/bug.h, include/linux/mmdebug.h): each records a
// report in the outcome (kernel/session.cpp) instead of printing, at __FILE__:__LINE__, which
// the build maps to the kernel tree's path ("mm/hmm.c:70"). WARN* are expressions whose value
// is the condition; the *_ONCE forms report once per hmm_range_fault call (each call models a
// fresh boot). BUG records a Bug report and returns, and the C code goes on as written after
// it: the run continues where the kernel would have stopped (docs/kernel-party.md).
#define HMMSPEC_WARN_IF(cond, once)                                                                \
  ({                                                                                               \
    int __hmmspec_fired = !!(cond);                                                                \
    if (unlikely(__hmmspec_fired)) hmmspec_report(HMMSPEC_REPORT_WARN, __FILE__, __LINE__, once);  \
    __hmmspec_fired;                                                                               \
  })
#define WARN_ON(cond) HMMSPEC_WARN_IF(cond, 0)
#define WARN_ON_ONCE(cond) HMMSPEC_WARN_IF(cond, 1)
#define WARN(cond, ...) HMMSPEC_WARN_IF(cond, 0)
#define WARN_ONCE(cond, ...) HMMSPEC_WARN_IF(cond, 1)
#define BUG() hmmspec_report(HMMSPEC_REPORT_BUG, __FILE__, __LINE__, 0)
#define BUG_ON(cond)                                                                               \
  do {                                                                                             \
    if (unlikely(cond)) BUG();                                                                     \
  } while (0)
#ifdef CONFIG_DEBUG_VM
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_WARN_ON(cond) (void)WARN_ON(cond)
#define VM_WARN_ON_ONCE(cond) (void)WARN_ON_ONCE(cond)
#define VM_WARN(cond, ...) (void)WARN(cond, __VA_ARGS__)
#define VM_WARN_ONCE(cond, ...) (void)WARN_ONCE(cond, __VA_ARGS__)
#else // compiled out, the condition only type-checked (BUILD_BUG_ON_INVALID)
#define VM_BUG_ON(cond) ((void)sizeof((long)(cond)))
#define VM_WARN_ON(cond) ((void)sizeof((long)(cond)))
#define VM_WARN_ON_ONCE(cond) ((void)sizeof((long)(cond)))
#define VM_WARN(cond, ...) ((void)sizeof((long)(cond)))
#define VM_WARN_ONCE(cond, ...) ((void)sizeof((long)(cond)))
#endif

// The caller holds the mmap lock; lockdep is not part of the model (kconfig.h).
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
