// Process-level POSIX calls over Zircon: getpid (the process's koid), kill and raise for the
// process itself (a crash signal ends it as a Zircon crash does, the rest as a task kill),
// getentropy and getrandom (zx_cprng_draw), and the sleeps and clocks over the monotonic clock.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>

pid_t getpid(void) {
  zx_info_handle_basic_t info;
  if (zx_object_get_info(zx_process_self(), ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) != ZX_OK) return 1;
  return (pid_t)info.koid;
}

static sigset_t blocked, pending;

static sigset_t signal_bit(int sig) { return (sigset_t)1 << (sig - 1); }

// Ends the process for signal `sig`: the signals POSIX says dump core (abort, faults, traps) end
// it the way an unhandled exception does (return code ZX_TASK_RETCODE_EXCEPTION_KILL); the others
// as zx_task_kill does (ZX_TASK_RETCODE_SYSCALL_KILL). Nothing buffered is written out, as with a
// signal on POSIX.
static __attribute__((noreturn)) void die_of(int sig) {
  switch (sig) {
    case SIGABRT:
    case SIGSEGV:
    case SIGILL:
    case SIGBUS:
    case SIGFPE:
    case SIGTRAP:
    case SIGSYS:
    case SIGQUIT:
      __builtin_trap();
    default:
      zx_task_kill(zx_process_self());
      __builtin_trap();
  }
}

int kill(pid_t pid, int sig) {
  if (sig < 0 || sig >= NSIG) {
    errno = EINVAL;
    return -1;
  }
  if (pid != 0 && pid != -1 && pid != getpid()) {
    errno = ESRCH;
    return -1;
  }
  if (sig == 0) return 0;
  // picolibc's raise() runs a handler the program installed; a signal reaching here is fatal
  // unless it is one POSIX ignores by default, or blocked (then it waits until unblocked).
  if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH) return 0;
  if (__atomic_load_n(&blocked, __ATOMIC_SEQ_CST) & signal_bit(sig)) {
    __atomic_fetch_or(&pending, signal_bit(sig), __ATOMIC_SEQ_CST);
    return 0;
  }
  die_of(sig);
}

// The process's signal mask (there is one thread-independent mask: signals only come from the
// process itself, through kill and raise), and the blocked signals kill received meanwhile.
// SIGKILL and SIGSTOP cannot be blocked. A pending fatal signal is delivered (ends the process) as
// soon as it is unblocked.
int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  sigset_t previous = __atomic_load_n(&blocked, __ATOMIC_SEQ_CST);
  if (old != NULL) *old = previous;
  if (set == NULL) return 0;
  sigset_t next;
  switch (how) {
    case SIG_BLOCK: next = previous | *set; break;
    case SIG_UNBLOCK: next = previous & ~*set; break;
    case SIG_SETMASK: next = *set; break;
    default: errno = EINVAL; return -1;
  }
  next &= ~(signal_bit(SIGKILL) | signal_bit(SIGSTOP));
  __atomic_store_n(&blocked, next, __ATOMIC_SEQ_CST);
  sigset_t deliverable = __atomic_load_n(&pending, __ATOMIC_SEQ_CST) & ~next;
  for (int sig = 1; sig < NSIG && deliverable != 0; sig++) {
    if (deliverable & signal_bit(sig)) {
      __atomic_fetch_and(&pending, ~signal_bit(sig), __ATOMIC_SEQ_CST);
      die_of(sig);
    }
  }
  return 0;
}

int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) {
  return sigprocmask(how, set, old) == 0 ? 0 : errno;
}

int getentropy(void* buffer, size_t length) {
  if (length > ZX_CPRNG_DRAW_MAX_LEN) {
    errno = EIO;
    return -1;
  }
  zx_cprng_draw(buffer, length);
  return 0;
}

ssize_t getrandom(void* buffer, size_t length, unsigned int flags) {
  (void)flags;
  unsigned char* out = buffer;
  size_t done = 0;
  while (done < length) {
    size_t n = length - done < ZX_CPRNG_DRAW_MAX_LEN ? length - done : ZX_CPRNG_DRAW_MAX_LEN;
    zx_cprng_draw(out + done, n);
    done += n;
  }
  return (ssize_t)done;
}

// Sleeps until the monotonic clock reaches `deadline`.
static void sleep_until(zx_time_t deadline) { zx_nanosleep(deadline); }

int nanosleep(const struct timespec* request, struct timespec* remaining) {
  if (request->tv_sec < 0 || request->tv_nsec < 0 || request->tv_nsec >= 1000000000L) {
    errno = EINVAL;
    return -1;
  }
  zx_time_t now = zx_clock_get_monotonic();
  zx_time_t span = (zx_time_t)request->tv_sec * 1000000000LL + request->tv_nsec;
  sleep_until(span > INT64_MAX - now ? INT64_MAX : now + span);
  if (remaining != NULL) remaining->tv_sec = 0, remaining->tv_nsec = 0;
  return 0;
}

unsigned sleep(unsigned seconds) {
  struct timespec request = {.tv_sec = seconds, .tv_nsec = 0};
  nanosleep(&request, NULL);
  return 0;
}

int usleep(useconds_t microseconds) {
  if (microseconds >= 1000000u) {
    errno = EINVAL;
    return -1;
  }
  struct timespec request = {.tv_sec = 0, .tv_nsec = (long)microseconds * 1000};
  return nanosleep(&request, NULL);
}

// --- clocks -----------------------------------------------------------------------------------

#include <sys/time.h>
#include <sys/times.h>

// Reads Zircon clock `id` (ZX_CLOCK_*), in nanoseconds.
static int64_t read_clock(uint32_t id) {
  zx_time_t now = 0;
  if (zx_clock_get(id, &now) != ZX_OK) return 0;
  return now;
}

// The CPU time (ns) of all the process's threads, ended ones too (ZX_INFO_TASK_RUNTIME).
static int64_t process_cpu_time(void) {
  zx_info_task_runtime_t runtime;
  if (zx_object_get_info(zx_process_self(), ZX_INFO_TASK_RUNTIME, &runtime, sizeof runtime, NULL, NULL) != ZX_OK) {
    return 0;
  }
  return runtime.cpu_time;
}

// The calling thread's CPU time (ns) (ZX_INFO_THREAD_STATS).
static int64_t thread_cpu_time(void) {
  zx_info_thread_stats_t stats;
  if (zx_object_get_info(zx_thread_self(), ZX_INFO_THREAD_STATS, &stats, sizeof stats, NULL, NULL) != ZX_OK) return 0;
  return stats.total_runtime;
}

int clock_gettime(clockid_t id, struct timespec* out) {
  int64_t ns;
  switch (id) {
    case CLOCK_REALTIME:
#ifdef CLOCK_REALTIME_COARSE
    case CLOCK_REALTIME_COARSE:
#endif
      ns = read_clock(ZX_CLOCK_UTC);
      break;
    case CLOCK_MONOTONIC:
      ns = zx_clock_get_monotonic();
      break;
    case CLOCK_PROCESS_CPUTIME_ID:
      ns = process_cpu_time();
      break;
    case CLOCK_THREAD_CPUTIME_ID:
      ns = thread_cpu_time();
      break;
    default:
      errno = EINVAL;
      return -1;
  }
  out->tv_sec = (time_t)(ns / 1000000000);
  out->tv_nsec = (long)(ns % 1000000000);
  return 0;
}

int clock_getres(clockid_t id, struct timespec* out) {
  if (id != CLOCK_REALTIME && id != 0 /* CLOCK_REALTIME_COARSE */ && id != CLOCK_MONOTONIC && id != CLOCK_PROCESS_CPUTIME_ID &&
      id != CLOCK_THREAD_CPUTIME_ID) {
    errno = EINVAL;
    return -1;
  }
  if (out != NULL) out->tv_sec = 0, out->tv_nsec = 1;
  return 0;
}

int gettimeofday(struct timeval* restrict tv, void* restrict tz) {
  (void)tz;
  int64_t ns = read_clock(ZX_CLOCK_UTC);
  tv->tv_sec = (time_t)(ns / 1000000000);
  tv->tv_usec = (suseconds_t)(ns % 1000000000 / 1000);
  return 0;
}

time_t time(time_t* out) {
  time_t now = (time_t)(read_clock(ZX_CLOCK_UTC) / 1000000000);
  if (out != NULL) *out = now;
  return now;
}

// The process's CPU time, as C says (every thread's, not only the caller's).
clock_t clock(void) { return (clock_t)(process_cpu_time() / (1000000000 / CLOCKS_PER_SEC)); }

clock_t times(struct tms* out) {
  clock_t cpu = clock();
  if (out != NULL) {
    out->tms_utime = cpu;
    out->tms_stime = 0;
    out->tms_cutime = 0;
    out->tms_cstime = 0;
  }
  return (clock_t)(zx_clock_get_monotonic() / (1000000000 / CLOCKS_PER_SEC));
}
