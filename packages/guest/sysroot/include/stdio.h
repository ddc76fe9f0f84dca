// picolibc's <stdio.h>, and what the runtime adds to it: POSIX's explicit stream locking
// (sysroot/src/libc-lock.c).
#ifndef ZXSIM_STDIO_H_
#define ZXSIM_STDIO_H_

#include_next <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

void flockfile(FILE* stream);
int ftrylockfile(FILE* stream);
void funlockfile(FILE* stream);

#ifdef __cplusplus
}
#endif

#endif  // ZXSIM_STDIO_H_
