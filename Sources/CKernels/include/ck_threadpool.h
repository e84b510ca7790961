#ifndef CK_THREADPOOL_H
#define CK_THREADPOOL_H
#include <stddef.h>

/* One task of a parallel loop: `index` runs from 0 to count - 1. */
typedef void (*ck_task_fn)(void *context, ptrdiff_t index);

/*
 * Runs fn(context, i) for every i in [0, count) on up to `threads` threads, the calling thread included,
 * and returns when all have run. Indices are handed out one at a time as threads become free.
 *
 * The pool's worker threads are started on first use and kept: after a loop they spin briefly (the next
 * kernel of a plan usually follows within microseconds) and then sleep on a condition variable. One loop
 * runs at a time: a call made while the pool is busy (from a task, or from another thread) runs its loop
 * on the calling thread alone, so calls never deadlock or oversubscribe the pool.
 */
void ck_parallel_for(ptrdiff_t count, int threads, ck_task_fn fn, void *context);

/* A hint to the CPU that the caller is spinning (x86 `pause`, arm64 `yield`). */
static inline void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
