// pthreads: POSIX and C11 threads end to end, one line per check on stdout.
//
//   producer/consumer  PRODUCERS threads put `argv[1]` items each (default 2000) into a bounded
//                      queue of QUEUE_SIZE slots that CONSUMERS threads take from, under one mutex
//                      and two condition variables (not full, not empty); every item is taken
//                      once and the sums agree
//   recursive          a recursive mutex taken three times, busy for another thread until given
//                      back three times; an error-checking one refuses a relock and a foreign unlock
//   once, keys         pthread_once runs its routine once for 4 threads; each thread's key value
//                      is its own and its destructor runs as the thread ends
//   timedwait          pthread_cond_timedwait with nothing to wake it times out (ETIMEDOUT) with
//                      the mutex held again
//   detach, exit       detached threads end by themselves; pthread_exit's value reaches join;
//                      errno is per thread
//   c11                thrd_create/thrd_join with a result, mtx_t and cnd_t ping-pong, call_once,
//                      tss_t
//   stdio              threads print whole lines through the shared stdout (flockfile)
//   pipe               a thread writes 1,000 numbers into a pipe, main reads them through fdopen to
//                      end of file; each end refuses the other direction, a write with no reader
//                      left fails with EPIPE, the ends are FIFOs to fstat
//   cpu time           a thread spins until its own CPU time (CLOCK_THREAD_CPUTIME_ID) reaches 20 ms;
//                      after it ended, the process's (CLOCK_PROCESS_CPUTIME_ID, clock()) still
//                      counts it, on top of main's; each thread's zx_thread_self() is its own
//
// Exits 0 after `pthreads: ok`; 1 at the first check that fails (its line says which).
#define _GNU_SOURCE 1  // pipe2
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zircon/process.h>

#define PRODUCERS 2
#define CONSUMERS 2
#define QUEUE_SIZE 8

static int failures;

static void check(int ok, const char* what) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) failures++;
}

// --- producer/consumer ------------------------------------------------------------------------

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static long queue[QUEUE_SIZE];
static int queue_head, queue_count;
static long items_per_producer = 2000;
static int producers_done;

static void* producer(void* arg) {
  long base = (long)(intptr_t)arg * 1000000;
  for (long i = 1; i <= items_per_producer; i++) {
    pthread_mutex_lock(&queue_lock);
    while (queue_count == QUEUE_SIZE) pthread_cond_wait(&not_full, &queue_lock);
    queue[(queue_head + queue_count) % QUEUE_SIZE] = base + i;
    queue_count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&queue_lock);
  }
  pthread_mutex_lock(&queue_lock);
  producers_done++;
  pthread_cond_broadcast(&not_empty);
  pthread_mutex_unlock(&queue_lock);
  return NULL;
}

typedef struct {
  long sum;
  long count;
} consumed_t;

static void* consumer(void* arg) {
  consumed_t* mine = arg;
  for (;;) {
    pthread_mutex_lock(&queue_lock);
    while (queue_count == 0 && producers_done < PRODUCERS) pthread_cond_wait(&not_empty, &queue_lock);
    if (queue_count == 0) {
      pthread_mutex_unlock(&queue_lock);
      return mine;
    }
    long item = queue[queue_head];
    queue_head = (queue_head + 1) % QUEUE_SIZE;
    queue_count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&queue_lock);
    mine->sum += item;
    mine->count++;
  }
}

static void producer_consumer(void) {
  pthread_t producers[PRODUCERS], consumers[CONSUMERS];
  consumed_t consumed[CONSUMERS];
  memset(consumed, 0, sizeof consumed);
  int created = 1;
  for (int i = 0; i < CONSUMERS; i++) created &= pthread_create(&consumers[i], NULL, consumer, &consumed[i]) == 0;
  for (int i = 0; i < PRODUCERS; i++) {
    created &= pthread_create(&producers[i], NULL, producer, (void*)(intptr_t)(i + 1)) == 0;
  }
  check(created, "create");
  if (!created) exit(1);
  for (int i = 0; i < PRODUCERS; i++) pthread_join(producers[i], NULL);
  long sum = 0, count = 0;
  for (int i = 0; i < CONSUMERS; i++) {
    void* result = NULL;
    pthread_join(consumers[i], &result);
    if (result != &consumed[i]) count = -1000000;
    sum += consumed[i].sum;
    count += consumed[i].count;
  }
  long want = 0;
  for (long p = 1; p <= PRODUCERS; p++) want += p * 1000000 * items_per_producer + items_per_producer * (items_per_producer + 1) / 2;
  printf("producer/consumer items=%ld sum=%ld\n", count, sum);
  check(count == PRODUCERS * items_per_producer && sum == want, "producer/consumer");
}

// --- recursive and error-checking mutexes -----------------------------------------------------

static pthread_mutex_t recursive;

static void* try_recursive(void* arg) {
  (void)arg;
  int result = pthread_mutex_trylock(&recursive);
  if (result == 0) pthread_mutex_unlock(&recursive);
  return (void*)(intptr_t)result;
}

static void mutex_types(void) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&recursive, &attr);
  int ok = pthread_mutex_lock(&recursive) == 0 && pthread_mutex_lock(&recursive) == 0 &&
           pthread_mutex_trylock(&recursive) == 0;
  pthread_t other;
  void* result = NULL;
  pthread_create(&other, NULL, try_recursive, NULL);
  pthread_join(other, &result);
  ok = ok && (intptr_t)result == EBUSY;
  for (int i = 0; i < 3; i++) ok = ok && pthread_mutex_unlock(&recursive) == 0;
  ok = ok && pthread_mutex_unlock(&recursive) == EPERM;
  pthread_create(&other, NULL, try_recursive, NULL);
  pthread_join(other, &result);
  ok = ok && (intptr_t)result == 0;
  check(ok, "recursive mutex");

  pthread_mutex_t checked;
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&checked, &attr);
  ok = pthread_mutex_unlock(&checked) == EPERM && pthread_mutex_lock(&checked) == 0 &&
       pthread_mutex_lock(&checked) == EDEADLK && pthread_mutex_unlock(&checked) == 0;
  check(ok, "error-checking mutex");
  pthread_mutexattr_destroy(&attr);
}

// --- once and keys ----------------------------------------------------------------------------

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_key_t key;
static int destructor_runs;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void once_routine(void) { once_runs++; }

static void destructor(void* value) {
  pthread_mutex_lock(&count_lock);
  destructor_runs += (int)(intptr_t)value;
  pthread_mutex_unlock(&count_lock);
}

static void* once_and_key(void* arg) {
  pthread_once(&once, once_routine);
  pthread_setspecific(key, arg);
  sched_yield();
  return (void*)(intptr_t)(pthread_getspecific(key) == arg);
}

static void once_and_keys(void) {
  pthread_key_create(&key, destructor);
  pthread_t threads[4];
  for (intptr_t i = 0; i < 4; i++) pthread_create(&threads[i], NULL, once_and_key, (void*)(i + 1));
  int own = 1;
  for (int i = 0; i < 4; i++) {
    void* result = NULL;
    pthread_join(threads[i], &result);
    own = own && result == (void*)1;
  }
  check(once_runs == 1, "once");
  // Values 1+2+3+4: each thread's destructor ran with its own value; main's value is unset.
  check(own && destructor_runs == 10 && pthread_getspecific(key) == NULL, "keys");
  pthread_key_delete(key);
}

// --- timed wait -------------------------------------------------------------------------------

static void timed_wait(void) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 20 * 1000000;
  if (deadline.tv_nsec >= 1000000000) deadline.tv_sec++, deadline.tv_nsec -= 1000000000;
  pthread_mutex_lock(&mutex);
  int result = pthread_cond_timedwait(&cond, &mutex, &deadline);
  int held = pthread_mutex_trylock(&mutex) == EBUSY;
  pthread_mutex_unlock(&mutex);
  struct timespec bad = {0, 2000000000L};
  pthread_mutex_lock(&mutex);
  int invalid = pthread_cond_timedwait(&cond, &mutex, &bad) == EINVAL;
  pthread_mutex_unlock(&mutex);
  check(result == ETIMEDOUT && held && invalid, "timedwait");
}

// --- detach, pthread_exit, errno --------------------------------------------------------------

static int detached_done;

static void* detached(void* arg) {
  (void)arg;
  pthread_mutex_lock(&count_lock);
  detached_done++;
  pthread_mutex_unlock(&count_lock);
  return NULL;
}

static void* exits_early(void* arg) {
  errno = 42;
  pthread_exit((void*)(intptr_t)(errno == 42 ? (intptr_t)arg : -1));
  return NULL;
}

static void detach_and_exit(void) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  size_t size = 0;
  pthread_attr_getstacksize(&attr, &size);
  int ok = size == 64 * 1024;
  for (int round = 0; round < 3; round++) {
    pthread_t thread;
    ok = ok && pthread_create(&thread, &attr, detached, NULL) == 0;
  }
  pthread_t joinable;
  pthread_create(&joinable, NULL, detached, NULL);
  ok = ok && pthread_detach(joinable) == 0;
  for (int spins = 0; spins < 10000; spins++) {
    pthread_mutex_lock(&count_lock);
    int done = detached_done;
    pthread_mutex_unlock(&count_lock);
    if (done == 4) break;
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  check(ok && detached_done == 4, "detach");
  pthread_attr_destroy(&attr);

  errno = 0;
  pthread_t thread;
  void* result = NULL;
  pthread_create(&thread, NULL, exits_early, (void*)77);
  ok = pthread_join(thread, &result) == 0 && result == (void*)77 && errno == 0;
  check(ok && pthread_join(pthread_self(), NULL) == EDEADLK && pthread_equal(pthread_self(), pthread_self()),
        "pthread_exit and errno");
}

// --- C11 --------------------------------------------------------------------------------------

static mtx_t c11_mutex;
static cnd_t c11_cond;
static int turn;  // 0: main's, 1: the other thread's
static once_flag c11_once = ONCE_FLAG_INIT;
static int c11_once_runs;
static tss_t c11_key;

static void c11_once_routine(void) { c11_once_runs++; }

static int ping_pong(void* arg) {
  int rounds = *(int*)arg;
  call_once(&c11_once, c11_once_routine);
  tss_set(c11_key, arg);
  for (int i = 0; i < rounds; i++) {
    mtx_lock(&c11_mutex);
    while (turn != 1) cnd_wait(&c11_cond, &c11_mutex);
    turn = 0;
    cnd_signal(&c11_cond);
    mtx_unlock(&c11_mutex);
  }
  return tss_get(c11_key) == arg ? rounds * 2 : -1;
}

static void c11(void) {
  int ok = mtx_init(&c11_mutex, mtx_plain) == thrd_success && cnd_init(&c11_cond) == thrd_success &&
           tss_create(&c11_key, NULL) == thrd_success;
  int rounds = 100;
  thrd_t thread;
  ok = ok && thrd_create(&thread, ping_pong, &rounds) == thrd_success;
  call_once(&c11_once, c11_once_routine);
  for (int i = 0; i < rounds; i++) {
    mtx_lock(&c11_mutex);
    turn = 1;
    cnd_signal(&c11_cond);
    while (turn != 0) cnd_wait(&c11_cond, &c11_mutex);
    mtx_unlock(&c11_mutex);
  }
  int result = 0;
  ok = ok && thrd_join(thread, &result) == thrd_success && result == 200 && c11_once_runs == 1;
  mtx_t timed;
  mtx_init(&timed, mtx_timed | mtx_recursive);
  ok = ok && mtx_trylock(&timed) == thrd_success && mtx_trylock(&timed) == thrd_success;
  mtx_unlock(&timed);
  mtx_unlock(&timed);
  mtx_destroy(&timed);
  tss_delete(c11_key);
  cnd_destroy(&c11_cond);
  mtx_destroy(&c11_mutex);
  check(ok, "c11 threads");
}

// --- stdio from threads -----------------------------------------------------------------------

static void* print_lines(void* arg) {
  // Each line whole: picolibc locks the stream per character, flockfile for the whole call.
  for (int i = 0; i < 50; i++) {
    flockfile(stdout);
    printf("line from thread %d number %02d of 50\n", (int)(intptr_t)arg, i);
    funlockfile(stdout);
  }
  return NULL;
}

static void shared_stdout(void) {
  pthread_t threads[3];
  for (intptr_t i = 0; i < 3; i++) pthread_create(&threads[i], NULL, print_lines, (void*)i);
  for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
  check(1, "stdio");
}

// --- pipe -------------------------------------------------------------------------------------

static void* pipe_writer(void* arg) {
  int fd = (int)(intptr_t)arg;
  char line[16];
  for (int i = 0; i < 1000; i++) {
    int n = snprintf(line, sizeof line, "%d\n", i);
    if (write(fd, line, (size_t)n) != n) return (void*)1;
  }
  close(fd);
  return NULL;
}

static void pipes(void) {
  int fds[2];
  int ok = pipe(fds) == 0;
  pthread_t writer;
  ok = ok && pthread_create(&writer, NULL, pipe_writer, (void*)(intptr_t)fds[1]) == 0;
  FILE* in = ok ? fdopen(fds[0], "r") : NULL;
  long sum = 0;
  int count = 0, value;
  while (in != NULL && fscanf(in, "%d", &value) == 1) sum += value, count++;
  void* result = (void*)1;
  if (ok) pthread_join(writer, &result);
  ok = ok && in != NULL && result == NULL && count == 1000 && sum == 499500;
  if (in != NULL) fclose(in);
  char c = 'x';
  struct stat st;
  ok = ok && pipe(fds) == 0;
  ok = ok && write(fds[0], &c, 1) == -1 && errno == EBADF;
  ok = ok && read(fds[1], &c, 1) == -1 && errno == EBADF;
  ok = ok && fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode);
  ok = ok && close(fds[0]) == 0;
  ok = ok && write(fds[1], &c, 1) == -1 && errno == EPIPE;
  ok = ok && close(fds[1]) == 0;
  ok = ok && pipe2(fds, O_NONBLOCK) == -1 && errno == EINVAL;
  check(ok, "pipe");
}

// --- CPU time ---------------------------------------------------------------------------------

static long long nanoseconds(clockid_t id) {
  struct timespec t;
  if (clock_gettime(id, &t) != 0) return -1;
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static volatile unsigned long spin_sink;

static zx_handle_t spinner_self;

static void* spinner(void* arg) {
  long long* spent = arg;
  spinner_self = zx_thread_self();
  while ((*spent = nanoseconds(CLOCK_THREAD_CPUTIME_ID)) >= 0 && *spent < 20000000LL) {
    for (int i = 0; i < 10000; i++) spin_sink += (unsigned long)i;
  }
  return NULL;
}

static void cpu_time(void) {
  long long spent = 0;
  pthread_t thread;
  int ok = pthread_create(&thread, NULL, spinner, &spent) == 0 && pthread_join(thread, NULL) == 0;
  long long mine = nanoseconds(CLOCK_THREAD_CPUTIME_ID);
  long long all = nanoseconds(CLOCK_PROCESS_CPUTIME_ID);
  clock_t ticks = clock();
  // Each thread's zx_thread_self() is its own handle.
  ok = ok && spinner_self != ZX_HANDLE_INVALID && spinner_self != zx_thread_self();
  ok = ok && spent >= 20000000LL && mine > 0 && all >= spent + mine;
  ok = ok && ticks >= (clock_t)(spent / (1000000000LL / CLOCKS_PER_SEC));
  check(ok, "cpu time");
}

int main(int argc, char** argv) {
  if (argc >= 2) items_per_producer = strtol(argv[1], NULL, 10);
  producer_consumer();
  mutex_types();
  once_and_keys();
  timed_wait();
  detach_and_exit();
  c11();
  shared_stdout();
  pipes();
  cpu_time();
  if (failures > 0) return 1;
  printf("pthreads: ok\n");
  return 0;
}
