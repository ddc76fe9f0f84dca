// POSIX threads over Zircon (<pthread.h>): threads, mutexes, condition variables, once and
// thread-specific data.
//
// A thread is a zx_thread of the process with a mapping of its own: a VMAR holding an unmapped
// guard page, then a VMO with the stack and, above it, the thread's copy of the program's PT_TLS
// (so errno and every __thread variable are per thread). The new thread starts at
// __zxs_thread_entry, which points tp at that copy and calls the start routine.
//
// A thread cannot unmap the stack it runs on, so the mapping is freed by someone else once the
// kernel says the thread terminated: by pthread_join for a joinable thread, and for a detached one
// by the next pthread_create, pthread_join or pthread_detach (an exited detached thread waits in a
// list). When the last thread ends (main having called pthread_exit) the process exits with 0.
//
// Mutexes and once sleep on futexes (lock.h); a condition variable is a sequence number its
// waiters sleep on. Timed waits take CLOCK_REALTIME deadlines (CLOCK_MONOTONIC for a condition
// variable given that clock), converted to the monotonic deadline the kernel waits for.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

#include "lock.h"
#include "runtime.h"
#include "tls.h"

#define PAGE_SIZE 4096
#define DEFAULT_STACK_SIZE (256 * 1024)

// Defined by ld.lld: the program's own ELF header, from which its PT_TLS is found.
ZXS_HIDDEN extern const char __ehdr_start[];

enum { THREAD_JOINABLE = 0, THREAD_DETACHED = 1, THREAD_EXITED = 2 };

// A thread-specific value, valid while `generation` equals its key's.
typedef struct {
  unsigned generation;
  void* value;
} specific_t;

struct __zxs_pthread {
  zx_handle_t handle;      // the thread (the initial thread's is not owned)
  zx_handle_t vmar;        // its stack and TLS mapping (none for the initial thread)
  void* (*start)(void*);
  void* arg;
  void* result;
  atomic_int state;        // THREAD_*
  struct __zxs_pthread* next_dead;
  specific_t specific[PTHREAD_KEYS_MAX];
};

static struct __zxs_pthread initial_thread;

// The calling thread's record; NULL on the initial thread.
static __thread pthread_t current;

int __zxs_threaded;

// Threads alive (the initial one included): the last to end exits the process.
static atomic_int live_threads = 1;

// Detached threads that ended but whose mapping is not freed yet.
static zxs_lock_t dead_lock = ZXS_LOCK_INIT;
static pthread_t dead_threads;

pthread_t pthread_self(void) {
  pthread_t self = current;
  if (self != NULL) return self;
  if (initial_thread.handle == ZX_HANDLE_INVALID) initial_thread.handle = zx_thread_self();
  return &initial_thread;
}

int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

// Frees what a terminated thread held: its mapping, its handle, its record.
static void thread_free(pthread_t thread) {
  zx_vmar_destroy(thread->vmar);
  zx_handle_close(thread->vmar);
  zx_handle_close(thread->handle);
  free(thread);
}

// Waits until the kernel has ended `thread` (it may still be on its way out of pthread_exit).
static void thread_wait_terminated(pthread_t thread) {
  zx_signals_t observed = 0;
  zx_object_wait_one(thread->handle, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &observed);
}

// Frees the detached threads that have terminated; the others stay in the list.
static void reap_dead(void) {
  zxs_lock(&dead_lock);
  pthread_t* link = &dead_threads;
  while (*link != NULL) {
    pthread_t thread = *link;
    zx_signals_t observed = 0;
    zx_object_wait_one(thread->handle, ZX_THREAD_TERMINATED, 0, &observed);
    if (observed & ZX_THREAD_TERMINATED) {
      *link = thread->next_dead;
      thread_free(thread);
    } else {
      link = &thread->next_dead;
    }
  }
  zxs_unlock(&dead_lock);
}

// --- keys -------------------------------------------------------------------------------------

static zxs_lock_t key_lock = ZXS_LOCK_INIT;
static struct {
  int used;
  unsigned generation;
  void (*destructor)(void*);
} keys[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  zxs_lock(&key_lock);
  for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
    if (!keys[k].used) {
      keys[k].used = 1;
      // A new generation: values stored under an earlier key of this slot do not show.
      keys[k].generation++;
      keys[k].destructor = destructor;
      zxs_unlock(&key_lock);
      *key = k;
      return 0;
    }
  }
  zxs_unlock(&key_lock);
  return EAGAIN;
}

int pthread_key_delete(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX) return EINVAL;
  zxs_lock(&key_lock);
  int used = keys[key].used;
  keys[key].used = 0;
  keys[key].generation++;
  keys[key].destructor = NULL;
  zxs_unlock(&key_lock);
  return used ? 0 : EINVAL;
}

void* pthread_getspecific(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX) return NULL;
  specific_t* slot = &pthread_self()->specific[key];
  return slot->generation == __atomic_load_n(&keys[key].generation, __ATOMIC_RELAXED) ? slot->value : NULL;
}

int pthread_setspecific(pthread_key_t key, const void* value) {
  if (key >= PTHREAD_KEYS_MAX || !__atomic_load_n(&keys[key].used, __ATOMIC_RELAXED)) return EINVAL;
  specific_t* slot = &pthread_self()->specific[key];
  slot->generation = __atomic_load_n(&keys[key].generation, __ATOMIC_RELAXED);
  slot->value = (void*)value;
  return 0;
}

// Runs the destructors of the calling thread's non-NULL values, as POSIX says: each value is set
// to NULL before its destructor runs, and rounds repeat while destructors store new values.
static void run_destructors(pthread_t self) {
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
    int ran = 0;
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
      zxs_lock(&key_lock);
      void (*destructor)(void*) = keys[k].used ? keys[k].destructor : NULL;
      unsigned generation = keys[k].generation;
      zxs_unlock(&key_lock);
      specific_t* slot = &self->specific[k];
      if (destructor == NULL || slot->generation != generation || slot->value == NULL) continue;
      void* value = slot->value;
      slot->value = NULL;
      destructor(value);
      ran = 1;
    }
    if (!ran) break;
  }
}

// --- threads ----------------------------------------------------------------------------------

__attribute__((noreturn)) void pthread_exit(void* result) {
  pthread_t self = pthread_self();
  run_destructors(self);
  __zxs_io_thread_exit();
  self->result = result;
  if (atomic_fetch_sub(&live_threads, 1) == 1) exit(0);
  if (self == &initial_thread) zx_thread_exit();
  int expected = THREAD_JOINABLE;
  if (!atomic_compare_exchange_strong(&self->state, &expected, THREAD_EXITED)) {
    // Detached: nobody joins it; whoever reaps next frees its mapping once it has terminated.
    zxs_lock(&dead_lock);
    self->next_dead = dead_threads;
    dead_threads = self;
    zxs_unlock(&dead_lock);
  }
  zx_thread_exit();
}

// Where a new thread continues from __zxs_thread_entry, with tp set.
ZXS_HIDDEN __attribute__((noreturn, used)) void __zxs_thread_main(pthread_t self) {
  current = self;
  __zxs_thread_self = self->handle;
  pthread_exit(self->start(self->arg));
}

// The entry of every new thread: a0 = its record, a1 = its thread pointer. The return address and
// frame pointer are cleared so a stack walk ends here.
__asm__(
    ".pushsection .text.__zxs_thread_entry,\"ax\",@progbits\n"
    ".p2align 2\n"
    ".type __zxs_thread_entry, @function\n"
    "__zxs_thread_entry:\n"
    "  mv tp, a1\n"
    "  li ra, 0\n"
    "  li s0, 0\n"
    "  tail __zxs_thread_main\n"
    ".size __zxs_thread_entry, . - __zxs_thread_entry\n"
    ".popsection\n");
ZXS_HIDDEN extern char __zxs_thread_entry[];

int pthread_attr_init(pthread_attr_t* attr) {
  attr->__stack_size = DEFAULT_STACK_SIZE;
  attr->__detached = PTHREAD_CREATE_JOINABLE;
  return 0;
}

int pthread_attr_destroy(pthread_attr_t* attr) {
  (void)attr;
  return 0;
}

int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size) {
  if (size < PTHREAD_STACK_MIN || size > ((size_t)1 << 30)) return EINVAL;
  attr->__stack_size = size;
  return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size) {
  *size = attr->__stack_size;
  return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t* attr, int state) {
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
  attr->__detached = state;
  return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t* attr, int* state) {
  *state = attr->__detached;
  return 0;
}

// POSIX's error number for a kernel refusal while creating a thread.
static int create_error(zx_status_t status) {
  return status == ZX_ERR_NO_MEMORY || status == ZX_ERR_NO_RESOURCES ? EAGAIN : EINVAL;
}

int pthread_create(pthread_t* out, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  reap_dead();
  size_t stack_size = attr != NULL ? attr->__stack_size : DEFAULT_STACK_SIZE;
  stack_size = (stack_size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
  uintptr_t base = (uintptr_t)__ehdr_start;
  size_t tls_size = (zxs_tls_space_size(base) + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
  size_t mapped_size = stack_size + tls_size;

  pthread_t thread = calloc(1, sizeof *thread);
  if (thread == NULL) return EAGAIN;
  thread->start = start;
  thread->arg = arg;
  atomic_init(&thread->state, attr != NULL && attr->__detached ? THREAD_DETACHED : THREAD_JOINABLE);

  // The guard page stays unmapped: running off the stack's end is a page fault, not corruption.
  zx_vaddr_t region = 0, mapped = 0;
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  zx_status_t status = zx_vmar_allocate(zx_vmar_root_self(),
                                        ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                                        PAGE_SIZE + mapped_size, &thread->vmar, &region);
  if (status == ZX_OK) status = zx_vmo_create(mapped_size, 0, &vmo);
  if (status == ZX_OK) {
    static const char name[] = "pthread-stack";
    zx_object_set_property(vmo, ZX_PROP_NAME, name, sizeof(name) - 1);
    status = zx_vmar_map(thread->vmar, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, PAGE_SIZE, vmo, 0,
                         mapped_size, &mapped);
  }
  zx_handle_close(vmo);
  if (status == ZX_OK) {
    static const char name[] = "pthread";
    status = zx_thread_create(zx_process_self(), name, sizeof(name) - 1, 0, &thread->handle);
  }
  if (status != ZX_OK) {
    if (thread->vmar != ZX_HANDLE_INVALID) zx_vmar_destroy(thread->vmar);
    zx_handle_close(thread->vmar);
    free(thread);
    return create_error(status);
  }
  uintptr_t tp = zxs_tls_prepare(base, (unsigned char*)(mapped + stack_size));
  uintptr_t sp = mapped + stack_size;  // page-aligned, so 16-byte aligned as the ABI wants
  atomic_fetch_add(&live_threads, 1);
  __atomic_store_n(&__zxs_threaded, 1, __ATOMIC_SEQ_CST);
  status = zx_thread_start(thread->handle, (uintptr_t)__zxs_thread_entry, sp, (uintptr_t)thread, tp);
  if (status != ZX_OK) {
    atomic_fetch_sub(&live_threads, 1);
    thread_free(thread);
    return create_error(status);
  }
  *out = thread;
  return 0;
}

int pthread_join(pthread_t thread, void** result) {
  if (thread == pthread_self()) return EDEADLK;
  if (thread == &initial_thread || atomic_load(&thread->state) == THREAD_DETACHED) return EINVAL;
  thread_wait_terminated(thread);
  if (result != NULL) *result = thread->result;
  thread_free(thread);
  reap_dead();
  return 0;
}

int pthread_detach(pthread_t thread) {
  if (thread == &initial_thread) return 0;
  int expected = THREAD_JOINABLE;
  if (atomic_compare_exchange_strong(&thread->state, &expected, THREAD_DETACHED)) return 0;
  if (expected == THREAD_DETACHED) return EINVAL;
  // It has already exited: nobody else will free it.
  thread_wait_terminated(thread);
  thread_free(thread);
  reap_dead();
  return 0;
}

int sched_yield(void) {
  zx_nanosleep(0);
  return 0;
}

// --- deadlines --------------------------------------------------------------------------------

// The monotonic deadline of an absolute `deadline` on `clock`, or -1 with the error number in
// *error (EINVAL for a malformed time).
static zx_time_t monotonic_deadline(clockid_t clock, const struct timespec* deadline, int* error) {
  if (deadline->tv_nsec < 0 || deadline->tv_nsec >= 1000000000L) {
    *error = EINVAL;
    return -1;
  }
  if (deadline->tv_sec < 0) return 0;
  zx_time_t when = deadline->tv_sec > INT64_MAX / 1000000000 - 1
                       ? INT64_MAX
                       : (zx_time_t)deadline->tv_sec * 1000000000 + deadline->tv_nsec;
  if (clock == CLOCK_MONOTONIC) return when;
  struct timespec now;
  clock_gettime(clock, &now);
  zx_time_t left = when - ((zx_time_t)now.tv_sec * 1000000000 + now.tv_nsec);
  zx_time_t monotonic = zx_clock_get_monotonic();
  if (left <= 0) return monotonic;
  return left > INT64_MAX - monotonic ? ZX_TIME_INFINITE : monotonic + left;
}

// --- mutexes ----------------------------------------------------------------------------------

int pthread_mutexattr_init(pthread_mutexattr_t* attr) {
  attr->__type = PTHREAD_MUTEX_DEFAULT;
  return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t* attr) {
  (void)attr;
  return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type) {
  if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE && type != PTHREAD_MUTEX_ERRORCHECK) {
    return EINVAL;
  }
  attr->__type = type;
  return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t* attr, int* type) {
  *type = attr->__type;
  return 0;
}

int pthread_mutex_init(pthread_mutex_t* mutex, const pthread_mutexattr_t* attr) {
  mutex->__state = 0;
  mutex->__type = attr != NULL ? attr->__type : PTHREAD_MUTEX_DEFAULT;
  mutex->__owner = 0;
  mutex->__count = 0;
  return 0;
}

int pthread_mutex_destroy(pthread_mutex_t* mutex) {
  return __atomic_load_n(&mutex->__state, __ATOMIC_RELAXED) != 0 ? EBUSY : 0;
}

// Takes `mutex` before the monotonic `deadline`: 0, ETIMEDOUT, EDEADLK (an error-checking mutex
// its caller holds) or EAGAIN (a recursive mutex held too many times).
static int mutex_lock_until(pthread_mutex_t* mutex, zx_time_t deadline) {
  uintptr_t self = (uintptr_t)pthread_self();
  if (mutex->__type != PTHREAD_MUTEX_NORMAL && __atomic_load_n(&mutex->__owner, __ATOMIC_RELAXED) == self) {
    if (mutex->__type == PTHREAD_MUTEX_ERRORCHECK) return EDEADLK;
    if (mutex->__count == UINT32_MAX) return EAGAIN;
    mutex->__count++;
    return 0;
  }
  if (zxs_futex_lock_until(&mutex->__state, deadline) != ZX_OK) return ETIMEDOUT;
  if (mutex->__type != PTHREAD_MUTEX_NORMAL) {
    __atomic_store_n(&mutex->__owner, self, __ATOMIC_RELAXED);
    mutex->__count = 1;
  }
  return 0;
}

int pthread_mutex_lock(pthread_mutex_t* mutex) { return mutex_lock_until(mutex, ZX_TIME_INFINITE); }

int pthread_mutex_timedlock(pthread_mutex_t* mutex, const struct timespec* deadline) {
  int error = 0;
  zx_time_t when = monotonic_deadline(CLOCK_REALTIME, deadline, &error);
  if (error != 0) return error;
  return mutex_lock_until(mutex, when);
}

int pthread_mutex_trylock(pthread_mutex_t* mutex) {
  uintptr_t self = (uintptr_t)pthread_self();
  if (mutex->__type == PTHREAD_MUTEX_RECURSIVE && __atomic_load_n(&mutex->__owner, __ATOMIC_RELAXED) == self) {
    if (mutex->__count == UINT32_MAX) return EAGAIN;
    mutex->__count++;
    return 0;
  }
  if (!zxs_futex_trylock(&mutex->__state)) return EBUSY;
  if (mutex->__type != PTHREAD_MUTEX_NORMAL) {
    __atomic_store_n(&mutex->__owner, self, __ATOMIC_RELAXED);
    mutex->__count = 1;
  }
  return 0;
}

int pthread_mutex_unlock(pthread_mutex_t* mutex) {
  if (mutex->__type != PTHREAD_MUTEX_NORMAL) {
    if (__atomic_load_n(&mutex->__owner, __ATOMIC_RELAXED) != (uintptr_t)pthread_self()) return EPERM;
    if (--mutex->__count > 0) return 0;
    __atomic_store_n(&mutex->__owner, 0, __ATOMIC_RELAXED);
  }
  zxs_futex_unlock(&mutex->__state);
  return 0;
}

// --- condition variables ----------------------------------------------------------------------

int pthread_condattr_init(pthread_condattr_t* attr) {
  attr->__clock = CLOCK_REALTIME;
  return 0;
}

int pthread_condattr_destroy(pthread_condattr_t* attr) {
  (void)attr;
  return 0;
}

int pthread_condattr_setclock(pthread_condattr_t* attr, clockid_t clock) {
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) return EINVAL;
  attr->__clock = clock;
  return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t* attr, clockid_t* clock) {
  *clock = attr->__clock;
  return 0;
}

int pthread_cond_init(pthread_cond_t* cond, const pthread_condattr_t* attr) {
  cond->__sequence = 0;
  cond->__waiters = 0;
  cond->__clock = attr != NULL ? attr->__clock : CLOCK_REALTIME;
  return 0;
}

int pthread_cond_destroy(pthread_cond_t* cond) {
  return __atomic_load_n(&cond->__waiters, __ATOMIC_RELAXED) != 0 ? EBUSY : 0;
}

// Releases `mutex`, sleeps until signalled (or the monotonic `deadline`), takes `mutex` again. The
// sequence number is read and the waiter counted while the mutex is held, so a signal sent after
// the caller's check of its condition always finds it.
static int cond_wait_until(pthread_cond_t* cond, pthread_mutex_t* mutex, zx_time_t deadline) {
  uintptr_t self = (uintptr_t)pthread_self();
  if (mutex->__type != PTHREAD_MUTEX_NORMAL && __atomic_load_n(&mutex->__owner, __ATOMIC_RELAXED) != self) {
    return EPERM;
  }
  int sequence = __atomic_load_n(&cond->__sequence, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&cond->__waiters, 1, __ATOMIC_SEQ_CST);
  unsigned count = mutex->__count;
  if (mutex->__type != PTHREAD_MUTEX_NORMAL) __atomic_store_n(&mutex->__owner, 0, __ATOMIC_RELAXED);
  zxs_futex_unlock(&mutex->__state);
  zx_status_t status = zx_futex_wait((const zx_futex_t*)&cond->__sequence, sequence, ZX_HANDLE_INVALID, deadline);
  __atomic_fetch_sub(&cond->__waiters, 1, __ATOMIC_SEQ_CST);
  zxs_futex_lock_contended(&mutex->__state);
  if (mutex->__type != PTHREAD_MUTEX_NORMAL) {
    __atomic_store_n(&mutex->__owner, self, __ATOMIC_RELAXED);
    mutex->__count = count;
  }
  return status == ZX_ERR_TIMED_OUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex) {
  return cond_wait_until(cond, mutex, ZX_TIME_INFINITE);
}

int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const struct timespec* deadline) {
  int error = 0;
  zx_time_t when = monotonic_deadline(cond->__clock, deadline, &error);
  if (error != 0) return error;
  return cond_wait_until(cond, mutex, when);
}

// Wakes up to `count` waiters: a new sequence number, so a waiter about to sleep does not.
static int cond_wake(pthread_cond_t* cond, uint32_t count) {
  if (__atomic_load_n(&cond->__waiters, __ATOMIC_SEQ_CST) == 0) return 0;
  __atomic_fetch_add(&cond->__sequence, 1, __ATOMIC_SEQ_CST);
  zx_futex_wake((const zx_futex_t*)&cond->__sequence, count);
  return 0;
}

int pthread_cond_signal(pthread_cond_t* cond) { return cond_wake(cond, 1); }
int pthread_cond_broadcast(pthread_cond_t* cond) { return cond_wake(cond, UINT32_MAX); }

// --- once -------------------------------------------------------------------------------------

enum { ONCE_NEVER = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

int pthread_once(pthread_once_t* once, void (*init)(void)) {
  if (__atomic_load_n(&once->__state, __ATOMIC_ACQUIRE) == ONCE_DONE) return 0;
  int expected = ONCE_NEVER;
  if (__atomic_compare_exchange_n(&once->__state, &expected, ONCE_RUNNING, 0, __ATOMIC_ACQUIRE,
                                  __ATOMIC_ACQUIRE)) {
    init();
    __atomic_store_n(&once->__state, ONCE_DONE, __ATOMIC_RELEASE);
    zx_futex_wake((const zx_futex_t*)&once->__state, UINT32_MAX);
    return 0;
  }
  while (__atomic_load_n(&once->__state, __ATOMIC_ACQUIRE) == ONCE_RUNNING) {
    zx_futex_wait((const zx_futex_t*)&once->__state, ONCE_RUNNING, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
  }
  return 0;
}

// --- picolibc's TLS hooks -----------------------------------------------------------------------

// picolibc's own start-up copies TLS with these (its inittls.c reads symbols of its linker
// script); the runtime sets TLS up itself (tls.h) and provides them over the program's PT_TLS, for
// a program that builds a thread's block by hand. `tls` must be aligned as the segment is.
void _init_tls(void* tls) {
  uintptr_t base = (uintptr_t)__ehdr_start;
  const zxs_elf64_phdr_t* segment = zxs_find_segment(base, ZXS_PT_TLS);
  if (segment == NULL) return;
  size_t segment_align = segment->p_align > 1 ? segment->p_align : 1;
  unsigned char* block = (unsigned char*)tls + (segment->p_vaddr & (segment_align - 1));
  memcpy(block, (const void*)(base + segment->p_vaddr), segment->p_filesz);
  memset(block + segment->p_filesz, 0, segment->p_memsz - segment->p_filesz);
}

void _set_tls(void* tls) { __asm__ volatile("mv tp, %0" : : "r"(tls) : "memory"); }
