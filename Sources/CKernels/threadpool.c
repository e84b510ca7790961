/*
 * Fork-join pools for the kernels' parallel loops (see ck_threadpool.h).
 *
 * Protocol: `state` packs the loop's generation (high 32 bits) and the next unclaimed index (low 32
 * bits). A loop's function, context and count live in slots[generation & 1]. A thread claims index i of
 * generation g with a compare-and-swap that requires the state to still say g, so a thread that observed
 * g late (after the caller finished g and moved on) can never run a task of another loop: the slot of g
 * is only rewritten for g + 2, which cannot be published before every claimed task of g (and g + 1) has
 * reported done. The caller waits for `done == count` of its slot, so tasks finish before it returns.
 */
#include "ck_threadpool.h"
#include "ckernels_nn.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

/* How long a worker spins for a new loop before it sleeps: longer than the gap between two parallel
 * kernels of a running plan (a serial step on the caller runs in between: waking a sleeper costs tens of
 * microseconds, a whole 2-thread NASNet step at batch 1 is ~30 us), short enough that an idle pool costs
 * no CPU. Measured in time, not pauses: a pause takes 10 to 140 cycles depending on the CPU. */
#define CK_WORKER_SPIN_NS 1000000

static uint64_t ck_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

enum {
    CK_POOL_MAX_WORKERS = 255,
    /* Pause instructions between two looks at the clock while a worker spins for a new loop. */
    CK_WORKER_SPINS_PER_CLOCK = 64,
    /* Pause instructions the caller spins for unfinished tasks between yields. */
    CK_CALLER_SPINS = 4000,
};

typedef struct {
    _Atomic(ck_task_fn) fn;
    _Atomic(void *) context;
    _Atomic(ptrdiff_t) count;
    atomic_int participants; /* workers with id below this join the loop */
    atomic_long done;
} ck_loop_slot;

struct ck_pool {
    pthread_mutex_t lock; /* worker creation, sleeping and shutdown */
    pthread_cond_t wake;
    _Atomic(uint64_t) state;
    ck_loop_slot slots[2];
    atomic_int sleepers;
    atomic_int workers;
    atomic_flag busy;
    atomic_bool stopping;
    int threads;
    pthread_t handles[CK_POOL_MAX_WORKERS];
};

typedef struct {
    ck_pool *pool;
    int id;
    uint32_t seen; /* the generation when the worker was created: it joins every later loop */
} ck_worker_start;

static inline uint32_t ck_generation(uint64_t state) { return (uint32_t)(state >> 32); }
static inline uint32_t ck_next_index(uint64_t state) { return (uint32_t)state; }

/* Claims and runs tasks of generation g until none is left (or the pool moved past g). */
static void ck_run_tasks(ck_pool *pool, uint32_t g) {
    ck_loop_slot *slot = &pool->slots[g & 1];
    const ck_task_fn fn = atomic_load_explicit(&slot->fn, memory_order_relaxed);
    void *const context = atomic_load_explicit(&slot->context, memory_order_relaxed);
    const ptrdiff_t count = atomic_load_explicit(&slot->count, memory_order_relaxed);
    for (;;) {
        uint64_t s = atomic_load_explicit(&pool->state, memory_order_acquire);
        for (;;) {
            if (ck_generation(s) != g || (ptrdiff_t)ck_next_index(s) >= count) return;
            if (atomic_compare_exchange_weak_explicit(&pool->state, &s, s + 1, memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        fn(context, (ptrdiff_t)ck_next_index(s));
        atomic_fetch_add_explicit(&slot->done, 1, memory_order_release);
    }
}

static void *ck_worker_main(void *argument) {
    const ck_worker_start start = *(ck_worker_start *)argument;
    free(argument);
    ck_pool *const pool = start.pool;
    const int id = start.id;
    (void)ck_flush_denormals_begin(); /* our thread: kernels run as TensorFlow's, with denormals flushed */
    /* Not the generation at this point: the loop that started this worker may already be published, and
     * the worker would skip it (a pool's first loop ran on its caller alone). */
    uint32_t seen = start.seen;
    for (;;) {
        uint64_t s;
        int spins = 0;
        uint64_t spin_start = 0;
        while (ck_generation(s = atomic_load_explicit(&pool->state, memory_order_acquire)) == seen) {
            if (atomic_load_explicit(&pool->stopping, memory_order_relaxed)) return NULL;
            if (++spins % CK_WORKER_SPINS_PER_CLOCK != 0) {
                ck_cpu_relax();
                continue;
            }
            const uint64_t now = ck_now_ns();
            if (spin_start == 0) spin_start = now;
            if (now - spin_start < CK_WORKER_SPIN_NS) {
                ck_cpu_relax();
                continue;
            }
            /* Sleep. Dekker with the caller: we count ourselves a sleeper, then re-check the state; the
             * caller publishes the state, then checks for sleepers (both sequentially consistent). */
            pthread_mutex_lock(&pool->lock);
            atomic_fetch_add(&pool->sleepers, 1);
            while (ck_generation(atomic_load(&pool->state)) == seen && !atomic_load(&pool->stopping))
                pthread_cond_wait(&pool->wake, &pool->lock);
            atomic_fetch_sub(&pool->sleepers, 1);
            const bool stopping = atomic_load(&pool->stopping);
            pthread_mutex_unlock(&pool->lock);
            if (stopping) return NULL;
            spins = 0;
        }
        seen = ck_generation(s);
        if (id < atomic_load_explicit(&pool->slots[seen & 1].participants, memory_order_relaxed)) ck_run_tasks(pool, seen);
    }
    return NULL;
}

/* Starts workers until there are `wanted` (or thread creation fails); returns how many there are. */
static int ck_ensure_workers(ck_pool *pool, int wanted) {
    int have = atomic_load_explicit(&pool->workers, memory_order_acquire);
    if (have >= wanted) return have;
    pthread_mutex_lock(&pool->lock);
    have = atomic_load(&pool->workers);
    while (have < wanted) {
        ck_worker_start *start = malloc(sizeof *start);
        if (!start) break;
        start->pool = pool;
        start->id = have;
        start->seen = ck_generation(atomic_load(&pool->state));
        if (pthread_create(&pool->handles[have], NULL, ck_worker_main, start)) {
            free(start);
            break;
        }
        have++;
        atomic_store(&pool->workers, have);
    }
    pthread_mutex_unlock(&pool->lock);
    return have;
}

ck_pool *ck_pool_create(int threads) {
    ck_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_flag_clear(&pool->busy);
    if (threads < 1) threads = 1;
    if (threads > CK_POOL_MAX_WORKERS + 1) threads = CK_POOL_MAX_WORKERS + 1;
    pool->threads = threads;
    return pool;
}

int ck_pool_threads(const ck_pool *pool) { return pool ? pool->threads : 1; }

void ck_pool_destroy(ck_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->stopping, true);
    pthread_cond_broadcast(&pool->wake);
    const int workers = atomic_load(&pool->workers);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < workers; i++) pthread_join(pool->handles[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

void ck_pool_parallel_for(ck_pool *pool, ptrdiff_t count, int threads, ck_task_fn fn, void *context) {
    if (count <= 0) return;
    if (pool && threads > pool->threads) threads = pool->threads;
    if (!pool || threads <= 1 || count == 1 || count > (ptrdiff_t)UINT32_MAX ||
        atomic_flag_test_and_set_explicit(&pool->busy, memory_order_acquire)) {
        for (ptrdiff_t i = 0; i < count; i++) fn(context, i);
        return;
    }
    const int workers = ck_ensure_workers(pool, threads - 1);
    const uint32_t g = ck_generation(atomic_load(&pool->state)) + 1;
    ck_loop_slot *slot = &pool->slots[g & 1];
    atomic_store_explicit(&slot->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&slot->context, context, memory_order_relaxed);
    atomic_store_explicit(&slot->count, count, memory_order_relaxed);
    atomic_store_explicit(&slot->participants, workers < threads - 1 ? workers : threads - 1, memory_order_relaxed);
    atomic_store_explicit(&slot->done, 0, memory_order_relaxed);
    atomic_store(&pool->state, (uint64_t)g << 32); /* publishes the slot */
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    ck_run_tasks(pool, g);
    int spins = 0;
    while (atomic_load_explicit(&slot->done, memory_order_acquire) < count) {
        if (++spins < CK_CALLER_SPINS) {
            ck_cpu_relax();
        } else {
            spins = 0;
            sched_yield(); /* a worker holding a task was descheduled */
        }
    }
    atomic_flag_clear_explicit(&pool->busy, memory_order_release);
}

