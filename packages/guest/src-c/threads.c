// threads: runs work on several threads of its own process and checks they really shared memory.
//
// main starts THREADS threads (zx_thread_create + zx_thread_start, each on a heap-allocated stack)
// that each add 1 to three shared counters ROUNDS times: one with an atomic add (AMOADD), one under
// a spinlock built on LR/SC (compare-and-swap), one under a mutex that sleeps on a futex
// (zx_futex_wait/zx_futex_wake) while another thread holds it, plus a plain per-thread slot. Each round is long
// enough that the kernel's time slices interleave the threads mid-loop. A thread that is done sets
// its own user signal on a shared event (zx_event_create, zx_object_signal); main waits until the
// event has all of them, then for every thread's THREAD_TERMINATED, and checks the counters equal
// THREADS * ROUNDS and every slot ROUNDS; it prints "threads=<n> rounds=<r> total=<t>" and exits
// 0, or exits 1-7 on a failure.
//
// Usage: threads [rounds]  (default 100000). Threads run no libc code (they have no TLS).
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

#define THREADS 4
#define STACK_SIZE (64 * 1024)

static atomic_ulong added;
static atomic_int lock;
static unsigned long locked_total;
static atomic_int mutex;  // 0 free, 1 held, 2 held with sleepers (a zx_futex_t)
static unsigned long mutex_total;
static unsigned long slots[THREADS];
static unsigned long rounds = 100000;
static zx_handle_t done;

static void spin_lock(void) {
  int expected = 0;
  while (!atomic_compare_exchange_weak_explicit(&lock, &expected, 1, memory_order_acquire, memory_order_relaxed)) {
    expected = 0;
  }
}

static void spin_unlock(void) { atomic_store_explicit(&lock, 0, memory_order_release); }

// A mutex that sleeps in the kernel instead of spinning: take it free (0 -> 1), else mark it
// contended (2) and wait on its futex until it is handed back free.
static void mutex_lock(void) {
  int c = 0;
  if (atomic_compare_exchange_strong(&mutex, &c, 1)) return;
  if (c != 2) c = atomic_exchange(&mutex, 2);
  while (c != 0) {
    zx_futex_wait((const zx_futex_t*)&mutex, 2, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    c = atomic_exchange(&mutex, 2);
  }
}

static void mutex_unlock(void) {
  if (atomic_fetch_sub(&mutex, 1) != 1) {
    atomic_store(&mutex, 0);
    zx_futex_wake((const zx_futex_t*)&mutex, 1);
  }
}

// A thread's entry: a0 = its slot index. It never returns; it exits with zx_thread_exit.
static __attribute__((noreturn)) void worker(uintptr_t index, uintptr_t unused) {
  (void)unused;
  for (unsigned long i = 0; i < rounds; i++) {
    atomic_fetch_add_explicit(&added, 1, memory_order_relaxed);
    spin_lock();
    locked_total++;
    spin_unlock();
    mutex_lock();
    mutex_total++;
    mutex_unlock();
    slots[index]++;
  }
  zx_object_signal(done, 0, ZX_USER_SIGNAL_0 << index);
  zx_thread_exit();
}

int main(int argc, char** argv) {
  if (argc >= 2) rounds = strtoul(argv[1], NULL, 10);
  if (zx_event_create(0, &done) != ZX_OK) return 6;
  zx_handle_t threads[THREADS];
  for (uintptr_t i = 0; i < THREADS; i++) {
    char* stack = malloc(STACK_SIZE);
    if (stack == NULL) return 1;
    static const char name[] = "worker";
    if (zx_thread_create(zx_process_self(), name, sizeof(name) - 1, 0, &threads[i]) != ZX_OK) return 2;
    // The stack grows down from its 16-byte aligned end.
    uintptr_t top = ((uintptr_t)stack + STACK_SIZE) & ~(uintptr_t)15;
    if (zx_thread_start(threads[i], (uintptr_t)worker, top, i, 0) != ZX_OK) return 3;
  }
  // Every thread's "done" signal, whatever order they come in.
  zx_signals_t all = ((ZX_USER_SIGNAL_0 << THREADS) - 1) & ZX_USER_SIGNAL_ALL & ~(ZX_USER_SIGNAL_0 - 1);
  zx_signals_t seen = 0;
  while ((seen & all) != all) {
    if (zx_object_wait_one(done, all & ~seen, ZX_TIME_INFINITE, &seen) != ZX_OK) return 7;
  }
  zx_handle_close(done);
  for (int i = 0; i < THREADS; i++) {
    zx_signals_t observed = 0;
    if (zx_object_wait_one(threads[i], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &observed) != ZX_OK) return 4;
    zx_handle_close(threads[i]);
  }
  unsigned long want = THREADS * rounds;
  int ok = atomic_load(&added) == want && locked_total == want && mutex_total == want;
  for (int i = 0; i < THREADS; i++) ok = ok && slots[i] == rounds;
  printf("threads=%d rounds=%lu total=%lu\n", THREADS, rounds, locked_total);
  return ok ? 0 : 5;
}
