// C11 <threads.h> over the runtime's POSIX threads (pthread.c): the same threads, mutexes,
// condition variables, once flags and keys, with C11's names and return codes. Timed calls take
// TIME_UTC deadlines (CLOCK_REALTIME).
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>
#include <time.h>

// A C11 thread's start routine returns int; a POSIX one returns void*.
typedef struct {
  thrd_start_t start;
  void* arg;
} c11_start_t;

static void* c11_trampoline(void* arg) {
  c11_start_t start = *(c11_start_t*)arg;
  free(arg);
  return (void*)(intptr_t)start.start(start.arg);
}

static int c11_result(int error) {
  switch (error) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM:
    case EAGAIN: return thrd_nomem;
    default: return thrd_error;
  }
}

int thrd_create(thrd_t* thread, thrd_start_t start, void* arg) {
  c11_start_t* pair = malloc(sizeof *pair);
  if (pair == NULL) return thrd_nomem;
  pair->start = start;
  pair->arg = arg;
  int error = pthread_create(thread, NULL, c11_trampoline, pair);
  if (error != 0) free(pair);
  return c11_result(error);
}

int thrd_join(thrd_t thread, int* result) {
  void* value = NULL;
  int error = pthread_join(thread, &value);
  if (error == 0 && result != NULL) *result = (int)(intptr_t)value;
  return c11_result(error);
}

int thrd_detach(thrd_t thread) { return c11_result(pthread_detach(thread)); }
thrd_t thrd_current(void) { return pthread_self(); }
int thrd_equal(thrd_t a, thrd_t b) { return pthread_equal(a, b); }
_Noreturn void thrd_exit(int result) { pthread_exit((void*)(intptr_t)result); }
void thrd_yield(void) { sched_yield(); }

int thrd_sleep(const struct timespec* duration, struct timespec* remaining) {
  if (nanosleep(duration, remaining) == 0) return 0;
  return errno == EINTR ? -1 : -2;
}

int mtx_init(mtx_t* mutex, int type) {
  if ((type & ~(mtx_plain | mtx_recursive | mtx_timed)) != 0 || (type & (mtx_plain | mtx_timed)) == 0) {
    return thrd_error;
  }
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, (type & mtx_recursive) ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_NORMAL);
  return c11_result(pthread_mutex_init(mutex, &attr));
}

void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(mutex); }
int mtx_lock(mtx_t* mutex) { return c11_result(pthread_mutex_lock(mutex)); }
int mtx_trylock(mtx_t* mutex) { return c11_result(pthread_mutex_trylock(mutex)); }
int mtx_unlock(mtx_t* mutex) { return c11_result(pthread_mutex_unlock(mutex)); }

int mtx_timedlock(mtx_t* restrict mutex, const struct timespec* restrict deadline) {
  return c11_result(pthread_mutex_timedlock(mutex, deadline));
}

int cnd_init(cnd_t* cond) { return c11_result(pthread_cond_init(cond, NULL)); }
void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(cond); }
int cnd_signal(cnd_t* cond) { return c11_result(pthread_cond_signal(cond)); }
int cnd_broadcast(cnd_t* cond) { return c11_result(pthread_cond_broadcast(cond)); }
int cnd_wait(cnd_t* cond, mtx_t* mutex) { return c11_result(pthread_cond_wait(cond, mutex)); }

int cnd_timedwait(cnd_t* restrict cond, mtx_t* restrict mutex, const struct timespec* restrict deadline) {
  return c11_result(pthread_cond_timedwait(cond, mutex, deadline));
}

void call_once(once_flag* flag, void (*init)(void)) { pthread_once(flag, init); }

int tss_create(tss_t* key, tss_dtor_t destructor) { return c11_result(pthread_key_create(key, destructor)); }
void tss_delete(tss_t key) { pthread_key_delete(key); }
void* tss_get(tss_t key) { return pthread_getspecific(key); }
int tss_set(tss_t key, void* value) { return c11_result(pthread_setspecific(key, value)); }
