// libfoo.so: see libfoo.h. No C library: it is linked with libbar.so and libzircon.so only.
#include "libfoo.h"

#include <zircon/syscalls.h>

#include "libbar.h"

const int foo_version = FOO_VERSION;

// 1 when libfoo's constructor found libbar already initialized, -1 when not, 0 when it never ran.
static int initialized_after_bar;

// A relative relocation in RELA.
static const char* const name = "libfoo";

__attribute__((constructor)) static void foo_init(void) {
  initialized_after_bar = bar_initialized == 1 && bar_page_size == 4096 ? 1 : -1;
}

static int same(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

size_t foo_length(const char* s) {
  size_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

int foo_self_test(void) {
  if (initialized_after_bar != 1) return 1;
  if (bar_word(2) == NULL || !same(bar_word(2), "two") || !same(bar_word(3), "three")) return 2;
  if (!same(bar_text_tail, "bar") || bar_text_tail != bar_text + 3) return 3;
  if (zx_system_get_page_size() != 4096) return 4;
  if (!same(name, "libfoo")) return 5;
  return 0;
}
