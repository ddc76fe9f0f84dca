// hello_dynamic: hello, dynamically linked. Started through ld.so.1, it needs libfoo.so (and, through
// it, libbar.so), fetched from the loader. It checks the library (its foo_version, read through an
// R_RISCV_64 relocation, and foo_self_test), then prints
// each argument on its own line, then each environment variable, to stdout, measuring each line
// with the library's foo_length, and exits 0: the same output as hello.
//
// Return codes: 0; 1 (and a message on stderr) when libfoo is another version or its self-test
// fails; ld.so.1's 127 when a library or symbol is missing.
#include <stdio.h>

#include "libfoo.h"

static void print_line(const char* s) {
  fwrite(s, 1, foo_length(s), stdout);
  putchar('\n');
}

int main(int argc, char** argv, char** envp) {
  if (foo_version != FOO_VERSION) {
    fprintf(stderr, "hello_dynamic: libfoo is version %d, not %d\n", foo_version, FOO_VERSION);
    return 1;
  }
  int failed = foo_self_test();
  if (failed != 0) {
    fprintf(stderr, "hello_dynamic: libfoo's self-test failed at check %d\n", failed);
    return 1;
  }
  for (int i = 0; i < argc; i++) print_line(argv[i]);
  for (char** e = envp; *e != NULL; e++) print_line(*e);
  return 0;
}
