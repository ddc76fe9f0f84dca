// POSIX file I/O over fuchsia.io, as Fuchsia's fdio does it: a descriptor table of objects
// (stdio sockets, file and directory connections), paths resolved through the process's namespace
// table (the PA_NS_DIR entries; a relative path through the current directory, which starts as
// $PWD or "/"), and errno values mapped from zx statuses the way fdio maps them.
//
// A path is made canonical on the client (".", ".." and repeated "/" resolved textually, as fdio
// does), then matched against the namespace entry with the longest prefix; the rest goes to that
// directory's server in one Open. Directories the namespace only implies ("/" above "/data") can
// be stat'ed, listed and made the current directory, and hold nothing else.
//
// Safe for threads: the descriptor table, the objects' reference counts and the current directory
// are under one lock, held only while they change (never across a call to a server or a wait on a
// socket); a call holds a reference to the object it works on, so a concurrent close cannot free
// it; the fuchsia.io client's reply buffer is per thread.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxsim/fuchsia-io.h>

#include "fdio.h"
#include "lock.h"

static zxs_lock_t fd_lock = ZXS_LOCK_INIT;
static zxs_fdio_t* fd_table[ZXS_FD_MAX];

// The current directory: canonical and absolute.
static char cwd[ZXS_IO_MAX_PATH_LENGTH + 2] = "/";

int __zxs_status_errno(zx_status_t status) {
  int e;
  switch (status) {
    case ZX_ERR_NOT_FOUND: e = ENOENT; break;
    case ZX_ERR_NO_MEMORY: e = ENOMEM; break;
    case ZX_ERR_INVALID_ARGS: e = EINVAL; break;
    case ZX_ERR_BUFFER_TOO_SMALL: e = EINVAL; break;
    case ZX_ERR_TIMED_OUT: e = ETIMEDOUT; break;
    case ZX_ERR_UNAVAILABLE: e = EBUSY; break;
    case ZX_ERR_ALREADY_EXISTS: e = EEXIST; break;
    case ZX_ERR_PEER_CLOSED: e = EPIPE; break;
    case ZX_ERR_BAD_STATE: e = EPIPE; break;
    case ZX_ERR_BAD_PATH: e = ENAMETOOLONG; break;
    case ZX_ERR_IO: e = EIO; break;
    case ZX_ERR_NOT_FILE: e = EISDIR; break;
    case ZX_ERR_NOT_DIR: e = ENOTDIR; break;
    case ZX_ERR_NOT_SUPPORTED: e = ENOTSUP; break;
    case ZX_ERR_WRONG_TYPE: e = ENOTSUP; break;
    case ZX_ERR_OUT_OF_RANGE: e = EINVAL; break;
    case ZX_ERR_NO_RESOURCES: e = ENOMEM; break;
    case ZX_ERR_BAD_HANDLE: e = EBADF; break;
    case ZX_ERR_ACCESS_DENIED: e = EACCES; break;
    case ZX_ERR_SHOULD_WAIT: e = EAGAIN; break;
    case ZX_ERR_FILE_BIG: e = EFBIG; break;
    case ZX_ERR_NO_SPACE: e = ENOSPC; break;
    case ZX_ERR_NOT_EMPTY: e = ENOTEMPTY; break;
    case ZX_ERR_CANCELED: e = ECANCELED; break;
    default: e = EIO; break;
  }
  errno = e;
  return -1;
}

// --- the descriptor table ---------------------------------------------------------------------

zxs_fdio_t* __zxs_fd_get(int fd) {
  zxs_fdio_t* io = NULL;
  zxs_lock(&fd_lock);
  if (fd >= 0 && fd < ZXS_FD_MAX) io = fd_table[fd];
  if (io != NULL) io->refs++;
  zxs_unlock(&fd_lock);
  if (io == NULL) errno = EBADF;
  return io;
}

zxs_fdio_t* __zxs_fdio_new(enum zxs_fdio_kind kind, zx_handle_t handle, int flags) {
  zxs_fdio_t* io = calloc(1, sizeof *io);
  if (io == NULL) {
    zx_handle_close(handle);
    errno = ENOMEM;
    return NULL;
  }
  io->kind = kind;
  io->handle = handle;
  io->flags = flags;
  return io;
}

void __zxs_fd_put(zxs_fdio_t* io) {
  zxs_lock(&fd_lock);
  int left = --io->refs;
  zxs_unlock(&fd_lock);
  if (left > 0) return;
  if (io->kind == ZXS_FDIO_SOCKET) {
    zx_handle_close(io->handle);
  } else {
    zxs_io_close(io->handle);
  }
  free(io);
}

// Installs `io` at the lowest free descriptor from `lowest` on (taking a reference): the
// descriptor, or -1 with EMFILE.
static int install_from(zxs_fdio_t* io, int lowest) {
  zxs_lock(&fd_lock);
  for (int fd = lowest < 0 ? 0 : lowest; fd < ZXS_FD_MAX; fd++) {
    if (fd_table[fd] == NULL) {
      fd_table[fd] = io;
      io->refs++;
      zxs_unlock(&fd_lock);
      return fd;
    }
  }
  zxs_unlock(&fd_lock);
  errno = EMFILE;
  return -1;
}

int __zxs_fd_install(zxs_fdio_t* io) { return install_from(io, 0); }

void __zxs_fdio_init(zx_handle_t in, zx_handle_t out, zx_handle_t err, int terminal_mask) {
  zx_handle_t handles[3] = {in, out, err};
  for (int fd = 0; fd < 3; fd++) {
    // One socket may serve several descriptors (ZX_STARTUP_FD_USE_FOR_STDIO): one object for all.
    // A descriptor the process got no handle for is a null object (a socket object with no socket),
    // as fdio binds missing stdio to its null object: reads see end of file, writes are discarded.
    zxs_fdio_t* shared = NULL;
    for (int other = 0; other < fd; other++) {
      if (handles[fd] != ZX_HANDLE_INVALID && handles[other] == handles[fd] && fd_table[other] != NULL) {
        shared = fd_table[other];
      }
    }
    zxs_fdio_t* io = shared != NULL ? shared : __zxs_fdio_new(ZXS_FDIO_SOCKET, handles[fd], O_RDWR);
    if (io == NULL) continue;
    io->terminal |= (terminal_mask >> fd) & 1;
    fd_table[fd] = io;
    io->refs++;
  }
  const char* pwd = getenv("PWD");
  if (pwd != NULL && pwd[0] == '/') {
    char canonical[sizeof cwd];
    if (__zxs_canonical(pwd, canonical, sizeof canonical) == 0) strcpy(cwd, canonical);
  }
}

// --- paths ------------------------------------------------------------------------------------

int __zxs_canonical(const char* path, char* out, size_t capacity) {
  if (path == NULL || path[0] == 0) {
    errno = ENOENT;
    return -1;
  }
  size_t length = 0;
  if (path[0] != '/') {
    zxs_lock(&fd_lock);
    length = strlen(cwd);
    if (length + 1 <= capacity) memcpy(out, cwd, length + 1);
    zxs_unlock(&fd_lock);
    if (length + 1 > capacity) {
      errno = ENAMETOOLONG;
      return -1;
    }
    if (length == 1) length = 0;  // "/" : segments append as "/name"
  }
  const char* p = path;
  while (*p != 0) {
    while (*p == '/') p++;
    if (*p == 0) break;
    const char* end = p;
    while (*end != 0 && *end != '/') end++;
    size_t n = (size_t)(end - p);
    if (n == 1 && p[0] == '.') {
      // stays
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (length > 0 && out[length - 1] != '/') length--;
      if (length > 0) length--;  // the '/' before the dropped name
    } else {
      if (n > ZXS_IO_MAX_NAME_LENGTH || length + 1 + n + 1 > capacity) {
        errno = ENAMETOOLONG;
        return -1;
      }
      out[length++] = '/';
      memcpy(out + length, p, n);
      length += n;
    }
    p = end;
  }
  if (length == 0) out[length++] = '/';
  out[length] = 0;
  return 0;
}

// Whether namespace path `prefix` (canonical) covers canonical `path`: equal, or a parent of it.
static size_t covers(const char* prefix, const char* path) {
  size_t n = strlen(prefix);
  while (n > 1 && prefix[n - 1] == '/') n--;  // tolerate "/data/"
  if (n == 1 && prefix[0] == '/') return 1;
  if (strncmp(prefix, path, n) != 0) return 0;
  return path[n] == 0 || path[n] == '/' ? n : 0;
}

int __zxs_resolve(const char* path, zx_handle_t* directory, char* buffer, size_t capacity) {
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(path, canonical, sizeof canonical) != 0) return -1;
  const zx_startup_namespace_entry_t* entries;
  size_t count = zx_startup_namespace(&entries);
  size_t best = 0;
  const zx_startup_namespace_entry_t* found = NULL;
  for (size_t i = 0; i < count; i++) {
    if (entries[i].path == NULL || entries[i].handle == ZX_HANDLE_INVALID) continue;
    size_t n = covers(entries[i].path, canonical);
    if (n > best) {
      best = n;
      found = &entries[i];
    }
  }
  if (found == NULL) {
    errno = ENOENT;
    return -1;
  }
  const char* rest = canonical + (best == 1 ? 1 : best);
  while (*rest == '/') rest++;
  if (*rest == 0) rest = ".";
  size_t n = strlen(rest);
  if (n + 1 > capacity || n > ZXS_IO_MAX_PATH_LENGTH) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buffer, rest, n + 1);
  *directory = found->handle;
  return 0;
}

size_t __zxs_namespace_children(const char* path, void (*each)(const char* name, size_t length, void* ctx), void* ctx) {
  const zx_startup_namespace_entry_t* entries;
  size_t count = zx_startup_namespace(&entries);
  size_t found = 0;
  size_t base = strcmp(path, "/") == 0 ? 0 : strlen(path);
  for (size_t i = 0; i < count; i++) {
    const char* entry = entries[i].path;
    if (entry == NULL || entries[i].handle == ZX_HANDLE_INVALID) continue;
    if (strncmp(entry, path, base) != 0 || entry[base] != '/') continue;
    const char* name = entry + base + 1;
    size_t length = 0;
    while (name[length] != 0 && name[length] != '/') length++;
    if (length == 0) continue;
    // Each child name once: skip it when an earlier entry gave the same one.
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) {
      const char* other = entries[j].path;
      if (other == NULL || entries[j].handle == ZX_HANDLE_INVALID) continue;
      if (strncmp(other, path, base) == 0 && other[base] == '/' && strncmp(other + base + 1, name, length) == 0 &&
          (other[base + 1 + length] == 0 || other[base + 1 + length] == '/')) {
        seen = 1;
      }
    }
    if (seen) continue;
    if (each != NULL) each(name, length, ctx);
    found++;
  }
  return found;
}

// Whether canonical `path` is a directory only the namespace implies (an ancestor of entries that
// no entry covers).
static int implied_directory(const char* path) {
  zx_handle_t directory;
  char rest[ZXS_IO_MAX_PATH_LENGTH + 1];
  int saved = errno;
  if (__zxs_resolve(path, &directory, rest, sizeof rest) == 0) return 0;
  errno = saved;
  return __zxs_namespace_children(path, NULL, NULL) > 0;
}

// --- open and the descriptor calls ------------------------------------------------------------

// The fuchsia.io OpenFlags for open(2) flags.
static uint32_t open_flags(int flags) {
  uint32_t out = 0;
  switch (flags & O_ACCMODE) {
    case O_RDONLY: out |= ZXS_IO_OPEN_RIGHT_READABLE; break;
    case O_WRONLY: out |= ZXS_IO_OPEN_RIGHT_WRITABLE; break;
    default: out |= ZXS_IO_OPEN_RIGHT_READABLE | ZXS_IO_OPEN_RIGHT_WRITABLE; break;
  }
  if (flags & O_CREAT) out |= ZXS_IO_OPEN_CREATE;
  if ((flags & O_CREAT) && (flags & O_EXCL)) out |= ZXS_IO_OPEN_CREATE_IF_ABSENT;
  if (flags & O_TRUNC) out |= ZXS_IO_OPEN_TRUNCATE;
  if (flags & O_APPEND) out |= ZXS_IO_OPEN_APPEND;
  if (flags & O_DIRECTORY) out |= ZXS_IO_OPEN_DIRECTORY;
  return out;
}

// Opens `path` with fuchsia.io `flags`: the connection and the kind of node, or -1 with errno.
static int open_node(const char* path, uint32_t flags, zx_handle_t* node, uint32_t* kind) {
  zx_handle_t directory;
  char rest[ZXS_IO_MAX_PATH_LENGTH + 1];
  if (__zxs_resolve(path, &directory, rest, sizeof rest) != 0) return -1;
  zx_status_t status = zxs_io_open_described(directory, flags, rest, strlen(rest), node, kind);
  if (status != ZX_OK) return __zxs_status_errno(status);
  return 0;
}

int open(const char* path, int flags, ...) {
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(path, canonical, sizeof canonical) != 0) return -1;
  zx_handle_t node;
  uint32_t kind;
  if (open_node(canonical, open_flags(flags), &node, &kind) != 0) {
    if (errno == ENOENT && implied_directory(canonical)) errno = EISDIR;
    return -1;
  }
  if (kind == ZXS_IO_DIRENT_DIRECTORY && (flags & O_ACCMODE) != O_RDONLY) {
    zxs_io_close(node);
    errno = EISDIR;
    return -1;
  }
  zxs_fdio_t* io = __zxs_fdio_new(kind == ZXS_IO_DIRENT_DIRECTORY ? ZXS_FDIO_DIRECTORY : ZXS_FDIO_FILE, node,
                                  flags & (O_ACCMODE | O_APPEND));
  if (io == NULL) return -1;
  int fd = __zxs_fd_install(io);
  if (fd < 0) {
    io->refs = 1;
    __zxs_fd_put(io);
  }
  return fd;
}

int creat(const char* path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

int close(int fd) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  // What stdout and stderr buffered for this socket goes out before it closes (its last
  // descriptor: this one, and the reference just taken).
  if (io->kind == ZXS_FDIO_SOCKET && io->refs == 2 && (fd == 1 || fd == 2)) __zx_stdio_flush();
  zxs_lock(&fd_lock);
  zxs_fdio_t* installed = fd_table[fd];
  if (installed == io) fd_table[fd] = NULL;
  zxs_unlock(&fd_lock);
  __zxs_fd_put(io);
  if (installed != io) {
    // Another thread closed it meanwhile.
    errno = EBADF;
    return -1;
  }
  __zxs_fd_put(io);
  return 0;
}

int dup2(int fd, int target) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  if (target < 0 || target >= ZXS_FD_MAX) {
    __zxs_fd_put(io);
    errno = EBADF;
    return -1;
  }
  if (target == fd) {
    __zxs_fd_put(io);
    return fd;
  }
  if (target == 1 || target == 2) __zx_stdio_flush();
  zxs_lock(&fd_lock);
  zxs_fdio_t* replaced = fd_table[target];
  fd_table[target] = io;  // the reference taken above is now the target's
  zxs_unlock(&fd_lock);
  if (replaced != NULL) __zxs_fd_put(replaced);
  return target;
}

int dup(int fd) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  int result = __zxs_fd_install(io);
  __zxs_fd_put(io);
  return result;
}

// A pipe is a stream socket within the process: the read end's descriptor reads (end of file once
// every write end is closed), the write end's writes (EPIPE once every read end is closed; there
// are no signals, so no SIGPIPE). O_CLOEXEC is accepted and means nothing (there is no exec);
// non-blocking pipes are not supported.
int pipe2(int fds[2], int flags) {
  if ((flags & ~O_CLOEXEC) != 0) {
    errno = EINVAL;
    return -1;
  }
  zx_handle_t ends[2];
  zx_status_t status = zx_socket_create(0 /* a stream socket */, &ends[0], &ends[1]);
  if (status != ZX_OK) return __zxs_status_errno(status);
  zxs_fdio_t* reader = __zxs_fdio_new(ZXS_FDIO_SOCKET, ends[0], O_RDONLY);
  zxs_fdio_t* writer = __zxs_fdio_new(ZXS_FDIO_SOCKET, ends[1], O_WRONLY);
  if (reader == NULL || writer == NULL) {
    // __zxs_fdio_new closed the handle of the one it could not make.
    if (reader != NULL) reader->refs = 1, __zxs_fd_put(reader);
    if (writer != NULL) writer->refs = 1, __zxs_fd_put(writer);
    return -1;
  }
  int in = __zxs_fd_install(reader);
  if (in < 0) {
    reader->refs = 1, __zxs_fd_put(reader);
    writer->refs = 1, __zxs_fd_put(writer);
    return -1;
  }
  int out = __zxs_fd_install(writer);
  if (out < 0) {
    close(in);
    writer->refs = 1, __zxs_fd_put(writer);
    return -1;
  }
  fds[0] = in;
  fds[1] = out;
  return 0;
}

int pipe(int fds[2]) { return pipe2(fds, 0); }

// Writes all of `data` to `socket`, waiting while it is full; -1 when it cannot take it.
static ssize_t socket_write(zx_handle_t socket, const char* data, size_t size) {
  // A stdio descriptor the process was started without is a null object, as in fdio: writes vanish.
  if (socket == ZX_HANDLE_INVALID) return (ssize_t)size;
  size_t done = 0;
  while (done < size) {
    size_t actual = 0;
    zx_status_t status = zx_socket_write(socket, 0, data + done, size - done, &actual);
    if (status == ZX_OK) {
      done += actual;
    } else if (status == ZX_ERR_SHOULD_WAIT) {
      zx_signals_t observed = 0;
      status = zx_object_wait_one(socket, ZX_SOCKET_WRITABLE | ZX_SOCKET_PEER_CLOSED, ZX_TIME_INFINITE, &observed);
      if (status != ZX_OK || (observed & ZX_SOCKET_WRITABLE) == 0) break;
    } else {
      break;
    }
  }
  if (done == 0 && size > 0) {
    errno = EPIPE;
    return -1;
  }
  return (ssize_t)done;
}

// Reads what `socket` holds (at most `size` bytes), waiting while it is empty; 0 at end of file.
static ssize_t socket_read(zx_handle_t socket, void* data, size_t size) {
  // ... and reads are at end of file at once.
  if (socket == ZX_HANDLE_INVALID) return 0;
  for (;;) {
    size_t actual = 0;
    zx_status_t status = zx_socket_read(socket, 0, data, size, &actual);
    if (status == ZX_OK) return (ssize_t)actual;
    if (status == ZX_ERR_PEER_CLOSED) return 0;
    if (status != ZX_ERR_SHOULD_WAIT) return __zxs_status_errno(status);
    zx_signals_t observed = 0;
    status = zx_object_wait_one(socket, ZX_SOCKET_READABLE | ZX_SOCKET_PEER_CLOSED, ZX_TIME_INFINITE, &observed);
    if (status != ZX_OK) return __zxs_status_errno(status);
  }
}

static ssize_t write_io(zxs_fdio_t* io, const void* data, size_t size);

ssize_t write(int fd, const void* data, size_t size) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  ssize_t result = write_io(io, data, size);
  __zxs_fd_put(io);
  return result;
}

static ssize_t write_io(zxs_fdio_t* io, const void* data, size_t size) {
  if (io->kind == ZXS_FDIO_DIRECTORY || (io->flags & O_ACCMODE) == O_RDONLY) {
    errno = EBADF;
    return -1;
  }
  if (io->kind == ZXS_FDIO_SOCKET) return socket_write(io->handle, data, size);
  size_t done = 0;
  while (done < size) {
    size_t actual = 0;
    zx_status_t status = zxs_io_write(io->handle, (const char*)data + done, size - done, &actual);
    if (status != ZX_OK) {
      if (done > 0) break;
      return __zxs_status_errno(status);
    }
    done += actual;
    if (actual == 0) break;
  }
  return (ssize_t)done;
}

static ssize_t read_io(zxs_fdio_t* io, void* data, size_t size);

ssize_t read(int fd, void* data, size_t size) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  ssize_t result = read_io(io, data, size);
  __zxs_fd_put(io);
  return result;
}

static ssize_t read_io(zxs_fdio_t* io, void* data, size_t size) {
  if (size == 0) return 0;
  if (io->kind == ZXS_FDIO_DIRECTORY) {
    errno = EISDIR;
    return -1;
  }
  if ((io->flags & O_ACCMODE) == O_WRONLY) {
    errno = EBADF;
    return -1;
  }
  if (io->kind == ZXS_FDIO_SOCKET) return socket_read(io->handle, data, size);
  size_t done = 0;
  while (done < size) {
    size_t actual = 0;
    zx_status_t status = zxs_io_read(io->handle, (char*)data + done, size - done, &actual);
    if (status != ZX_OK) {
      if (done > 0) break;
      return __zxs_status_errno(status);
    }
    done += actual;
    if (actual == 0) break;
  }
  return (ssize_t)done;
}

static off_t lseek_io(zxs_fdio_t* io, off_t offset, int whence);

off_t lseek(int fd, off_t offset, int whence) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  off_t result = lseek_io(io, offset, whence);
  __zxs_fd_put(io);
  return result;
}

static off_t lseek_io(zxs_fdio_t* io, off_t offset, int whence) {
  if (io->kind == ZXS_FDIO_SOCKET) {
    errno = ESPIPE;
    return -1;
  }
  uint32_t origin;
  switch (whence) {
    case SEEK_SET: origin = ZXS_IO_SEEK_START; break;
    case SEEK_CUR: origin = ZXS_IO_SEEK_CURRENT; break;
    case SEEK_END: origin = ZXS_IO_SEEK_END; break;
    default: errno = EINVAL; return -1;
  }
  if (io->kind == ZXS_FDIO_DIRECTORY) {
    errno = EINVAL;
    return -1;
  }
  uint64_t result;
  zx_status_t status = zxs_io_seek(io->handle, origin, offset, &result);
  if (status != ZX_OK) return __zxs_status_errno(status);
  return (off_t)result;
}

// Fills `st` from fuchsia.io attributes.
static void stat_from(struct stat* st, const zxs_io_attributes_t* a) {
  memset(st, 0, sizeof *st);
  st->st_mode = a->mode;
  st->st_ino = (ino_t)a->id;
  st->st_size = (off_t)a->content_size;
  st->st_nlink = (nlink_t)a->link_count;
  st->st_blksize = 4096;
  st->st_blocks = (blkcnt_t)((a->storage_size + 511) / 512);
  st->st_mtim.tv_sec = (time_t)(a->modification_time / 1000000000u);
  st->st_mtim.tv_nsec = (long)(a->modification_time % 1000000000u);
  st->st_ctim = st->st_mtim;
  st->st_atim = st->st_mtim;
}

static int fstat_io(zxs_fdio_t* io, struct stat* st);

int fstat(int fd, struct stat* st) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  int result = fstat_io(io, st);
  __zxs_fd_put(io);
  return result;
}

static int fstat_io(zxs_fdio_t* io, struct stat* st) {
  if (io->kind == ZXS_FDIO_SOCKET) {
    memset(st, 0, sizeof *st);
    st->st_mode = (io->terminal ? S_IFCHR : S_IFIFO) | 0600;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
  }
  zxs_io_attributes_t attributes;
  zx_status_t status = zxs_io_get_attr(io->handle, &attributes);
  if (status != ZX_OK) return __zxs_status_errno(status);
  stat_from(st, &attributes);
  return 0;
}

int stat(const char* path, struct stat* st) {
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(path, canonical, sizeof canonical) != 0) return -1;
  zx_handle_t node;
  uint32_t kind;
  if (open_node(canonical, ZXS_IO_OPEN_NODE_REFERENCE, &node, &kind) != 0) {
    if (errno == ENOENT && implied_directory(canonical)) {
      memset(st, 0, sizeof *st);
      st->st_mode = S_IFDIR | 0555;
      st->st_nlink = 1;
      st->st_blksize = 4096;
      return 0;
    }
    return -1;
  }
  zxs_io_attributes_t attributes;
  zx_status_t status = zxs_io_get_attr(node, &attributes);
  zxs_io_close(node);
  if (status != ZX_OK) return __zxs_status_errno(status);
  stat_from(st, &attributes);
  return 0;
}

int lstat(const char* path, struct stat* st) { return stat(path, st); }

int access(const char* path, int mode) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  (void)mode;
  return 0;
}

// Opens the directory holding canonical `path` (writable when its namespace entry is) and points
// `*name` at the last name of `path`. -1 with errno; EBUSY for a namespace entry itself.
static int open_parent(const char* canonical, zx_handle_t* parent, const char** name) {
  zx_handle_t directory;
  char rest[ZXS_IO_MAX_PATH_LENGTH + 1];
  if (__zxs_resolve(canonical, &directory, rest, sizeof rest) != 0) return -1;
  if (strcmp(rest, ".") == 0) {
    errno = EBUSY;
    return -1;
  }
  const char* slash = strrchr(canonical, '/');
  *name = slash + 1;
  char* last = strrchr(rest, '/');
  const char* dir_path = ".";
  if (last != NULL) {
    *last = 0;
    dir_path = rest;
  }
  uint32_t kind;
  zx_status_t status = zxs_io_open_described(
      directory, ZXS_IO_OPEN_RIGHT_READABLE | ZXS_IO_OPEN_POSIX_WRITABLE | ZXS_IO_OPEN_DIRECTORY, dir_path,
      strlen(dir_path), parent, &kind);
  if (status != ZX_OK) return __zxs_status_errno(status);
  return 0;
}

static int remove_entry(const char* path, uint64_t flags) {
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(path, canonical, sizeof canonical) != 0) return -1;
  zx_handle_t parent;
  const char* name;
  if (open_parent(canonical, &parent, &name) != 0) return -1;
  zx_status_t status = zxs_io_unlink(parent, name, strlen(name), flags);
  zxs_io_close(parent);
  if (status != ZX_OK) return __zxs_status_errno(status);
  return 0;
}

int unlink(const char* path) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    return -1;
  }
  return remove_entry(path, 0);
}

int rmdir(const char* path) { return remove_entry(path, ZXS_IO_UNLINK_MUST_BE_DIRECTORY); }

int rename(const char* from, const char* to) {
  char source[ZXS_IO_MAX_PATH_LENGTH + 2], target[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(from, source, sizeof source) != 0 || __zxs_canonical(to, target, sizeof target) != 0) return -1;
  zx_handle_t source_root, target_root;
  char rest[ZXS_IO_MAX_PATH_LENGTH + 1];
  if (__zxs_resolve(source, &source_root, rest, sizeof rest) != 0) return -1;
  if (__zxs_resolve(target, &target_root, rest, sizeof rest) != 0) return -1;
  if (source_root != target_root) {
    errno = EXDEV;
    return -1;
  }
  zx_handle_t source_parent, target_parent;
  const char *source_name, *target_name;
  if (open_parent(source, &source_parent, &source_name) != 0) return -1;
  if (open_parent(target, &target_parent, &target_name) != 0) {
    zxs_io_close(source_parent);
    return -1;
  }
  zx_handle_t token;
  zx_status_t status = zxs_io_get_token(target_parent, &token);
  if (status == ZX_OK) {
    status = zxs_io_rename(source_parent, source_name, strlen(source_name), token, target_name, strlen(target_name));
  }
  zxs_io_close(source_parent);
  zxs_io_close(target_parent);
  if (status != ZX_OK) return __zxs_status_errno(status);
  return 0;
}

int mkdir(const char* path, mode_t mode) {
  (void)mode;
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(path, canonical, sizeof canonical) != 0) return -1;
  zx_handle_t node;
  uint32_t kind;
  if (open_node(canonical,
                ZXS_IO_OPEN_CREATE | ZXS_IO_OPEN_CREATE_IF_ABSENT | ZXS_IO_OPEN_DIRECTORY | ZXS_IO_OPEN_RIGHT_READABLE,
                &node, &kind) != 0) {
    if (errno == ENOENT && implied_directory(canonical)) errno = EEXIST;
    return -1;
  }
  zxs_io_close(node);
  return 0;
}

char* getcwd(char* buffer, size_t size) {
  char copy[sizeof cwd];
  zxs_lock(&fd_lock);
  strcpy(copy, cwd);
  zxs_unlock(&fd_lock);
  size_t n = strlen(copy) + 1;
  if (buffer == NULL) {
    if (size == 0) size = n;
    buffer = malloc(size);
    if (buffer == NULL) {
      errno = ENOMEM;
      return NULL;
    }
  }
  if (size < n) {
    errno = size == 0 ? EINVAL : ERANGE;
    return NULL;
  }
  memcpy(buffer, copy, n);
  return buffer;
}

int chdir(const char* path) {
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (__zxs_canonical(path, canonical, sizeof canonical) != 0) return -1;
  struct stat st;
  if (stat(canonical, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  zxs_lock(&fd_lock);
  strcpy(cwd, canonical);
  zxs_unlock(&fd_lock);
  return 0;
}

int isatty(int fd) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return 0;
  int terminal = io->kind == ZXS_FDIO_SOCKET && io->terminal;
  __zxs_fd_put(io);
  if (!terminal) {
    errno = ENOTTY;
    return 0;
  }
  return 1;
}

static int fsync_io(zxs_fdio_t* io);

int fsync(int fd) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  int result = fsync_io(io);
  __zxs_fd_put(io);
  return result;
}

static int fsync_io(zxs_fdio_t* io) {
  if (io->kind == ZXS_FDIO_SOCKET) {
    errno = EINVAL;
    return -1;
  }
  zx_status_t status = zxs_io_sync(io->handle);
  return status == ZX_OK ? 0 : __zxs_status_errno(status);
}

static int ftruncate_io(zxs_fdio_t* io, off_t length);

int ftruncate(int fd, off_t length) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  int result = ftruncate_io(io, length);
  __zxs_fd_put(io);
  return result;
}

static int ftruncate_io(zxs_fdio_t* io, off_t length) {
  if (length < 0) {
    errno = EINVAL;
    return -1;
  }
  if (io->kind != ZXS_FDIO_FILE || (io->flags & O_ACCMODE) == O_RDONLY) {
    errno = io->kind == ZXS_FDIO_FILE ? EBADF : EINVAL;
    return -1;
  }
  zx_status_t status = zxs_io_resize(io->handle, (uint64_t)length);
  return status == ZX_OK ? 0 : __zxs_status_errno(status);
}

int truncate(const char* path, off_t length) {
  int fd = open(path, O_WRONLY);
  if (fd < 0) return -1;
  int result = ftruncate(fd, length);
  int saved = errno;
  close(fd);
  errno = saved;
  return result;
}

int fcntl(int fd, int command, ...) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return -1;
  va_list ap;
  va_start(ap, command);
  int result = -1;
  switch (command) {
    case F_DUPFD: {
      result = install_from(io, va_arg(ap, int));
      break;
    }
    case F_GETFD: result = 0; break;
    case F_SETFD: result = 0; break;
    case F_GETFL: result = io->flags; break;
    case F_SETFL: {
      int flags = va_arg(ap, int);
      zxs_lock(&fd_lock);
      io->flags = (io->flags & O_ACCMODE) | (flags & O_APPEND);
      zxs_unlock(&fd_lock);
      result = 0;
      break;
    }
    default: errno = EINVAL; break;
  }
  va_end(ap);
  __zxs_fd_put(io);
  return result;
}
