// <dirent.h> over fuchsia.io: a directory stream is a directory descriptor (open(O_DIRECTORY))
// read with ReadDirents into a buffer of packed dirents. A directory that only the namespace
// implies ("/" above "/data") lists the namespace entries below it.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zxsim/fuchsia-io.h>

#include "fdio.h"
#include "fidl-wire.h"

struct __zxs_dir {
  int fd;                // -1 for a directory only the namespace implies
  uint64_t size, at;     // the packed dirents in `buffer`, and the next one's offset
  char** names;          // an implied directory's entries
  size_t count, next;
  struct dirent entry;   // what readdir returns
  unsigned char buffer[ZXS_IO_MAX_BUF];
};

static void add_name(const char* name, size_t length, void* ctx) {
  DIR* dir = ctx;
  char* copy = malloc(length + 1);
  if (copy == NULL) return;
  memcpy(copy, name, length);
  copy[length] = 0;
  dir->names[dir->count++] = copy;
}

DIR* fdopendir(int fd) {
  zxs_fdio_t* io = __zxs_fd_get(fd);
  if (io == NULL) return NULL;
  int directory = io->kind == ZXS_FDIO_DIRECTORY;
  __zxs_fd_put(io);
  if (!directory) {
    errno = ENOTDIR;
    return NULL;
  }
  DIR* dir = calloc(1, sizeof *dir);
  if (dir == NULL) {
    errno = ENOMEM;
    return NULL;
  }
  dir->fd = fd;
  return dir;
}

DIR* opendir(const char* path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    DIR* dir = fdopendir(fd);
    if (dir == NULL) close(fd);
    return dir;
  }
  char canonical[ZXS_IO_MAX_PATH_LENGTH + 2];
  if (errno != EISDIR || __zxs_canonical(path, canonical, sizeof canonical) != 0) return NULL;
  // A directory the namespace implies: list the entries below it.
  size_t count = __zxs_namespace_children(canonical, NULL, NULL);
  DIR* dir = calloc(1, sizeof *dir);
  if (dir == NULL || (dir->names = calloc(count + 1, sizeof(char*))) == NULL) {
    free(dir);
    errno = ENOMEM;
    return NULL;
  }
  dir->fd = -1;
  __zxs_namespace_children(canonical, add_name, dir);
  return dir;
}

struct dirent* readdir(DIR* dir) {
  if (dir->fd < 0) {
    if (dir->next >= dir->count) return NULL;
    const char* name = dir->names[dir->next++];
    dir->entry.d_ino = (ino_t)-1;
    dir->entry.d_type = DT_DIR;
    strcpy(dir->entry.d_name, name);
    return &dir->entry;
  }
  for (;;) {
    if (dir->at >= dir->size) {
      zxs_fdio_t* io = __zxs_fd_get(dir->fd);
      if (io == NULL) return NULL;
      size_t actual = 0;
      zx_status_t status = zxs_io_read_dirents(io->handle, dir->buffer, sizeof dir->buffer, &actual);
      __zxs_fd_put(io);
      if (status != ZX_OK) {
        __zxs_status_errno(status);
        return NULL;
      }
      if (actual == 0) return NULL;  // the end; errno untouched
      dir->size = actual;
      dir->at = 0;
    }
    zxs_dirent_t dirent;
    if (zxs_io_next_dirent(dir->buffer, dir->size, &dir->at, &dirent) != 1) {
      dir->at = dir->size;
      errno = EIO;
      return NULL;
    }
    dir->entry.d_ino = (ino_t)dirent.ino;
    dir->entry.d_type = dirent.type;
    memcpy(dir->entry.d_name, dirent.name, dirent.name_length);
    dir->entry.d_name[dirent.name_length] = 0;
    return &dir->entry;
  }
}

void rewinddir(DIR* dir) {
  dir->next = 0;
  dir->size = dir->at = 0;
  zxs_fdio_t* io = dir->fd < 0 ? NULL : __zxs_fd_get(dir->fd);
  if (io != NULL) {
    zxs_io_rewind(io->handle);
    __zxs_fd_put(io);
  }
}

int dirfd(DIR* dir) {
  if (dir->fd < 0) {
    errno = ENOTSUP;
    return -1;
  }
  return dir->fd;
}

int closedir(DIR* dir) {
  int result = 0;
  if (dir->fd >= 0) result = close(dir->fd);
  for (size_t i = 0; i < dir->count; i++) free(dir->names[i]);
  free(dir->names);
  free(dir);
  return result;
}
