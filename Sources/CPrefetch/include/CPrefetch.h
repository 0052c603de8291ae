#ifndef COEXIST_CPREFETCH_H
#define COEXIST_CPREFETCH_H

/// Asks the processor to bring the cache line at `address` in, without waiting for it and without
/// touching it: a hint, never a fault, whatever the address. Swift has no spelling of its own for it.
static inline void coexist_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
