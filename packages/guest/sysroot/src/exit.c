// _exit for picolibc: exit() runs the atexit handlers and then this, which writes out what stdout
// and stderr still buffer and ends the process with the status as its return code.
#include <unistd.h>
#include <zircon/syscalls.h>

#include "runtime.h"

void _exit(int status) {
  __zx_stdio_flush();
  zx_process_exit(status);
}

// picolibc's __libc_fini_array (called by exit) calls _fini through a weak reference. picolibc is
// not compiled as PIE, so a weak symbol left undefined in a static PIE resolves to the load
// address instead of 0: it must be defined. The build refuses any undefined weak symbol.
// __libc_init_array (which the runtime's start-up does not use, but a program may) calls _init the
// same way.
void _fini(void) {}
void _init(void) {}
