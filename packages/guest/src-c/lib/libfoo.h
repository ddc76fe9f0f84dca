// libfoo.so: an ordinary shared library that the dynamically linked programs (hello_dynamic,
// process_builder_test_util) need, fetched through the loader at run time. It needs libbar.so and
// libzircon.so (the vDSO) in turn. Linked with RELA relocations and a SysV hash table only (no
// DT_GNU_HASH), so ld.so.1 looks its symbols up through DT_HASH.
#ifndef ZXSIM_LIBFOO_H_
#define ZXSIM_LIBFOO_H_

#include <stddef.h>

// The interface version this header describes; the library exports the one it implements, which a
// program reads through its GOT (an R_RISCV_64 relocation against libfoo's symbol).
#define FOO_VERSION 1
extern const int foo_version;

// Checks that ld.so.1 linked libfoo and libbar correctly: libbar's constructor (which calls the vDSO)
// ran before libfoo's;
// libbar's RELR-packed pointers and its REL symbolic relocation with an implicit addend hold the
// right addresses; libfoo's own RELA relative relocation does; and a call from libfoo into the
// vDSO (a JUMP_SLOT bound to libzircon.so) works. Returns 0, or the number of the first failed
// check (1-5).
int foo_self_test(void);

// The length of a NUL-terminated string (what strlen does), from the library.
size_t foo_length(const char* s);

#endif  // ZXSIM_LIBFOO_H_
