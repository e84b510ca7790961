/*
 * A fork-join pool for the kernels' parallel loops (see ck_threadpool.h).
 *
 * Protocol: `state` packs the loop's generation (high 32 bits) and the next unclaimed index (low 32
 * bits). A loop's function, context and count live in slots[generation & 1]. A thread claims index i of
 * generation g with a compare-and-swap that requires the state to still say g, so a thread that observed
 * g late (after the caller finished g and moved on) can never run a task of another loop: the slot of g
 * is only rewritten for g + 2, which cannot be published before every claimed task of g (and g + 1) has
 * reported done. The caller waits for `done == count` of its slot, so tasks finish before it returns.
 */
#include "ck_threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sched.h>

enum {
    CK_POOL_MAX_WORKERS = 255,
    /* Pause instructions a worker spins for a new loop before it sleeps (tens of microseconds). */
    CK_WORKER_SPINS = 20000,
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

static struct {
    pthread_mutex_t lock; /* worker creation and sleeping */
    pthread_cond_t wake;
    _Atomic(uint64_t) state;
    ck_loop_slot slots[2];
    atomic_int sleepers;
    atomic_int workers;
    atomic_flag busy;
} ck_pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .busy = ATOMIC_FLAG_INIT,
};

static inline uint32_t ck_generation(uint64_t state) { return (uint32_t)(state >> 32); }
static inline uint32_t ck_next_index(uint64_t state) { return (uint32_t)state; }

/* Claims and runs tasks of generation g until none is left (or the pool moved past g). */
static void ck_run_tasks(uint32_t g) {
    ck_loop_slot *slot = &ck_pool.slots[g & 1];
    const ck_task_fn fn = atomic_load_explicit(&slot->fn, memory_order_relaxed);
    void *const context = atomic_load_explicit(&slot->context, memory_order_relaxed);
    const ptrdiff_t count = atomic_load_explicit(&slot->count, memory_order_relaxed);
    for (;;) {
        uint64_t s = atomic_load_explicit(&ck_pool.state, memory_order_acquire);
        for (;;) {
            if (ck_generation(s) != g || (ptrdiff_t)ck_next_index(s) >= count) return;
            if (atomic_compare_exchange_weak_explicit(&ck_pool.state, &s, s + 1, memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        fn(context, (ptrdiff_t)ck_next_index(s));
        atomic_fetch_add_explicit(&slot->done, 1, memory_order_release);
    }
}

static void *ck_worker_main(void *argument) {
    const int id = (int)(intptr_t)argument;
    uint32_t seen = ck_generation(atomic_load(&ck_pool.state));
    for (;;) {
        uint64_t s;
        int spins = 0;
        while (ck_generation(s = atomic_load_explicit(&ck_pool.state, memory_order_acquire)) == seen) {
            if (++spins < CK_WORKER_SPINS) {
                ck_cpu_relax();
                continue;
            }
            /* Sleep. Dekker with the caller: we count ourselves a sleeper, then re-check the state; the
             * caller publishes the state, then checks for sleepers (both sequentially consistent). */
            pthread_mutex_lock(&ck_pool.lock);
            atomic_fetch_add(&ck_pool.sleepers, 1);
            while (ck_generation(atomic_load(&ck_pool.state)) == seen) pthread_cond_wait(&ck_pool.wake, &ck_pool.lock);
            atomic_fetch_sub(&ck_pool.sleepers, 1);
            pthread_mutex_unlock(&ck_pool.lock);
            spins = 0;
        }
        seen = ck_generation(s);
        if (id < atomic_load_explicit(&ck_pool.slots[seen & 1].participants, memory_order_relaxed)) ck_run_tasks(seen);
    }
    return NULL;
}

/* Starts workers until there are `wanted` (or thread creation fails); returns how many there are. */
static int ck_ensure_workers(int wanted) {
    int have = atomic_load_explicit(&ck_pool.workers, memory_order_acquire);
    if (have >= wanted) return have;
    pthread_mutex_lock(&ck_pool.lock);
    have = atomic_load(&ck_pool.workers);
    while (have < wanted) {
        pthread_attr_t attributes;
        pthread_t thread;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        const int failed = pthread_create(&thread, &attributes, ck_worker_main, (void *)(intptr_t)have);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        have++;
        atomic_store(&ck_pool.workers, have);
    }
    pthread_mutex_unlock(&ck_pool.lock);
    return have;
}

void ck_parallel_for(ptrdiff_t count, int threads, ck_task_fn fn, void *context) {
    if (count <= 0) return;
    if (threads > CK_POOL_MAX_WORKERS + 1) threads = CK_POOL_MAX_WORKERS + 1;
    if (threads <= 1 || count == 1 || count > (ptrdiff_t)UINT32_MAX ||
        atomic_flag_test_and_set_explicit(&ck_pool.busy, memory_order_acquire)) {
        for (ptrdiff_t i = 0; i < count; i++) fn(context, i);
        return;
    }
    const int workers = ck_ensure_workers(threads - 1);
    const uint32_t g = ck_generation(atomic_load(&ck_pool.state)) + 1;
    ck_loop_slot *slot = &ck_pool.slots[g & 1];
    atomic_store_explicit(&slot->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&slot->context, context, memory_order_relaxed);
    atomic_store_explicit(&slot->count, count, memory_order_relaxed);
    atomic_store_explicit(&slot->participants, workers < threads - 1 ? workers : threads - 1, memory_order_relaxed);
    atomic_store_explicit(&slot->done, 0, memory_order_relaxed);
    atomic_store(&ck_pool.state, (uint64_t)g << 32); /* publishes the slot */
    if (atomic_load(&ck_pool.sleepers) > 0) {
        pthread_mutex_lock(&ck_pool.lock);
        pthread_cond_broadcast(&ck_pool.wake);
        pthread_mutex_unlock(&ck_pool.lock);
    }
    ck_run_tasks(g);
    int spins = 0;
    while (atomic_load_explicit(&slot->done, memory_order_acquire) < count) {
        if (++spins < CK_CALLER_SPINS) {
            ck_cpu_relax();
        } else {
            spins = 0;
            sched_yield(); /* a worker holding a task was descheduled */
        }
    }
    atomic_flag_clear_explicit(&ck_pool.busy, memory_order_release);
}

