// SPDX-License-Identifier: GPL-2.0-or-later
// The memory-management objects hmm.c touches, reduced to the fields it and the shim's walker
// use, plus `hmmspec_*` fields linking each one to the world it mirrors (kernel/session.cpp
// builds them for every run). Flag values are the kernel's (include/linux/mm.h and mm_types.h;
// the same in v5.7, 6.1 and 6.12 for every value here).
//
// Valid C (gnu11) and C++.
#ifndef HMMSPEC_MM_TYPES_H
#define HMMSPEC_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "pgtable.h"

#ifdef __cplusplus
extern "C" {
#endif

// --- Error numbers (include/uapi/asm-generic/errno-base.h) --------------------------------
#ifndef EPERM
#define EPERM 1
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EBUSY
#define EBUSY 16
#endif
#ifndef EINVAL
#define EINVAL 22
#endif

// --- Locks -------------------------------------------------------------------------------
// One thread runs the kernel's code, so a lock only records whether it is held; the session
// counts takes and releases so that an imbalance is reported.
typedef struct {
  int held;
} spinlock_t;
struct rw_semaphore {
  int readers; // read holders (the caller of hmm_range_fault holds the mmap lock for read)
};

// --- vm_flags (include/linux/mm.h) --------------------------------------------------------
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_PFNMAP 0x00000400UL
#define VM_IO 0x00004000UL
#define VM_HUGETLB 0x00400000UL
#define VM_MIXEDMAP 0x10000000UL

// --- handle_mm_fault flags and results ------------------------------------------------------
#define FAULT_FLAG_WRITE 0x01
#define FAULT_FLAG_REMOTE 0x80
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM 0x000001
#define VM_FAULT_SIGBUS 0x000002
#define VM_FAULT_HWPOISON 0x000010
#define VM_FAULT_HWPOISON_LARGE 0x000020
#define VM_FAULT_SIGSEGV 0x000040
#define VM_FAULT_FALLBACK 0x000800
#define VM_FAULT_ERROR                                                                             \
  (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON |                         \
   VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK)

// --- Objects -------------------------------------------------------------------------------
// A hugetlb page size (struct hstate): the shim needs nothing but the size.
struct hstate {
  unsigned long size;
};

struct mm_struct {
  pgd_t* pgd;                  // the root table
  struct vm_area_struct* mmap; // the VMAs in address order
#if HMMSPEC_V6
  struct rw_semaphore mmap_lock;
#else
  struct rw_semaphore mmap_sem; // renamed mmap_lock in 5.8
#endif
  spinlock_t page_table_lock; // PUD leaves and 1 GiB hugetlb pages
  spinlock_t pmd_split_lock;  // the split PMD lock of 2 MiB hugetlb pages
  void* hmmspec_session;      // the kernel/session.cpp Session running on this mm
};

struct vm_area_struct {
  unsigned long vm_start; // first address, inclusive
  unsigned long vm_end;   // first address after it
  struct vm_area_struct* vm_next;
  struct vm_area_struct* vm_prev;
  struct mm_struct* vm_mm;
  unsigned long vm_flags;
  struct hstate hmmspec_hstate; // hugetlb VMAs: their page size
  // hugetlb VMAs: the read holds of the hugetlb VMA lock (6.12 hugetlb_vma_lock_read)
  int hmmspec_hugetlb_lock_readers;
  const void* hmmspec_vma; // the model's Vma this mirrors
};

// The kinds of ZONE_DEVICE memory the world has (6.1 include/linux/memremap.h:68-75).
enum memory_type {
  MEMORY_DEVICE_PRIVATE = 1,
  MEMORY_DEVICE_COHERENT = 2,
};

// The ZONE_DEVICE page map of a device page; `owner` is what device-private ownership tests.
// An ordinary page's map has type 0 and a NULL owner (the shim gives every pfn a struct page
// with a map, so that a device entry naming a pfn of no device reads a NULL owner).
struct dev_pagemap {
  enum memory_type type;
  void* owner;
};

struct page {
  struct dev_pagemap* pgmap;
  unsigned long hmmspec_pfn;
};

// The root entry covering addr.
static inline pgd_t* pgd_offset(struct mm_struct* mm, unsigned long addr) {
  return mm->pgd + pgd_index(addr);
}

#ifdef __cplusplus
}
#endif

#endif // HMMSPEC_MM_TYPES_H
