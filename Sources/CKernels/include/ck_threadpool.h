#ifndef CK_THREADPOOL_H
#define CK_THREADPOOL_H
#include <stddef.h>

/* One task of a parallel loop: `index` runs from 0 to count - 1. */
typedef void (*ck_task_fn)(void *context, ptrdiff_t index);

/* A fork-join pool of worker threads. Each pool is independent: two pools run loops at the same time. */
typedef struct ck_pool ck_pool;

/*
 * A pool whose loops may use up to `threads` threads, the calling thread included (so `threads - 1`
 * workers, started on first use). NULL when memory runs out.
 */
ck_pool *ck_pool_create(int threads);

/* Stops and joins the workers, then frees the pool. No loop may be running on it. */
void ck_pool_destroy(ck_pool *pool);

/* The thread count the pool was created for. */
int ck_pool_threads(const ck_pool *pool);

/*
 * Runs fn(context, i) for every i in [0, count) on up to `threads` threads of `pool` (at most its own
 * count), the calling thread included, and returns when all have run. Indices are handed out one at a
 * time as threads become free. `pool` may be NULL: the loop then runs on the calling thread.
 *
 * After a loop the workers spin for a few microseconds (the next kernel of a plan usually follows at
 * once) and then sleep on a condition variable, so an idle pool costs no CPU. One loop runs on a pool at
 * a time: a call made while the pool is busy (from a task, or from another thread) runs its loop on the
 * calling thread alone, so calls never deadlock or oversubscribe the pool.
 */
void ck_pool_parallel_for(ck_pool *pool, ptrdiff_t count, int threads, ck_task_fn fn, void *context);

/* A hint to the CPU that the caller is spinning (x86 `pause`, arm64 `yield`). */
static inline void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
