// <sys/dirent.h> for zxsim guests: picolibc's <dirent.h> includes it for DIR and struct dirent,
// which picolibc leaves to the system. Directories are read over fuchsia.io (sysroot/src/dirent.c).
#ifndef ZXSIM_SYS_DIRENT_H_
#define ZXSIM_SYS_DIRENT_H_

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// The d_type values (POSIX / BSD).
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
  ino_t d_ino;             // the inode number, or all ones when the server has none
  unsigned char d_type;    // a DT_* value
  char d_name[256];        // the name, NUL-terminated
};

// An open directory stream: opaque.
typedef struct __zxs_dir DIR;

#ifdef __cplusplus
}
#endif

#endif  // ZXSIM_SYS_DIRENT_H_
