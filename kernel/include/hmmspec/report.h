// SPDX-License-Identifier: GPL-2.0-or-later
// What the kernel prints that is not a result: WARN, BUG (and their VM_* forms under
// CONFIG_DEBUG_VM) and print_bad_pte. The shim records each one in the outcome's reports
// (model/outcome.h KernelReport, kernel/session.cpp) instead of printing it. The macros of
// compiler.h call these for the kernel's own checks; the shim's helpers that mirror a kernel
// check call them with the kernel's source location.
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_REPORT_H
#define HMMSPEC_REPORT_H

#ifdef __cplusplus
extern "C" {
#endif

enum hmmspec_report_kind {
  HMMSPEC_REPORT_WARN = 0, // WARN_ON, WARN_ON_ONCE, VM_WARN_ON*
  HMMSPEC_REPORT_BUG = 1,  // BUG_ON, VM_BUG_ON
};

// A WARN or BUG that fired at file:line, the path in the kernel tree ("mm/hmm.c", 70). With
// `once` set, only the first firing at that place in one hmm_range_fault call is reported.
void hmmspec_report(enum hmmspec_report_kind kind, const char* file, int line, int once);

// print_bad_pte ("BUG: Bad page map", 6.1 mm/memory.c:519-567): a page-table entry at addr that
// maps what it may not. As the kernel, reports stop after 60 (its burst within one minute; a
// call takes no time).
void hmmspec_print_bad_pte(unsigned long addr);

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_REPORT_H
