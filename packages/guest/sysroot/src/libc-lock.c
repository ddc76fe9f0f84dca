// picolibc's locks (its "retargetable locking": <sys/lock.h>), made real so the C library is safe
// to use from several threads: the library-wide recursive lock (environment, atexit, time zone,
// arc4random) and each stream's lock (stdio-bufio.h). Both kinds are recursive futex locks: a
// thread taking a lock it holds just counts.
//
// The stream locks also give the runtime what picolibc lacks, a list of the open streams: fdopen
// (and so fopen) initializes a new stream's lock and fclose closes it, so a lock initialized for
// a bufio stream (its `put` is __bufio_put) enters the list and leaves it when closed. exit()
// writes out every stream on the list (__zxs_streams_flush, from stdio.c's destructor), as POSIX
// asks.
#include <stddef.h>
#include <stdint.h>
#include <stdio-bufio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/lock.h>

#include "lock.h"
#include "runtime.h"

struct __lock {
  int state;         // the futex word (lock.h)
  uintptr_t owner;   // the thread holding it (its thread pointer), 0 when free
  unsigned count;    // how many times the owner took it
  FILE* stream;      // the bufio stream it locks, or NULL
  struct __lock* next;
  struct __lock* previous;
};

// The library-wide lock picolibc's objects name.
struct __lock __lock___libc_recursive_mutex;

static zxs_lock_t streams_lock = ZXS_LOCK_INIT;
static struct __lock* streams;

// The calling thread's identity: its thread pointer (each thread's TLS block is its own). Cheaper
// than pthread_self, which matters here: picolibc takes a stream's lock for every character.
static inline uintptr_t self_id(void) { return (uintptr_t)__builtin_thread_pointer(); }

// Taking and giving back a lock the calling thread does not already hold, once the process has
// threads: the futex (out of line, so the common paths below stay small).
static __attribute__((noinline)) void lock_take(struct __lock* lock, uintptr_t self) {
  zxs_futex_lock_until(&lock->state, ZX_TIME_INFINITE);
  __atomic_store_n(&lock->owner, self, __ATOMIC_RELAXED);
  lock->count = 1;
}

static __attribute__((noinline)) void lock_give(struct __lock* lock) {
  __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
  zxs_futex_unlock(&lock->state);
}

// While the process has one thread, a lock is kept with plain stores (held: state 1, its owner and
// count), which is the state the futex paths expect: a lock held when the first other thread
// starts stays held until its owner gives it back.
static inline void lock_acquire(struct __lock* lock) {
  if (lock == NULL) return;
  uintptr_t self = self_id();
  if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self) {
    lock->count++;
  } else if (!__atomic_load_n(&__zxs_threaded, __ATOMIC_RELAXED)) {
    lock->state = 1;
    lock->owner = self;
    lock->count = 1;
  } else {
    lock_take(lock, self);
  }
}

static inline int lock_try_acquire(struct __lock* lock) {
  if (lock == NULL) return 1;
  uintptr_t self = self_id();
  if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self) {
    lock->count++;
    return 1;
  }
  if (!zxs_futex_trylock(&lock->state)) return 0;
  __atomic_store_n(&lock->owner, self, __ATOMIC_RELAXED);
  lock->count = 1;
  return 1;
}

static inline void lock_release(struct __lock* lock) {
  if (lock == NULL || __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != self_id()) return;
  if (--lock->count > 0) return;
  if (!__atomic_load_n(&__zxs_threaded, __ATOMIC_RELAXED)) {
    lock->owner = 0;
    lock->state = 0;
  } else {
    lock_give(lock);
  }
}

void __retarget_lock_init(_LOCK_T* slot) {
  struct __lock* lock = calloc(1, sizeof *lock);
  *slot = lock;
  if (lock == NULL) return;
  // picolibc initializes a lock in one place only, a new bufio stream's (fdopen); the check of
  // its put function keeps anything else off the list.
  struct __file_bufio* bufio = (struct __file_bufio*)((char*)slot - offsetof(struct __file_bufio, lock));
  if (bufio->xfile.cfile.file.put != __bufio_put) return;
  lock->stream = &bufio->xfile.cfile.file;
  zxs_lock(&streams_lock);
  lock->next = streams;
  if (streams != NULL) streams->previous = lock;
  streams = lock;
  zxs_unlock(&streams_lock);
}

void __retarget_lock_init_recursive(_LOCK_T* slot) { __retarget_lock_init(slot); }

void __retarget_lock_close(_LOCK_T lock) {
  if (lock == NULL || lock == &__lock___libc_recursive_mutex) return;
  if (lock->stream != NULL) {
    zxs_lock(&streams_lock);
    if (lock->previous != NULL) lock->previous->next = lock->next;
    else streams = lock->next;
    if (lock->next != NULL) lock->next->previous = lock->previous;
    zxs_unlock(&streams_lock);
  }
  free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock) { __retarget_lock_close(lock); }
void __retarget_lock_acquire(_LOCK_T lock) { lock_acquire(lock); }
void __retarget_lock_acquire_recursive(_LOCK_T lock) { lock_acquire(lock); }
int __retarget_lock_try_acquire(_LOCK_T lock) { return lock_try_acquire(lock); }
int __retarget_lock_try_acquire_recursive(_LOCK_T lock) { return lock_try_acquire(lock); }
void __retarget_lock_release(_LOCK_T lock) { lock_release(lock); }
void __retarget_lock_release_recursive(_LOCK_T lock) { lock_release(lock); }

void __zxs_streams_flush(void) {
  zxs_lock(&streams_lock);
  for (struct __lock* lock = streams; lock != NULL; lock = lock->next) fflush(lock->stream);
  zxs_unlock(&streams_lock);
}

void __zxs_stream_lock_init(FILE* stream) {
  struct __file_bufio* bufio = (struct __file_bufio*)stream;
  bufio->lock = calloc(1, sizeof(struct __lock));
}

// The lock of `stream` when it is a bufio stream (every stream of the runtime and of fopen), else
// NULL.
static struct __lock* stream_lock(FILE* stream) {
  if (stream == NULL || stream->put != __bufio_put) return NULL;
  return ((struct __file_bufio*)stream)->lock;
}

// POSIX's explicit stream locking: picolibc takes a stream's lock for each character, so a
// program that wants a whole printf (or several) to come out together holds the lock around it.
void flockfile(FILE* stream) { lock_acquire(stream_lock(stream)); }
int ftrylockfile(FILE* stream) { return lock_try_acquire(stream_lock(stream)) ? 0 : -1; }
void funlockfile(FILE* stream) { lock_release(stream_lock(stream)); }
