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
  // unless it is one POSIX ignores by default.
  if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH) return 0;
  die_of(sig);
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
