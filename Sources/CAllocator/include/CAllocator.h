#ifndef COEXIST_CALLOCATOR_H
#define COEXIST_CALLOCATOR_H

#if defined(__linux__)
#include <malloc.h>
#endif

#if defined(__GLIBC__)
/// glibc's `mallopt` for its two thresholds of large blocks (see LargeBlocks.swift): Swift's Glibc
/// module declares neither `mallopt` nor `M_TRIM_THRESHOLD`. Each returns 1 when glibc took the value.
static inline int coexist_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
static inline int coexist_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
#endif

#endif
