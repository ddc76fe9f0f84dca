// <sys/random.h> for zxsim guests: getrandom over zx_cprng_draw (sysroot/src/process.c).
#ifndef ZXSIM_SYS_RANDOM_H_
#define ZXSIM_SYS_RANDOM_H_

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2

// Fills `buffer` with `length` random bytes from the kernel's CPRNG; never blocks or fails.
ssize_t getrandom(void* buffer, size_t length, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif  // ZXSIM_SYS_RANDOM_H_
