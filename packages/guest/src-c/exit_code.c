// exit_code: exits with the decimal number given as argv[1] (argv[0] being the program name), or 0
// when there is no argv[1].
//
// Values that fit in an int return from main, so they go through exit() and the C start-up; any
// other 64-bit value goes straight to zx_process_exit. An argument that is not a decimal integer
// makes it print a message to stderr and exit 127.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zircon/syscalls.h>

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  char* end = NULL;
  errno = 0;
  long value = strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || errno != 0) {
    fprintf(stderr, "exit_code: not a decimal integer: %s\n", argv[1]);
    return 127;
  }
  if (value >= INT32_MIN && value <= INT32_MAX) return (int)value;
  zx_process_exit(value);
}
