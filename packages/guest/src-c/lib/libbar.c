// libbar.so: see libbar.h. No C library: it is linked with nothing but itself.
#include "libbar.h"

#include <stddef.h>
#include <zircon/syscalls.h>

int bar_initialized;
uint32_t bar_page_size;

const char bar_text[] = "libbar";
const char* const bar_text_tail = &bar_text[3];

// Relative relocations, packed into DT_RELR.
static const char* const words[] = {"zero", "one", "two", "three"};
static const char* const* const table = words;

// It calls the vDSO, so the compiler cannot run it at compile time and drop it.
__attribute__((constructor)) static void bar_init(void) {
  bar_page_size = zx_system_get_page_size();
  bar_initialized = 1;
}

const char* bar_word(int n) { return n >= 0 && n < 4 ? table[n] : NULL; }
