// stdin, stdout and stderr for picolibc's stdio: buffered streams (picolibc's bufio) over
// descriptors 0, 1 and 2, which posix.c connects to the PA_FD sockets a process is given.
//
// stdout is fully buffered unless the host said it is a terminal (then line-buffered): a write
// moves a whole buffer. stderr is line-buffered. stdin reads through its buffer. exit() (through
// _exit) writes out what stdout and stderr still hold, and every stream opened with fopen or
// fdopen and not closed (libc-lock.c keeps their list). read(2) and write(2) on the descriptors
// bypass the buffers, as on POSIX. Each stream has its lock (libc-lock.c), so threads may share
// them.
#include <fcntl.h>
#include <stdio-bufio.h>
#include <stdio.h>
#include <unistd.h>
#include <zircon/syscalls.h>

#include "fdio.h"

#define OUT_BUFFER 8192
#define ERR_BUFFER 1024
#define IN_BUFFER 4096

static char out_buffer[OUT_BUFFER], err_buffer[ERR_BUFFER], in_buffer[IN_BUFFER];

// The descriptor calls with the signatures bufio expects.
static ssize_t fd_read(int fd, void* data, size_t size) { return read(fd, data, size); }
static ssize_t fd_write(int fd, const void* data, size_t size) { return write(fd, data, size); }
static off_t fd_lseek(int fd, off_t offset, int whence) { return lseek(fd, offset, whence); }
static int fd_close(int fd) { return close(fd); }

static struct __file_bufio zx_stdin =
    FDEV_SETUP_BUFIO(0, in_buffer, IN_BUFFER, fd_read, fd_write, fd_lseek, fd_close, __SRD, 0);
static struct __file_bufio zx_stdout =
    FDEV_SETUP_BUFIO(1, out_buffer, OUT_BUFFER, fd_read, fd_write, fd_lseek, fd_close, __SWR, 0);
static struct __file_bufio zx_stderr =
    FDEV_SETUP_BUFIO(2, err_buffer, ERR_BUFFER, fd_read, fd_write, fd_lseek, fd_close, __SWR, __BLBF);

FILE* const stdin = &zx_stdin.xfile.cfile.file;
FILE* const stdout = &zx_stdout.xfile.cfile.file;
FILE* const stderr = &zx_stderr.xfile.cfile.file;

void __zx_stdio_init(zx_handle_t in, zx_handle_t out, zx_handle_t err, int terminal_mask) {
  __zxs_fdio_init(in, out, err, terminal_mask);
  __zxs_stream_lock_init(stdin);
  __zxs_stream_lock_init(stdout);
  __zxs_stream_lock_init(stderr);
  if (terminal_mask & 2) zx_stdout.bflags |= __BLBF;
}

void __zx_stdio_flush(void) {
  fflush(stdout);
  fflush(stderr);
}

// exit() runs the program's destructors and then this one (the lowest priority runs last): the
// streams still open are written out, as POSIX's exit does. _exit, and a crash, do not.
__attribute__((destructor(101))) static void flush_streams_at_exit(void) { __zxs_streams_flush(); }
