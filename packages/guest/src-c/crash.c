// Ends as argv[1] says: "abort" calls abort(), "assert" fails an assert (its message goes to
// stderr first), "raise" raises SIGTERM, "segv" raises SIGSEGV, "handled" raises SIGUSR1 with a
// handler installed and exits 0 from main. Whatever is buffered on stdout before a crash is lost,
// as on POSIX.
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig) { handled = sig; }

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "abort";
  if (strcmp(what, "abort") == 0) abort();
  if (strcmp(what, "assert") == 0) {
    int two = argc;  // not a constant, so the assert stays
    assert(two == 42);
  }
  if (strcmp(what, "raise") == 0) raise(SIGTERM);
  if (strcmp(what, "segv") == 0) raise(SIGSEGV);
  if (strcmp(what, "handled") == 0) {
    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    printf("handled %d\n", (int)handled);
    return handled == SIGUSR1 ? 0 : 1;
  }
  return 3;
}
