// libbar.so: the library libfoo.so depends on, so that ld.so.1 loads a dependency of a dependency.
// Linked with REL relocations (implicit addends, for the PLT too), RELR-packed relative relocations
// and a GNU hash table only. Needs libzircon.so: its constructor calls into the vDSO.
#ifndef ZXSIM_LIBBAR_H_
#define ZXSIM_LIBBAR_H_

#include <stdint.h>

// Set by libbar's constructor (to 1, and the page size the vDSO reports): ld.so.1 must run it
// before libfoo's.
extern int bar_initialized;
extern uint32_t bar_page_size;

// "libbar", and a pointer into it (a symbolic relocation with an addend of 3: "bar").
extern const char bar_text[];
extern const char* const bar_text_tail;

// The English name of 0 to 3 ("zero" … "three"), through a table of pointers; NULL otherwise.
const char* bar_word(int n);

#endif  // ZXSIM_LIBBAR_H_
