// libbar.so: see libbar.h. No C library: it is linked with nothing but itself.
#include "libbar.h"

#include <stddef.h>

int bar_initialized;

const char bar_text[] = "libbar";
const char* const bar_text_tail = &bar_text[3];

// Relative relocations, packed into DT_RELR.
static const char* const words[] = {"zero", "one", "two", "three"};
static const char* const* const table = words;

__attribute__((constructor)) static void bar_init(void) { bar_initialized = 1; }

const char* bar_word(int n) { return n >= 0 && n < 4 ? table[n] : NULL; }
