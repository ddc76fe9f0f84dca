// The runtime's own lock: a mutex that sleeps on a Zircon futex while another thread holds it
// (0 free, 1 held, 2 held with sleepers: a free lock costs one compare-and-swap to take and one
// atomic swap to give back, and the kernel is entered only when threads really contend). The
// descriptor table, the allocator, picolibc's stream and library locks and the pthread mutexes
// build on it. The word is a plain int used through atomic builtins, so <pthread.h>'s types (which
// must be plain C for static initializers) hold it directly.
#ifndef ZXSIM_LOCK_H_
#define ZXSIM_LOCK_H_

#include <zircon/syscalls.h>

typedef struct {
  int state;
} zxs_lock_t;

#define ZXS_LOCK_INIT {0}

// Takes the futex lock at `word` once the monotonic clock is before `deadline`
// (ZX_TIME_INFINITE: waits as long as it takes): ZX_OK, or ZX_ERR_TIMED_OUT.
static inline zx_status_t zxs_futex_lock_until(int* word, zx_time_t deadline) {
  int c = 0;
  if (__atomic_compare_exchange_n(word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return ZX_OK;
  if (c != 2) c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
  while (c != 0) {
    zx_status_t status = zx_futex_wait((const zx_futex_t*)word, 2, ZX_HANDLE_INVALID, deadline);
    if (status == ZX_ERR_TIMED_OUT) return status;
    c = __atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE);
  }
  return ZX_OK;
}

// Takes the futex lock at `word` as one that other threads may be sleeping on (after a condition
// variable's wait, where a broadcast woke several): it is marked contended, so the unlock wakes
// the next.
static inline void zxs_futex_lock_contended(int* word) {
  while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0) {
    zx_futex_wait((const zx_futex_t*)word, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  }
}

// Takes the futex lock at `word` if it is free: 1 when taken, 0 when another thread holds it.
static inline int zxs_futex_trylock(int* word) {
  int c = 0;
  return __atomic_compare_exchange_n(word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

// Gives the futex lock at `word` back, waking one sleeper if there is one.
static inline void zxs_futex_unlock(int* word) {
  if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2) zx_futex_wake((const zx_futex_t*)word, 1);
}

static inline void zxs_lock(zxs_lock_t* lock) { zxs_futex_lock_until(&lock->state, ZX_TIME_INFINITE); }
static inline int zxs_trylock(zxs_lock_t* lock) { return zxs_futex_trylock(&lock->state); }
static inline void zxs_unlock(zxs_lock_t* lock) { zxs_futex_unlock(&lock->state); }

#endif  // ZXSIM_LOCK_H_
