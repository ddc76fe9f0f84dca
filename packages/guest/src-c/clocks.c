// Prints the clocks one per line, as integers: time(), gettimeofday's seconds and microseconds,
// clock_gettime(CLOCK_REALTIME) and (CLOCK_MONOTONIC) in nanoseconds; then sleeps argv[1]
// milliseconds (default 0) with nanosleep, usleep and sleep in turn as the amount allows, and
// prints the monotonic nanoseconds that passed and clock()'s reading. Exits 0; 1 when a clock
// call fails or the monotonic clock went back.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec* t) { return (long long)t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(int argc, char** argv) {
  long milliseconds = argc > 1 ? atol(argv[1]) : 0;
  struct timeval tv;
  struct timespec real, mono, after;
  time_t now = time(NULL);
  if (gettimeofday(&tv, NULL) != 0 || clock_gettime(CLOCK_REALTIME, &real) != 0 ||
      clock_gettime(CLOCK_MONOTONIC, &mono) != 0) {
    return 1;
  }
  printf("time %lld\n", (long long)now);
  printf("gettimeofday %lld %ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
  printf("realtime %lld\n", ns(&real));
  printf("monotonic %lld\n", ns(&mono));
  if (milliseconds >= 1000) {
    sleep((unsigned)(milliseconds / 1000));
    milliseconds %= 1000;
  }
  if (milliseconds > 0) {
    usleep((useconds_t)(milliseconds / 2 * 1000));
    struct timespec rest = {.tv_sec = 0, .tv_nsec = (milliseconds - milliseconds / 2) * 1000000L};
    if (nanosleep(&rest, NULL) != 0) return 1;
  }
  if (clock_gettime(CLOCK_MONOTONIC, &after) != 0 || ns(&after) < ns(&mono)) return 1;
  printf("slept %lld\n", ns(&after) - ns(&mono));
  printf("clock %ld\n", (long)clock());
  return 0;
}
