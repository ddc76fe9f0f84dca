// write_relro_static: a static PIE that writes into its own RELRO, a pointer in .data.rel.ro that
// its start-up relocated and then made read-only. The kernel kills it (a write fault: Zircon's
// exception return code); it exits 1 if the write went through.
#include <stdio.h>

static const char* const greetings[] = {"hello", "world"};

int main(void) {
  const char* volatile* slot = (const char* volatile*)&greetings[0];
  *slot = "changed";
  printf("RELRO was writable: %s\n", greetings[0]);
  return 1;
}
